/**
 * Run-time rules of the Developer Guide page "Passing data between states with variables"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html): when Assign's
 * values become visible, and what Map and Parallel iterations see of outer variables. The search
 * index held the page's machine translations and the opening of its English (amazonaws.cn) copy,
 * not its sections on evaluation order and scope, so no sentence of those is quoted here: each
 * expectation is what a recorded AWS execution of the conformance corpus shows (named in the
 * test). The page's own sentences are still to be added.
 */
import { describe, expect, it } from 'vitest';
import { jsonata, run, testEnv } from '../runtime/helpers.ts';

describe('Passing data between states with variables: Assign evaluation order', () => {
  // Recorded: assign.test_assign_reference_variables.test_state_assign_evaluation_order.
  // BASE_EVALUATION_ORDER_PASS_STATE — State1 assigns `answer` and its OutputPath still reads
  // the value from state entry (42).
  it('evaluates Output with the variable values from state entry, not the new assignment', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: 2 }, Output: '{% $x %}', End: true },
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe(1);
  });

  it('evaluates every expression of one Assign with the values from state entry', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
        B: { Type: 'Pass', Assign: { x: 2, y: '{% $x %}' }, Next: 'C' },
        C: { Type: 'Pass', Output: { x: '{% $x %}', y: '{% $y %}' }, End: true },
      }),
    );
    expect(result.output).toEqual({ x: 2, y: 1 });
  });

  it('does not let one Assign read a variable it assigns for the first time', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { a: 1, b: '{% $exists($a) %}' }, Next: 'B' },
        B: { Type: 'Pass', Output: '{% $b %}', End: true },
      }),
    );
    expect(result.output).toBe(false);
  });

  it('makes the new values visible from the next state on', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { x: 'first' }, Next: 'B' },
        B: { Type: 'Pass', Output: '{% $x %}', End: true },
      }),
    );
    expect(result.output).toBe('first');
  });
});

describe('Passing data between states with variables: scope of Map and Parallel', () => {
  // Recorded: assign.test_assign_base.test_base_cases.BASE_SCOPE_MAP and
  // test_base_parallel_cases.BASE_SCOPE_PARALLEL — iterations and branches read $x of the outer
  // scope, and their own assignments are gone after the state.
  it('lets a Map iteration read a variable of the outer scope', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { x: 42 }, Next: 'M' },
        M: {
          Type: 'Map',
          Items: [1, 2],
          ItemProcessor: {
            StartAt: 'I',
            States: { I: { Type: 'Pass', Output: '{% $x + $states.input %}', End: true } },
          },
          End: true,
        },
      }),
    );
    expect(result.output).toEqual([43, 44]);
  });

  it('does not let a variable assigned inside a Parallel branch be seen after the Parallel', async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'I', States: { I: { Type: 'Pass', Assign: { inner: 1 }, End: true } } }],
          Next: 'After',
        },
        After: { Type: 'Pass', Output: '{% $exists($inner) %}', End: true },
      }),
    );
    expect(result.output).toBe(false);
  });

  it("applies the Map state's own Assign after the iterations, visible to the next state", async () => {
    const { env } = testEnv();
    const result = await run(
      env,
      jsonata({
        A: { Type: 'Pass', Assign: { total: 0 }, Next: 'M' },
        M: {
          Type: 'Map',
          Items: [1, 2, 3],
          ItemProcessor: {
            StartAt: 'I',
            States: { I: { Type: 'Pass', Output: '{% $states.input * 10 %}', End: true } },
          },
          Assign: { total: '{% $sum($states.result) %}', before: '{% $total %}' },
          Next: 'After',
        },
        After: { Type: 'Pass', Output: { total: '{% $total %}', before: '{% $before %}' }, End: true },
      }),
    );
    expect(result.output).toEqual({ total: 60, before: 0 });
  });
});
