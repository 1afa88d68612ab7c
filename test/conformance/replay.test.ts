import { describe, expect, it } from 'vitest';
import type { TaskResource } from '../../asl/definition/types.ts';
import type { TaskRequest, TaskResult } from '../../asl/services/types.ts';
import { testExecution as execution } from '../fixtures/execution.ts';
import type { NormalEvent } from './normalize.ts';
import { ReplayRegistry } from './replay.ts';

function service(
  service: string,
  action: string,
  pattern: TaskResource['pattern'] = 'request-response',
): TaskResource {
  const suffix = pattern === 'request-response' ? '' : `.${pattern}`;
  return { arn: `arn:aws:states:::${service}:${action}${suffix}`, kind: 'service', service, action, pattern };
}

const lambdaInvoke = service('lambda', 'invoke');

function request(
  resource: TaskResource,
  args: unknown,
  stateName = 'T',
  more: Partial<TaskRequest> = {},
): TaskRequest {
  return {
    resource,
    arguments: args,
    region: 'us-east-1',
    signal: new AbortController().signal,
    execution,
    stateName,
    ...more,
  };
}

/** A recorded history: the state entered, then each call's events chained by previousEventId. */
function recording(
  ...calls: { state?: string; params: unknown; after: [string, Record<string, unknown>?][] }[]
): NormalEvent[] {
  const events: NormalEvent[] = [];
  const add = (type: string, previous: number, details?: Record<string, unknown>): number => {
    const id = events.length + 1;
    const key = `${type[0]?.toLowerCase()}${type.slice(1)}EventDetails`;
    events.push({ id, previousEventId: previous, type, ...(details ? { [key]: details } : {}) });
    return id;
  };
  for (const call of calls) {
    let last = add('TaskStateEntered', 0, { name: call.state ?? 'T', input: {} });
    last = add('TaskScheduled', last, {
      parameters: call.params,
      resource: 'invoke',
      resourceType: 'lambda',
    });
    for (const [type, details] of call.after) last = add(type, last, details);
  }
  return events;
}

async function answer(registry: ReplayRegistry, req: TaskRequest): Promise<TaskResult> {
  const handler = registry.resolve();
  return handler(req);
}

