import { describe, expect, it } from 'vitest';
import { jsonata, run, testEnv, types } from './helpers.ts';

describe('variables', () => {
  it('evaluates all assignments of one Assign against the values at state entry', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { x: 1, y: 2 }, Next: 'B' },
        B: {
          Type: 'Pass',
          Assign: { x: '{% $y %}', y: '{% $x %}' },
          Output: { x: '{% $x %}', y: '{% $y %}' },
          Next: 'C',
        },
        C: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}' }, End: true },
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ x: 2, y: 1 });
    const exitedB = result.events.find(
      (e) => e.type === 'PassStateExited' && e.stateExitedEventDetails?.name === 'B',
    );
    // Output of B saw the entry values; the swap shows from C on.
    expect(JSON.parse(exitedB?.stateExitedEventDetails?.output ?? '')).toEqual({ x: 1, y: 2 });
    expect(exitedB?.stateExitedEventDetails?.assignedVariables).toEqual({ x: '2', y: '1' });
  });

  it('lets Map iterations read outer variables without leaking their own', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        Init: { Type: 'Pass', Assign: { outer: 10 }, Next: 'Loop' },
        Loop: {
          Type: 'Map',
          Items: [1, 2],
          ItemProcessor: {
            StartAt: 'Inner',
            States: {
              Inner: { Type: 'Pass', Assign: { inner: '{% $states.input %}' }, Next: 'Use' },
              Use: { Type: 'Pass', Output: '{% $inner + $outer %}', End: true },
            },
          },
          Next: 'After',
        },
        After: {
          Type: 'Pass',
          Output: { results: '{% $states.input %}', leaked: '{% $exists($inner) %}' },
          End: true,
        },
      }),
    );
    expect(result.output).toEqual({ results: [11, 12], leaked: false });
  });

  it('fails with States.QueryEvaluationError naming the field when a variable is undefined', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({ A: { Type: 'Pass', Output: { r: '{% $missing %}' }, End: true } }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toBe(
      "An error occurred while executing the state 'A' (entered at the event id #2). The JSONata expression '$missing' specified for the field 'Output/r' returned nothing (undefined).",
    );
  });

  it("keeps a Distributed Map's child executions apart: no outer variables, histories of their own", async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        Init: { Type: 'Pass', Assign: { outer: 10 }, Next: 'Loop' },
        Loop: {
          Type: 'Map',
          Items: [1, 2, 3],
          ItemSelector: { n: '{% $states.context.Map.Item.Value %}', outer: '{% $outer %}' },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
            StartAt: 'Inner',
            States: {
              Inner: { Type: 'Pass', Assign: { inner: '{% $states.input.n %}' }, Next: 'Use' },
              Use: { Type: 'Pass', Output: '{% $inner + $states.input.outer %}', End: true },
            },
          },
          Next: 'Read',
        },
        Read: {
          Type: 'Map',
          Items: [1],
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Outer',
            States: { Outer: { Type: 'Pass', Output: '{% $outer %}', End: true } },
          },
          End: true,
        },
      }),
    );
    // "Distributed Map children cannot read outer variables" (ASL-FACTS): ItemSelector passes them.
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    const loop = result.events.find(
      (e) => e.type === 'MapStateExited' && e.stateExitedEventDetails?.name === 'Loop',
    );
    expect(JSON.parse(loop?.stateExitedEventDetails?.output ?? '')).toEqual([11, 12, 13]);
    // The children's states are not events of the parent's history (each child has its own).
    expect(types(result)).not.toContain('MapIterationStarted');
    // The parent records the Map Run only, its end once (as recorded on AWS).
    expect(types(result).slice(3, 9)).toEqual([
      'MapStateEntered',
      'MapStateStarted',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateSucceeded',
      'MapStateExited',
    ]);
    expect(result.events.filter((e) => e.stateEnteredEventDetails?.name === 'Inner')).toEqual([]);
    expect(result.events.map((e) => e.id)).toEqual(result.events.map((_, i) => i + 1));
  });
});

describe('$states taken whole', () => {
  const keysOf = async (states: Record<string, unknown>) => {
    const { env } = testEnv(async () => ({ ok: true, output: { r: 1 } }));
    const result = await run(env, jsonata(states), { a: 1 });
    expect(result.status).toBe('SUCCEEDED');
    return result.output as { keys: string[]; whole: Record<string, unknown> };
  };
  const shown = { keys: '{% $keys($states) %}', whole: '{% $states %}' };

  it("a Pass's: its input and its context object", async () => {
    const output = await keysOf({ P: { Type: 'Pass', Output: shown, End: true } });
    expect(output.keys).toEqual(['input', 'context']);
    expect(output.whole).toMatchObject({ input: { a: 1 }, context: { State: { Name: 'P' } } });
  });

  it("a Task's Output: its input, its context object (with the attempt's RetryCount) and its result", async () => {
    const task = {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: 'f', Payload: { keys: '{% $keys($states) %}' } },
      Output: shown,
      End: true,
    };
    const output = await keysOf({ T: task });
    expect(output.keys).toEqual(['input', 'context', 'result']);
    expect(output.whole).toMatchObject({
      input: { a: 1 },
      context: { State: { Name: 'T', RetryCount: 0 } },
      result: { r: 1 },
    });
  });
});
