/** Fail: https://states-language.net/spec.html#fail-state */
import type { FailState } from '../definition/types.ts';
import { evaluateOptional } from '../fields/dynamic.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import { failure } from '../runtime/outcome.ts';
import { statesBinding } from '../runtime/states-binding.ts';

/** Error and Cause (or, in a JSONPath state, ErrorPath and CausePath, read from the state's input). */
export async function runFail(step: Step<FailState>): Promise<StepResult> {
  const states = statesBinding(step);
  const error = await evaluateOptional(step.state.error, states, 'Error', 'string', step);
  if (!error.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, error.query) };
  const cause = await evaluateOptional(step.state.cause, states, 'Cause', 'string', step);
  if (!cause.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, cause.query) };
  return { kind: 'fail', failure: failure(error.value, cause.value) };
}
