/**
 * Catch: https://states-language.net/spec.html#fallback-states
 * The first catcher whose ErrorEquals matches handles the failure; its Output defaults to
 * `$states.errorOutput`, and its Assign and Output see the variables as they were at state entry.
 */
import type { Catcher } from '../definition/types.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { errorOutput, type Failure } from '../runtime/outcome.ts';
import { statesBinding } from '../runtime/states-binding.ts';
import { leave } from './leave.ts';
import { errorMatches } from './retry.ts';

/** Handles a failure with the state's catchers; answers undefined when none matches. */
export async function tryCatch(
  step: Step,
  catchers: readonly Catcher[],
  failure: Failure,
): Promise<StepResult | undefined> {
  const catcher = catchers.find((c) => errorMatches(c.errorEquals, failure.error));
  if (!catcher) return undefined;
  const error = errorOutput(failure);
  return leave(step, catcher, statesBinding(step, { errorOutput: error }), catcher.next, error);
}