describe('ReplayRegistry', () => {
  it('answers a call with the recorded TaskSucceeded output', async () => {
    const events = recording({
      params: { p: 1 },
      after: [['TaskStarted'], ['TaskSucceeded', { output: { r: 2 } }]],
    });
    const registry = new ReplayRegistry(events);
    expect(await answer(registry, request(lambdaInvoke, { p: 1 }))).toEqual({ ok: true, output: { r: 2 } });
    expect(registry.unused).toEqual([]);
  });

  it('answers a recorded TaskFailed with its error and the parsed cause as JSON text again', async () => {
    const cause = { errorMessage: 'boom', requestId: '{{ph:uuid:1}}' };
    const events = recording({
      params: {},
      after: [['TaskStarted'], ['TaskFailed', { error: 'Exception', cause }]],
    });
    const result = await answer(new ReplayRegistry(events), request(lambdaInvoke, {}));
    expect(result).toEqual({ ok: false, failure: { error: 'Exception', cause: JSON.stringify(cause) } });
  });

  it('answers a Lambda function resource from LambdaFunctionScheduled and LambdaFunctionSucceeded', async () => {
    const events: NormalEvent[] = [
      { id: 1, previousEventId: 0, type: 'TaskStateEntered', stateEnteredEventDetails: { name: 'L' } },
      {
        id: 2,
        previousEventId: 1,
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: { input: 7 },
      },
      { id: 3, previousEventId: 2, type: 'LambdaFunctionStarted' },
      {
        id: 4,
        previousEventId: 3,
        type: 'LambdaFunctionSucceeded',
        lambdaFunctionSucceededEventDetails: { output: 8 },
      },
    ];
    const fn: TaskResource = {
      arn: 'arn:aws:lambda:us-east-1:111111111111:function:f',
      kind: 'lambda-function',
      service: 'lambda',
      action: 'invoke',
      pattern: 'request-response',
    };
    expect(await answer(new ReplayRegistry(events), request(fn, 7, 'L'))).toEqual({ ok: true, output: 8 });
  });

  it('answers a .sync call as submitted, with the recorded final outcome as its completion', async () => {
    const sync = service('states', 'startExecution', 'sync');
    const events = recording({
      params: {},
      after: [
        ['TaskStarted'],
        ['TaskSubmitted', { output: { ExecutionArn: 'a' } }],
        ['TaskSucceeded', { output: { Status: 'SUCCEEDED' } }],
      ],
    });
    const result = await answer(new ReplayRegistry(events), request(sync, {}));
    if (result.ok !== 'submitted')
      throw new Error(`expected a submitted result, got ${JSON.stringify(result)}`);
    expect(result.output).toEqual({ ExecutionArn: 'a' });
    expect(await result.completion(new AbortController().signal)).toEqual({
      ok: true,
      output: { Status: 'SUCCEEDED' },
    });
  });

  it('answers a .waitForTaskToken call through the token, as the recorded test did', async () => {
    const callback = service('sqs', 'sendMessage', 'waitForTaskToken');
    const events = recording({
      params: {},
      after: [
        ['TaskStarted'],
        ['TaskSubmitted', { output: { MessageId: 'm' } }],
        ['TaskSucceeded', { output: 'done' }],
      ],
    });
    const answered: unknown[] = [];
    const registry = new ReplayRegistry(events, {
      answerToken: (token, result) => answered.push([token, result]),
    });
    const result = await answer(registry, request(callback, {}, 'T', { taskToken: 'tok' }));
    expect(result).toMatchObject({ ok: 'submitted', output: { MessageId: 'm' } });
    await Promise.resolve();
    expect(answered).toEqual([['tok', { ok: true, output: 'done' }]]);
  });

  it('never answers a call that timed out, until the engine gives up on it', async () => {
    const events = recording({
      params: {},
      after: [['TaskStarted'], ['TaskTimedOut', { error: 'States.Timeout' }]],
    });
    const abort = new AbortController();
    let settled = false;
    const pending = answer(
      new ReplayRegistry(events),
      request(lambdaInvoke, {}, 'T', { signal: abort.signal }),
    ).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(settled).toBe(false);
    abort.abort();
    expect((await pending).ok).toBe(false);
  });

  it('matches concurrent calls by arguments and state when the engine runs them in another order', async () => {
    const events = recording(
      { state: 'A', params: { i: 0 }, after: [['TaskStarted'], ['TaskSucceeded', { output: 'zero' }]] },
      { state: 'A', params: { i: 1 }, after: [['TaskStarted'], ['TaskSucceeded', { output: 'one' }]] },
    );
    const registry = new ReplayRegistry(events);
    expect(await answer(registry, request(lambdaInvoke, { i: 1 }, 'A'))).toEqual({ ok: true, output: 'one' });
    expect(await answer(registry, request(lambdaInvoke, { i: 0 }, 'A'))).toEqual({
      ok: true,
      output: 'zero',
    });
  });

  it('falls back to recorded order when the engine sends other arguments, so the history diff shows them', async () => {
    const events = recording({
      params: { i: 0 },
      after: [['TaskStarted'], ['TaskSucceeded', { output: 'zero' }]],
    });
    expect(await answer(new ReplayRegistry(events), request(lambdaInvoke, { i: 9 }))).toEqual({
      ok: true,
      output: 'zero',
    });
  });

  it('fails a call the recording does not have and records the problem', async () => {
    const registry = new ReplayRegistry([]);
    const result = await answer(registry, request(lambdaInvoke, {}));
    expect(result).toMatchObject({ ok: false, failure: { error: 'Replay.NoRecordedCall' } });
    expect(registry.problems).toHaveLength(1);
  });

  it('pairs calls with outcomes inside a sorted Parallel sublist, where ids are gone', async () => {
    const s = { id: [0], previousEventId: 0 };
    const events: NormalEvent[] = [
      { id: 3, previousEventId: 2, type: 'ParallelStateStarted' },
      { ...s, type: 'TaskFailed', taskFailedEventDetails: { error: 'E', cause: 'c' } },
      {
        ...s,
        type: 'TaskScheduled',
        taskScheduledEventDetails: { parameters: {}, resource: 'invoke', resourceType: 'lambda' },
      },
      { ...s, type: 'TaskStarted' },
    ];
    const result = await answer(new ReplayRegistry(events), request(lambdaInvoke, {}));
    expect(result).toEqual({ ok: false, failure: { error: 'E', cause: 'c' } });
  });
});
