/**
 * Data within the payload limit can be nested deeper than the engine's recursion goes (20,000
 * levels fit in 40 KB). Such data fails the state with States.Runtime, as AWS fails a state whose
 * data it cannot process, instead of an exception escaping the execution (found by review: a
 * Task result like this left a local execution RUNNING for ever, and an Express one ended the process).
 */
import { describe, expect, it } from 'vitest';
import { parseDefinition, RoutingRegistry, runExecution, VirtualClock } from '../../../asl/index.ts';

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const run = (states: object, input: unknown, result: unknown = {}) =>
  runExecution({
    definition: parseDefinition({ StartAt: Object.keys(states)[0], States: states }),
    input,
    tasks: new RoutingRegistry().route(
      () => true,
      async () => ({ ok: true, output: result }),
    ),
    clock: new VirtualClock({ autoAdvance: true }),
  });

describe('data nested too deeply to process', () => {
  it('fails the Task whose result it is with States.Runtime, which Catch does not take', async () => {
    const result = await run(
      {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }],
          End: true,
        },
        C: { Type: 'Pass', End: true },
      },
      {},
      nested(20_000, 1),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toBe(
      "An error occurred while executing the state 'T' (entered at the event id #2). The state's data is nested too deeply or is too large to process (Maximum call stack size exceeded).",
    );
    expect(result.events.at(-1)?.type).toBe('ExecutionFailed');
  });

  it('fails a JSONPath scan or intrinsic over deep input the same way', async () => {
    const result = await run(
      {
        P: {
          Type: 'Pass',
          Parameters: { 'all.$': '$..x', 'u.$': 'States.ArrayUnique(States.Array($, $))' },
          End: true,
        },
      },
      nested(3_000, { x: 1 }),
    );
    expect([result.status, result.error]).toEqual(['FAILED', 'States.Runtime']);
    expect(result.cause).toMatch(/^An error occurred while executing the state 'P'.*nested too deeply/);
  });
});

describe('a failure that quotes a large input', () => {
  it('keeps its cause within the 32,768 characters the API carries', async () => {
    const result = await run(
      { P: { Type: 'Pass', Parameters: { 'v.$': '$.missing' }, End: true } },
      { big: 'x'.repeat(250_000) },
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause?.length).toBe(32_768);
    expect(result.cause).toMatch(
      /^An error occurred while executing the state 'P'.*could not be found in the input '\{"big":"xxx/,
    );
    expect(result.cause).toMatch(/\(cut at the 32,768 characters a cause may have\)$/);
  });
});
