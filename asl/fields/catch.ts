/**
 * Catch: https://states-language.net/spec.html#fallback-states
 * The first catcher whose ErrorEquals matches handles the failure; its Output defaults to
 * `$states.errorOutput`, and its Assign and Output see the variables as they were at state entry.
 */
import type { Catcher } from '../definition/types.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { errorOutput, type Failure, StatesError } from '../runtime/outcome.ts';
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
  const error = step.state.queryLanguage === 'JSONPath' ? jsonPathErrorOutput(failure) : errorOutput(failure);
  return leave(step, catcher, statesBinding(step, { errorOutput: error }), catcher.next, error);
}

/**
 * A JSONPath catcher's error output always has both members, as recorded: a task failed without an
 * error name or cause (SendTaskFailure with neither) gives null; a timeout, which carries no cause,
 * gives an empty Cause (corpus callback.test_callback.test_sqs_failure_in_wait_for_task_tok_no_error_field.*,
 * error_handling.test_task_service_lambda.test_invoke_timeout).
 */
function jsonPathErrorOutput(f: Failure): { Error: string | null; Cause: string | null } {
  const timeout = f.error === StatesError.Timeout;
  return { Error: f.error ?? null, Cause: f.cause ?? (timeout ? '' : null) };
}
