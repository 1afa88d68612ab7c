/**
 * What the JSONPath documentation-rule tests share: a state machine in the default query language
 * (JSONPath), run on the engine with a virtual clock, as test/asl/runtime/ runs its machines.
 */
import type { ExecutionResult, TaskHandler } from '../../../asl/index.ts';
import { run, testEnv } from '../runtime/helpers.ts';

/** A JSONPath state machine that starts at its first state. */
export function machine(states: Record<string, unknown>): Record<string, unknown> {
  return { StartAt: Object.keys(states)[0], States: states };
}

/** Runs the states; a Task's result is what `handler` answers (by default, its arguments). */
export function runStates(
  states: Record<string, unknown>,
  input: unknown = {},
  handler?: TaskHandler,
): Promise<ExecutionResult> {
  const { env } = handler ? testEnv(handler) : testEnv();
  return run(env, JSON.stringify(machine(states)), input);
}

/** A Task whose result `handler` decides; `fields` add or replace fields. */
export function task(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {}, End: true, ...fields };
}

/** The output of one Pass state given `fields`, run on `input`. */
export async function passOutput(fields: Record<string, unknown>, input: unknown): Promise<unknown> {
  const result = await runStates({ A: { Type: 'Pass', End: true, ...fields } }, input);
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.status}: ${result.error} ${result.cause}`);
  return result.output;
}
