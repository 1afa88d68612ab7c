import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DurableExecutions } from '../../asl/durable.ts';
import {
  createEntropy,
  createEnvironment,
  parseDefinition,
  RoutingRegistry,
  type TaskRequest,
  VirtualClock,
} from '../../asl/index.ts';
import { openFileStore } from '../../asl/store/index.ts';

const secret = new Uint8Array(32).fill(7);

const definition = parseDefinition({
  QueryLanguage: 'JSONata',
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Assign: { id: '{% $uuid() %}' }, Next: 'Both' },
    Both: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Ask',
          States: {
            Ask: {
              Type: 'Task',
              Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
              Arguments: {
                QueueUrl: 'q',
                MessageBody: { token: '{% $states.context.Task.Token %}', id: '{% $id %}' },
              },
              TimeoutSeconds: 86400,
              End: true,
            },
          },
        },
        { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 3600, End: true } } },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Pass', Output: { answer: '{% $states.input[0] %}', id: '{% $id %}' }, End: true },
  },
});

/** A "process": an engine environment, a store on `dir`, and the calls its tasks received. */
async function boot(dir: string, clock: VirtualClock) {
  const calls: TaskRequest[] = [];
  const tasks = new RoutingRegistry().route(
    () => true,
    async (request) => {
      calls.push(request);
      return { ok: true, output: { MessageId: `m${calls.length}` } };
    },
  );
  const env = createEnvironment({ tasks, clock, entropy: createEntropy(secret) });
  const store = await openFileStore(dir);
  const executions = new DurableExecutions(env, store, async () => definition);
  return { env, store, executions, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
/** Waits (real time, bounded) until `done`: a call starts only once its TaskScheduled is on disk. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('DurableExecutions', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'durable-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes a waiting execution after a restart: the token still works and the Wait fires on time', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2026, 0, 1) });
    const first = await boot(dir, clock);
    const started = await first.executions.start({
      definition,
      input: { n: 1 },
      name: 'order-1',
      stateMachineName: 'M',
    });
    await until(() => first.calls.length > 0);
    const token = first.calls[0]?.taskToken ?? '';
    const recordedId = (first.calls[0]?.arguments as { MessageBody?: { id?: string } } | undefined)
      ?.MessageBody?.id;
    expect(recordedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.env.tokens.isWaiting(token)).toBe(true);
    await clock.advance(1_800_000);
    // The process shuts down: its writes are flushed, its store closed, its engine forgotten.
    await first.executions.flush();
    await first.store.close();

    const second = await boot(dir, clock);
    const [resumed] = await second.executions.resumeAll();
    expect(resumed?.executionArn).toBe(started.executionArn);
    await until(() => second.env.tokens.isWaiting(token));
    // Nothing is called twice, and the same token is waiting again.
    expect(second.calls).toHaveLength(0);
    expect(second.env.tokens.isWaiting(token)).toBe(true);
    second.env.tokens.succeed(token, { approved: true });
    // The Wait still ends an hour after it was entered, not an hour after the restart.
    await clock.advance(1_800_000);
    const result = await resumed?.done;
    expect(result?.status).toBe('SUCCEEDED');
    expect(result?.output).toEqual({ answer: { approved: true }, id: recordedId });

    const record = await second.store.getExecution(started.executionArn);
    expect(record?.status).toBe('SUCCEEDED');
    const { events } = await second.store.getHistory(started.executionArn);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'TaskScheduled')).toHaveLength(1);
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    await second.store.close();
  });

  it('fails, in its history and record, an execution the changed definition cannot carry on', async () => {
    const clock = new VirtualClock({ start: Date.UTC(2026, 0, 1) });
    const first = await boot(dir, clock);
    const started = await first.executions.start({
      definition,
      input: {},
      name: 'order-3',
      stateMachineName: 'M',
    });
    await until(() => first.calls.length > 0);
    await first.executions.flush();
    await first.store.close();

    // The state machine was updated while the execution waited: its first state is now a Wait.
    const changed = parseDefinition({
      QueryLanguage: 'JSONata',
      StartAt: 'Prepare',
      States: { Prepare: { Type: 'Wait', Seconds: 1, End: true } },
    });
    const store = await openFileStore(dir);
    const env = createEnvironment({ tasks: new RoutingRegistry(), clock, entropy: createEntropy(secret) });
    const executions = new DurableExecutions(env, store, async () => changed);
    const [resumed] = await executions.resumeAll();
    const result = await resumed?.done;
    expect(result?.status).toBe('FAILED');
    expect(result?.error).toBe('States.Runtime');
    expect(result?.cause).toMatch(
      /^The engine could not carry the execution on: .*WaitStateEntered where the history recorded PassStateEntered/,
    );
    const record = await store.getExecution(started.executionArn);
    expect(record).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    const { events } = await store.getHistory(started.executionArn);
    expect(events.at(-1)).toMatchObject({ type: 'ExecutionFailed', previousEventId: events.length - 1 });
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    await store.close();
  });

  it('keeps token values out of the stored record', async () => {
    const clock = new VirtualClock();
    const first = await boot(dir, clock);
    const started = await first.executions.start({
      definition,
      input: {},
      name: 'order-2',
      stateMachineName: 'M',
    });
    for (let i = 0; i < 5; i++) await settle();
    await first.executions.flush();
    const record = await first.store.getExecution(started.executionArn);
    expect(JSON.stringify(record)).not.toContain(first.calls[0]?.taskToken ?? 'missing');
    await first.store.close();
  });
});
