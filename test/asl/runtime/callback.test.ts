import { describe, expect, it } from 'vitest';
import { execute, parseDefinition, type TaskRequest, VirtualClock } from '../../../asl/index.ts';
import { jsonata, testEnv, types } from './helpers.ts';

const waitForToken = (extra: Record<string, unknown> = {}) =>
  jsonata({
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Arguments: { QueueUrl: 'q', MessageBody: { token: '{% $states.context.Task.Token %}' } },
      ...extra,
      End: true,
    },
  });

describe('.waitForTaskToken', () => {
  it('passes the token to the call, records TaskSubmitted, and resumes on SendTaskSuccess', async () => {
    let request: TaskRequest | undefined;
    const { env } = testEnv(async (r) => {
      request = r;
      return { ok: true, output: { MessageId: 'm1' } };
    });
    const running = execute(env, { definition: parseDefinition(waitForToken()), input: {} });
    await new Promise((r) => setImmediate(r));
    const token = request?.taskToken ?? '';
    expect(request?.arguments).toEqual({ QueueUrl: 'q', MessageBody: { token } });
    expect(env.tokens.isWaiting(token)).toBe(true);
    env.tokens.succeed(token, { approved: true });
    const result = await running;
    expect(result.output).toEqual({ approved: true });
    expect(types(result)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(() => env.tokens.succeed(token, {})).toThrow(/Task Timed Out/);
  });

  it('fails the task on SendTaskFailure with the given error and cause', async () => {
    let token = '';
    const { env } = testEnv(async (r) => {
      token = r.taskToken ?? '';
      return { ok: true, output: {} };
    });
    const running = execute(env, { definition: parseDefinition(waitForToken()), input: {} });
    await new Promise((r) => setImmediate(r));
    env.tokens.fail(token, { error: 'Denied', cause: 'admin said no' });
    const result = await running;
    expect([result.error, result.cause]).toEqual(['Denied', 'admin said no']);
  });

  // The Developer Guide names States.HeartbeatTimeout for this; AWS records States.Timeout in
  // TaskTimedOut and ExecutionFailed (corpus timeouts.test_heartbeats.test_heartbeat_timeout,
  // recorded 2024-04-18): the recording wins.
  it('times out with States.Timeout (as AWS records it) when heartbeats stop, on virtual time', async () => {
    const clock = new VirtualClock();
    let token = '';
    const { env } = testEnv(async (r) => {
      token = r.taskToken ?? '';
      return { ok: true, output: {} };
    }, clock);
    const running = execute(env, {
      definition: parseDefinition(waitForToken({ TimeoutSeconds: 600, HeartbeatSeconds: 60 })),
      input: {},
    });
    await new Promise((r) => setImmediate(r));
    await clock.advance(50_000);
    env.tokens.heartbeat(token);
    await clock.advance(50_000);
    expect(env.tokens.isWaiting(token)).toBe(true);
    await clock.advance(20_000);
    const result = await running;
    expect(result.error).toBe('States.Timeout');
  });

  it('rejects an unknown token with TaskDoesNotExist and a malformed one with InvalidToken', () => {
    const { env } = testEnv();
    expect(() => env.tokens.succeed('AAAA', {})).toThrow(/does not exist/);
    expect(() => env.tokens.succeed('not a token!', {})).toThrow(/Invalid token/);
  });
});
