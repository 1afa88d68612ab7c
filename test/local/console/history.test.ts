import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { type ExecutionResult, execute, parseDefinition, type TaskHandler } from '../../../asl/index.ts';
import { buildExecutionModel, type ExecutionModel, type StateRun } from '../../../local/console/history.ts';
import { testEnv } from '../../asl/runtime/helpers.ts';
import { corpusDir } from '../../conformance/corpus.ts';
import { waiting } from '../sfn/fixture.ts';

/** Events as the SDK hands them over: through the wire's JSON, epoch seconds back to Dates. */
function sdkShape(events: readonly HistoryEvent[]): HistoryEvent[] {
  return events.map((e) => {
    const wire = JSON.parse(JSON.stringify({ ...e, timestamp: (e.timestamp?.getTime() ?? 0) / 1000 }));
    return { ...wire, timestamp: new Date(Math.round(wire.timestamp * 1000)) } as HistoryEvent;
  });
}

const ARN = 'arn:aws:states:us-east-1:111111111111:stateMachine:Orders';

async function runModel(
  definition: Record<string, unknown>,
  input: unknown = {},
  handler?: TaskHandler,
): Promise<{ model: ExecutionModel; result: ExecutionResult }> {
  const { env } = testEnv(handler);
  const text = JSON.stringify({ QueryLanguage: 'JSONata', ...definition });
  const result = await execute(env, {
    definition: parseDefinition(text),
    input,
    name: 'run-1',
    stateMachineArn: ARN,
    stateMachineName: 'Orders',
  });
  const model = buildExecutionModel(sdkShape(result.events), JSON.parse(text), {
    executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:run-1`,
    stateMachineArn: ARN,
    name: 'run-1',
  });
  // The console's count is the engine's, on every execution here.
  expect(model.transitions).toBe(result.transitions);
  return { model, result };
}

const only = (model: ExecutionModel, path: string): StateRun => {
  const runs = model.byPath.get(path) ?? [];
  expect(runs).toHaveLength(1);
  return runs[0] as StateRun;
};

describe('buildExecutionModel on engine executions', () => {
  it('records a Task retried twice then succeeding, and the Choice after it', async () => {
    let calls = 0;
    const { model } = await runModel(
      {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { FunctionName: 'f', Payload: { n: '{% $states.input.n %}' } },
            Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3 }],
            Output: '{% $states.result %}',
            Next: 'Check',
          },
          Check: {
            Type: 'Choice',
            Choices: [{ Condition: '{% $states.input.ok %}', Next: 'Done' }],
            Default: 'Nope',
          },
          Done: { Type: 'Succeed' },
          Nope: { Type: 'Fail', Error: 'Nope' },
        },
      },
      { n: 7 },
      async () =>
        ++calls < 3
          ? { ok: false, failure: { error: 'Boom', cause: 'flaky' } }
          : { ok: true, output: { ok: true } },
    );
    expect(model.status).toBe('SUCCEEDED');
    expect(model.runs.map((r) => `${r.type}:${r.name}:${r.status}`)).toEqual([
      'Task:Call:succeeded',
      'Choice:Check:succeeded',
      'Succeed:Done:succeeded',
    ]);
    const call = only(model, 'Call');
    expect(call.attempts.map((a) => [a.outcome, a.error, a.resource])).toEqual([
      ['failed', 'Boom', 'lambda:invoke'],
      ['failed', 'Boom', 'lambda:invoke'],
      ['succeeded', undefined, 'lambda:invoke'],
    ]);
    expect(call.error).toBeUndefined();
    expect(call.arguments).toEqual({ FunctionName: 'f', Payload: { n: 7 } });
    expect(call.result).toEqual({ ok: true });
    expect(call.input).toEqual({ n: 7 });
    expect(call.output).toEqual({ ok: true });
    expect((call.context.State as Record<string, unknown>).RetryCount).toBe(2);
    expect(model.transitions).toBe(5); // 3 states + 2 retries
    expect(model.costUsd).toBe(0.000125);
    expect(model.startDate).toBeInstanceOf(Date);
    expect(model.stopDate).toBeInstanceOf(Date);
  });

  it('marks a caught failure and its error, and the context object', async () => {
    const { model, result } = await runModel(
      {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { FunctionName: 'f' },
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
            End: true,
          },
          Recover: { Type: 'Pass', End: true },
        },
      },
      { a: 1 },
      async () => ({ ok: false, failure: { error: 'Bad', cause: 'no' } }),
    );
    const call = only(model, 'Call');
    expect(call.status).toBe('caught');
    expect([call.error, call.cause]).toEqual(['Bad', 'no']);
    expect(call.output).toEqual({ Error: 'Bad', Cause: 'no' });
    expect(only(model, 'Recover').status).toBe('succeeded');
    const started = result.events[0]?.timestamp?.toISOString();
    expect(call.context).toEqual({
      Execution: {
        Id: 'arn:aws:states:us-east-1:111111111111:execution:Orders:run-1',
        Input: { a: 1 },
        StartTime: started,
        Name: 'run-1',
        RoleArn: 'arn:aws:iam::111111111111:role/StepFunctionsExecutionRole',
        RedriveCount: 0,
      },
      StateMachine: { Id: ARN, Name: 'Orders' },
      State: { Name: 'Call', EnteredTime: call.enteredAt.toISOString(), RetryCount: 0 },
    });
  });

  it('shows the context object as the engine built it ($states.context)', async () => {
    const { model } = await runModel(
      {
        StartAt: 'Look',
        States: {
          Look: { Type: 'Pass', Output: '{% $states.context %}', End: true },
        },
      },
      { q: 1 },
    );
    const look = only(model, 'Look');
    expect(look.context).toEqual(look.output);
  });

  const mapWithFailure = (extra: Record<string, unknown>) => ({
    StartAt: 'Process',
    States: {
      Process: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        MaxConcurrency: 1,
        ItemProcessor: {
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Arguments: { FunctionName: 'f', Payload: '{% $states.input %}' },
              End: true,
            },
          },
        },
        ...extra,
      },
      After: { Type: 'Pass', End: true },
    },
  });
  const failOnTwo: TaskHandler = async (r) => {
    const p = (r.arguments as { Payload: number }).Payload;
    return p === 2 ? { ok: false, failure: { error: 'Two', cause: 'item 2' } } : { ok: true, output: p * 10 };
  };

  it('puts each Map iteration in its scope, one failing within ToleratedFailureCount', async () => {
    const { model } = await runModel(
      mapWithFailure({ ToleratedFailureCount: 1, Next: 'After' }),
      { items: [1, 2, 3] },
      failOnTwo,
    );
    expect(model.status).toBe('SUCCEEDED');
    const map = only(model, 'Process');
    expect(map.status).toBe('succeeded');
    expect(map.children?.map((c) => [c.kind, c.index, c.status])).toEqual([
      ['iteration', 0, 'succeeded'],
      ['iteration', 1, 'failed'],
      ['iteration', 2, 'succeeded'],
    ]);
    expect(map.result).toEqual([10, null, 30]);
    const works = model.byPath.get('Process/Work') ?? [];
    expect(works.map((w) => [w.scope, w.status, w.error])).toEqual([
      ['Process#0', 'succeeded', undefined],
      ['Process#1', 'failed', 'Two'],
      ['Process#2', 'succeeded', undefined],
    ]);
    expect(works[1]?.iteration).toEqual({ map: 'Process', index: 1 });
    expect(works[1]?.scopes).toEqual([{ kind: 'iteration', state: 'Process', index: 1 }]);
    expect(works[1]?.context.Map).toEqual({ Item: { Index: 1, Value: 2 } });
  });

  it('marks a Map caught when an iteration fails and Catch takes it', async () => {
    const { model } = await runModel(
      mapWithFailure({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'After' }], Next: 'After' }),
      { items: [1, 2, 3] },
      failOnTwo,
    );
    const map = only(model, 'Process');
    expect([map.status, map.error, map.cause]).toEqual(['caught', 'Two', 'item 2']);
    expect(map.children?.map((c) => c.status)).toEqual(['succeeded', 'failed']);
    expect(only(model, 'After').input).toEqual({ Error: 'Two', Cause: 'item 2' });
  });

  it('nests Parallel branches inside Map iterations, with scoped variables', async () => {
    const { model } = await runModel({
      StartAt: 'Init',
      States: {
        Init: { Type: 'Pass', Assign: { x: 1 }, Next: 'Process' },
        Process: {
          Type: 'Map',
          Items: '{% [10, 20] %}',
          ItemProcessor: {
            StartAt: 'Mark',
            States: {
              Mark: { Type: 'Pass', Assign: { y: '{% $states.input + $x %}' }, Next: 'Both' },
              Both: {
                Type: 'Parallel',
                Branches: [
                  {
                    StartAt: 'A',
                    States: { A: { Type: 'Pass', Assign: { z: '{% $y %}' }, Output: '{% $y %}', End: true } },
                  },
                  { StartAt: 'B', States: { B: { Type: 'Pass', Output: '{% $x %}', End: true } } },
                ],
                End: true,
              },
            },
          },
          Assign: { x: 2 },
          Next: 'End',
        },
        End: { Type: 'Pass', End: true },
      },
    });
    expect(model.status).toBe('SUCCEEDED');
    const as = model.byPath.get('Process/Both/0/A') ?? [];
    expect(as.map((a) => [a.scope, a.output])).toEqual([
      ['Process#0/Both#0', 11],
      ['Process#1/Both#0', 21],
    ]);
    expect(as[1]?.branch).toEqual({ parallel: 'Both', index: 0 });
    expect(as[1]?.iteration).toEqual({ map: 'Process', index: 1 });
    expect(as[1]?.variablesBefore).toEqual({ x: 1, y: 21 });
    expect(as[1]?.variablesAfter).toEqual({ x: 1, y: 21, z: 21 });
    expect(model.byPath.get('Process/Both/1/B')?.map((b) => b.variablesAfter)).toEqual([
      { x: 1, y: 11 },
      { x: 1, y: 21 },
    ]);
    const both = model.byPath.get('Process/Both') ?? [];
    expect(both[0]?.children?.map((c) => [c.kind, c.index, c.status, c.runs.map((r) => r.name)])).toEqual([
      ['branch', 0, 'succeeded', ['A']],
      ['branch', 1, 'succeeded', ['B']],
    ]);
    expect(both[0]?.result).toEqual([11, 1]);
    // Nothing assigned inside leaks out; the Map's own Assign applies after it.
    const process = only(model, 'Process');
    expect(process.variablesBefore).toEqual({ x: 1 });
    expect(process.variablesAfter).toEqual({ x: 2 });
    expect(only(model, 'End').variablesBefore).toEqual({ x: 2 });
    expect(model.top.map((r) => r.name)).toEqual(['Init', 'Process', 'End']);
  });

  it('lists a callback task waiting on its token, with the token', async () => {
    let token = '';
    const { env } = testEnv(async (r) => {
      token = r.taskToken ?? '';
      return { ok: true, output: {} };
    });
    const text = waiting;
    const events: HistoryEvent[] = [];
    const running = execute(env, {
      definition: parseDefinition(text),
      input: {},
      onEvent: (e) => events.push(e),
    });
    await new Promise((r) => setImmediate(r));
    const model = buildExecutionModel(sdkShape(events), JSON.parse(text));
    expect(model.status).toBe('RUNNING');
    expect(model.waiting.map((r) => r.name)).toEqual(['Ask']);
    expect(only(model, 'Ask').status).toBe('waiting');
    expect(only(model, 'Ask').context.Task).toEqual({ Token: token });
    env.tokens.succeed(token, { fine: true });
    const result = await running;
    const done = buildExecutionModel(sdkShape(result.events), JSON.parse(text));
    expect(done.waiting).toEqual([]);
    expect(only(done, 'Ask').result).toEqual({ fine: true });
    expect(done.transitions).toBe(result.transitions);
  });

  it('builds a 10,000-event history quickly', async () => {
    const items = Array.from({ length: 2500 }, (_, i) => i);
    const { env } = testEnv();
    const text = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Process',
      States: {
        Process: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Inner',
            States: { Inner: { Type: 'Pass', Assign: { v: '{% $states.input %}' }, End: true } },
          },
          End: true,
        },
      },
    });
    const result = await execute(env, { definition: parseDefinition(text), input: items });
    const events = sdkShape(result.events);
    expect(events.length).toBeGreaterThanOrEqual(10_000);
    const definition = JSON.parse(text);
    buildExecutionModel(events, definition); // warm up
    const started = performance.now();
    const model = buildExecutionModel(events, definition);
    const ms = performance.now() - started;
    console.log(`buildExecutionModel: ${events.length} events in ${ms.toFixed(1)} ms`);
    expect(model.runs).toHaveLength(2501);
    expect(model.transitions).toBe(result.transitions);
  });
});

/** A recorded AWS history, back in the SDK's shape: payloads as JSON text, timestamps invented. */
function recorded(id: string): { events: HistoryEvent[]; definition: unknown } {
  const dir = join(corpusDir(), 'cases', id);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
    events: Record<string, unknown>[];
  };
  const events = expected.events.map((raw) => {
    const event: Record<string, unknown> = {
      ...raw,
      timestamp: new Date(Date.UTC(2025, 0, 1) + Number(raw.id) * 1000),
    };
    for (const [key, value] of Object.entries(raw)) {
      if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
      const d: Record<string, unknown> = { ...(value as Record<string, unknown>) };
      for (const k of ['input', 'output', 'parameters']) if (k in d) d[k] = JSON.stringify(d[k]);
      if (typeof d.cause === 'object') d.cause = JSON.stringify(d.cause);
      if (d.assignedVariables) {
        d.assignedVariables = Object.fromEntries(
          Object.entries(d.assignedVariables as Record<string, unknown>).map(([k, v]) => [
            k,
            JSON.stringify(v),
          ]),
        );
      }
      event[key] = d;
    }
    return event as unknown as HistoryEvent;
  });
  return { events, definition: JSON.parse(readFileSync(join(dir, 'definition.asl.json'), 'utf8')) };
}

describe('buildExecutionModel on histories recorded on AWS', () => {
  it('a Map retried twice whose iteration fails every time', () => {
    const { events, definition } = recorded('scenarios.test_base_scenarios.test_map_state_retry');
    const model = buildExecutionModel(events, definition);
    expect(model.status).toBe('FAILED');
    const map = only(model, 'MapState');
    expect(map.status).toBe('failed');
    expect([map.error, map.cause]).toEqual(['HandleItemFailError', 'HandleItemFailCause']);
    expect(map.attempts.map((a) => [a.outcome, a.error])).toEqual([
      ['failed', 'HandleItemFailError'],
      ['failed', 'HandleItemFailError'],
      ['failed', 'HandleItemFailError'],
    ]);
    expect(map.children?.map((c) => [c.attempt, c.index, c.status])).toEqual([
      [1, 0, 'failed'],
      [2, 0, 'failed'],
      [3, 0, 'failed'],
    ]);
    const fails = model.byPath.get('MapState/HandleItemFail') ?? [];
    expect(fails.map((f) => [f.scope, f.status, f.error])).toEqual(
      Array(3).fill(['MapState#0', 'failed', 'HandleItemFailError']),
    );
    expect(fails[0]?.context.Map).toEqual({ Item: { Index: 0, Value: 1 } });
    // StartState, MapState, 3 × HandleItemFail, and 2 retries of the Map.
    expect(model.transitions).toBe(7);
  });

  it('a Map caught after its iteration failed', () => {
    const { events, definition } = recorded('scenarios.test_base_scenarios.test_map_state_catch');
    const model = buildExecutionModel(events, definition);
    expect(model.status).toBe('SUCCEEDED');
    const map = only(model, 'MapState');
    expect([map.status, map.error]).toEqual(['caught', 'HandleItemFailError']);
    expect(only(model, 'FinalCaught').status).toBe('succeeded');
    expect(model.transitions).toBe(4);
  });

  it('a Lambda retried three times, then caught', () => {
    const { events, definition } = recorded(
      'scenarios.test_base_scenarios.test_lambda_invoke_with_retry_base',
    );
    const model = buildExecutionModel(events, definition);
    const task = only(model, 'InvokeLambdaWithRetry');
    expect(task.status).toBe('caught');
    expect(task.error).toBe('Exception');
    expect(task.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(task.arguments).toEqual({ Value1: 'HelloWorld!', Value2: null });
    expect((task.context.State as Record<string, unknown>).RetryCount).toBe(3);
    expect(model.transitions).toBe(2 + 3);
  });

  it('a retried, caught Task in a Map iteration whose fallback fails to evaluate', () => {
    const { events, definition } = recorded(
      'states_variables.test_error_output.test_map_catch_error.MAP_CATCH_ERROR_OUTPUT_WITH_RETRY',
    );
    const model = buildExecutionModel(events, definition);
    expect(model.status).toBe('FAILED');
    const item = only(model, 'ProcessItems/ProcessItem');
    expect([item.status, item.attempts.length, item.scope]).toEqual(['caught', 2, 'ProcessItems#0']);
    const fallback = only(model, 'ProcessItems/Fallback');
    expect([fallback.status, fallback.error, fallback.scope]).toEqual([
      'failed',
      'States.QueryEvaluationError',
      'ProcessItems#0',
    ]);
    const map = only(model, 'ProcessItems');
    expect([map.status, map.error]).toEqual(['failed', 'States.QueryEvaluationError']);
    expect(map.children?.map((c) => c.status)).toEqual(['failed']);
    expect(model.transitions).toBe(3 + 1);
  });
});
