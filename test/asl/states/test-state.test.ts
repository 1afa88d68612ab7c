import { describe, expect, it } from 'vitest';
import {
  type EngineEnvironment,
  parseState,
  type TaskHandler,
  type TestStateOptions,
  testState,
} from '../../../asl/index.ts';
import { testEnv } from '../runtime/helpers.ts';

const failing: TaskHandler = async () => ({
  ok: false,
  failure: { error: 'DynamoDb.ResourceNotFoundException', cause: 'Requested resource not found' },
});

/** Runs a JSONata state (these tests write JSONata; TestState's own default is JSONPath). */
function test(
  env: EngineEnvironment,
  state: object,
  options: Omit<TestStateOptions, 'state' | 'input'> & { input?: unknown } = {},
) {
  const parsed = parseState({ QueryLanguage: 'JSONata', ...state }, 'Tested');
  return testState(env, { input: { id: 'x' }, ...options, state: parsed });
}

const task = (extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
  Arguments: { TableName: '{% $table %}', Key: { id: { S: '{% $states.input.id %}' } } },
  Next: 'After',
  ...extra,
});

describe('testState', () => {
  it('answers a Pass state’s output and next state, with the variables given and assigned', async () => {
    const { env } = testEnv();
    const result = await test(
      env,
      {
        Type: 'Pass',
        Assign: { b: '{% $a + 1 %}' },
        Output: { sum: '{% $a + $states.input.n %}' },
        Next: 'Later',
      },
      { input: { n: 2 }, variables: { a: 40 } },
    );
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { sum: 42 },
      next: 'Later',
      inspection: { input: { n: 2 }, assigned: { b: 41 }, variables: { a: 40, b: 41 } },
    });
  });

  it('answers no next state for a state that ends', async () => {
    const { env } = testEnv();
    const result = await test(env, { Type: 'Succeed' }, { input: { x: 1 } });
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { x: 1 },
      inspection: { input: { x: 1 }, variables: {} },
    });
  });

  it('answers the Choice rule taken, with that rule’s Assign', async () => {
    const { env } = testEnv();
    const result = await test(
      env,
      {
        Type: 'Choice',
        Choices: [{ Condition: '{% $states.input.n > 1 %}', Assign: { size: 'big' }, Next: 'Big' }],
        Default: 'Small',
      },
      { input: { n: 5 } },
    );
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      next: 'Big',
      inspection: { assigned: { size: 'big' } },
    });
  });

  it('calls a Task’s integration once and reports its arguments and raw result', async () => {
    const { env, calls } = testEnv(async () => ({ ok: true, output: { Item: { id: { S: 'x' } } } }));
    const result = await test(env, task({ Output: { found: '{% $exists($states.result.Item) %}' } }), {
      input: { id: 'x' },
      variables: { table: 'orders' },
    });
    expect(result).toEqual({
      status: 'SUCCEEDED',
      output: { found: true },
      next: 'After',
      inspection: {
        input: { id: 'x' },
        afterArguments: { TableName: 'orders', Key: { id: { S: 'x' } } },
        result: { Item: { id: { S: 'x' } } },
        variables: { table: 'orders' },
      },
    });
    expect(calls).toHaveLength(1);
  });

  it('shows the state its name and the role in the context object', async () => {
    const { env } = testEnv();
    const result = await test(
      env,
      {
        Type: 'Pass',
        Output: { name: '{% $states.context.State.Name %}', role: '{% $states.context.Execution.RoleArn %}' },
        End: true,
      },
      { roleArn: 'arn:aws:iam::111111111111:role/Tester' },
    );
    expect(result).toMatchObject({
      output: { name: 'Tested', role: 'arn:aws:iam::111111111111:role/Tester' },
    });
  });

  it('does not retry: a failure the first matching retrier would retry is RETRIABLE', async () => {
    const { env, calls } = testEnv(failing);
    const result = await test(
      env,
      task({
        Retry: [
          { ErrorEquals: ['States.Timeout'] },
          { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 3 },
        ],
        // Retry comes before Catch: the catcher is not reached while a retry is left.
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
      }),
      { variables: { table: 't' } },
    );
    expect(result).toMatchObject({
      status: 'RETRIABLE',
      failure: { error: 'DynamoDb.ResourceNotFoundException', cause: 'Requested resource not found' },
      retryIndex: 1,
      retryDelaySeconds: 2,
    });
    expect(result).not.toHaveProperty('output');
    expect(calls).toHaveLength(1);
  });

  it('lets the catcher handle a failure no retrier has attempts for: CAUGHT_ERROR with its output and next', async () => {
    const { env } = testEnv(failing);
    const result = await test(
      env,
      task({
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }],
        Catch: [
          { ErrorEquals: ['States.Timeout'], Next: 'Late' },
          {
            ErrorEquals: ['States.TaskFailed'],
            Assign: { reason: '{% $states.errorOutput.Error %}' },
            Output: { failed: '{% $states.input.id %}' },
            Next: 'Recover',
          },
        ],
      }),
      { input: { id: 'x' }, variables: { table: 't' } },
    );
    expect(result).toEqual({
      status: 'CAUGHT_ERROR',
      failure: { error: 'DynamoDb.ResourceNotFoundException', cause: 'Requested resource not found' },
      catchIndex: 1,
      output: { failed: 'x' },
      next: 'Recover',
      inspection: {
        input: { id: 'x' },
        afterArguments: { TableName: 't', Key: { id: { S: 'x' } } },
        assigned: { reason: 'DynamoDb.ResourceNotFoundException' },
        variables: { table: 't', reason: 'DynamoDb.ResourceNotFoundException' },
      },
    });
  });

  it('answers FAILED when neither Retry nor Catch takes the failure', async () => {
    const { env } = testEnv(failing);
    const result = await test(
      env,
      task({
        Retry: [{ ErrorEquals: ['States.Timeout'] }],
        Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Late' }],
      }),
      { variables: { table: 't' } },
    );
    expect(result).toMatchObject({
      status: 'FAILED',
      failure: { error: 'DynamoDb.ResourceNotFoundException', cause: 'Requested resource not found' },
    });
    expect(result).not.toHaveProperty('next');
  });

  it('reports an evaluation failure, which a catcher can take, and a Fail state’s error and cause', async () => {
    const { env } = testEnv();
    const unbound = await test(env, task({ Retry: [{ ErrorEquals: ['States.Timeout'] }] }));
    // $table is not bound: the Arguments fail before any call.
    expect(unbound).toMatchObject({ status: 'FAILED', failure: { error: 'States.QueryEvaluationError' } });
    const caught = await test(
      env,
      task({ Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Next: 'Fix' }] }),
    );
    expect(caught).toMatchObject({ status: 'CAUGHT_ERROR', next: 'Fix', catchIndex: 0 });
    const fail = await test(
      env,
      { Type: 'Fail', Error: 'Custom.Error', Cause: '{% "because " & $why %}' },
      {
        variables: { why: 'no' },
      },
    );
    expect(fail).toMatchObject({ status: 'FAILED', failure: { error: 'Custom.Error', cause: 'because no' } });
  });

  it('fails when the catcher’s output exceeds the payload limit, as in an execution', async () => {
    const { env } = testEnv(failing);
    const small = { ...env, limits: { ...env.limits, maxPayloadBytes: 64 } };
    const result = await test(
      small,
      task({ Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $pad("", 100, "x") %}', Next: 'Recover' }] }),
      { variables: { table: 't' } },
    );
    expect(result).toMatchObject({ status: 'FAILED', failure: { error: 'States.DataLimitExceeded' } });
  });

  it('runs Parallel and Map states through their modules, reporting their own arguments and results', async () => {
    const { env } = testEnv();
    const parallel = await test(env, {
      Type: 'Parallel',
      Arguments: { n: 2 },
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% $states.input.n * 10 %}', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Pass', Assign: { inner: 1 }, End: true } } },
      ],
      End: true,
    });
    expect(parallel).toMatchObject({
      status: 'SUCCEEDED',
      output: [20, { n: 2 }],
      inspection: { afterArguments: { n: 2 }, result: [20, { n: 2 }], variables: {} },
    });
    const map = await test(env, {
      Type: 'Map',
      Items: '{% [1, 2] %}',
      ItemProcessor: {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { Payload: '{% $states.input %}' },
            Output: '{% $states.result.Payload %}',
            End: true,
          },
        },
      },
      Next: 'After',
    });
    expect(map).toEqual({
      status: 'SUCCEEDED',
      output: [1, 2],
      next: 'After',
      // The iterations' own Task arguments are not the Map's.
      inspection: { input: { id: 'x' }, result: [1, 2], variables: {} },
    });
  });

  it('waits on the environment’s clock', async () => {
    const { env, clock } = testEnv();
    const start = clock.now();
    const result = await test(env, { Type: 'Wait', Seconds: 30, Next: 'Go' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', next: 'Go' });
    expect(clock.now() - start).toBe(30_000);
  });

  describe('with a mock', () => {
    it('calls no integration: the Task’s result is the mock, and a mocked error goes to Retry and Catch', async () => {
      const { env, calls } = testEnv();
      const result = await test(env, task({ Output: '{% $states.result.Item %}' }), {
        mock: { result: { Item: 1 } },
        variables: { table: 't' },
      });
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: 1, inspection: { result: { Item: 1 } } });
      const caught = await test(env, task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }] }), {
        mock: { failure: { error: 'Mocked', cause: 'why' } },
        variables: { table: 't' },
      });
      expect(caught).toMatchObject({
        status: 'CAUGHT_ERROR',
        catchIndex: 0,
        output: { Error: 'Mocked', Cause: 'why' },
        next: 'Recover',
      });
      expect(calls).toEqual([]);
    });

    it('answers a .waitForTaskToken call through its token', async () => {
      const { env } = testEnv();
      const result = await test(
        env,
        { ...task(), Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken' },
        { mock: { result: { ok: true } }, variables: { table: 't' } },
      );
      expect(result).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
    });

    it('runs no iteration of a Map: the mock is its result, for its Output and Assign', async () => {
      const { env, calls } = testEnv();
      const result = await test(
        env,
        {
          Type: 'Map',
          ItemProcessor: { StartAt: 'T', States: { T: task({ Next: undefined, End: true }) } },
          Assign: { n: '{% $count($states.result) %}' },
          End: true,
        },
        { input: [1, 2], mock: { result: ['a', 'b'] } },
      );
      expect(result).toEqual({
        status: 'SUCCEEDED',
        output: ['a', 'b'],
        inspection: { input: [1, 2], result: ['a', 'b'], assigned: { n: 2 }, variables: { n: 2 } },
      });
      expect(calls).toEqual([]);
    });
  });

  it('shows the given context, with retrierRetryCount as the retries made', async () => {
    const { env } = testEnv(failing);
    const result = await test(
      env,
      task({
        Arguments: { ctx: '{% $states.context %}' },
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3 }],
      }),
      {
        context: {
          execution: { id: 'arn:exec', name: 'exec', startTime: Date.UTC(2025, 0, 1), input: { all: true } },
          stateMachine: { id: 'arn:machine', name: 'machine' },
          enteredTime: Date.UTC(2025, 0, 1, 0, 0, 5),
        },
        retrierRetryCount: 2,
      },
    );
    expect(result).toMatchObject({
      status: 'RETRIABLE',
      retryIndex: 0,
      retryDelaySeconds: 8,
      inspection: {
        afterArguments: {
          ctx: {
            Execution: {
              Id: 'arn:exec',
              Name: 'exec',
              StartTime: '2025-01-01T00:00:00.000Z',
              Input: { all: true },
            },
            StateMachine: { Id: 'arn:machine', Name: 'machine' },
            State: { Name: 'Tested', EnteredTime: '2025-01-01T00:00:05.000Z', RetryCount: 2 },
          },
        },
      },
    });
    const exhausted = await test(env, task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }] }), {
      retrierRetryCount: 3,
    });
    expect(exhausted).toMatchObject({ status: 'FAILED', retryIndex: 0 });
  });
});
