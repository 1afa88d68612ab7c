/**
 * Retry: https://states-language.net/spec.html#retrying-after-error
 * The first retrier whose ErrorEquals matches applies, with its own attempt counter; once it is
 * exhausted, the catchers decide (later retriers are not tried).
 */
import type { Retrier } from '../definition/types.ts';
import { type Failure, StatesError } from '../runtime/outcome.ts';

/** `States.ALL` matches everything but States.Runtime; `States.TaskFailed` everything but States.Timeout. */
export function errorMatches(errorEquals: readonly string[], error: string | undefined): boolean {
  if (error === StatesError.Runtime) return false;
  for (const name of errorEquals) {
    if (name === error) return true;
    if (name === StatesError.ALL) return true;
    if (name === StatesError.TaskFailed && error !== StatesError.Timeout) return true;
  }
  return false;
}

/** Attempts made so far, per retrier (by index), for one state visit. */
export type RetryCounters = number[];

/** The delay before the next attempt, or undefined when the failure is not to be retried. */
export function nextRetry(
  retriers: readonly Retrier[],
  failure: Failure,
  counters: RetryCounters,
  random: () => number,
): number | undefined {
  const index = retriers.findIndex((r) => errorMatches(r.errorEquals, failure.error));
  const retrier = retriers[index];
  if (!retrier) return undefined;
  const attempt = counters[index] ?? 0;
  if (attempt >= retrier.maxAttempts) return undefined;
  counters[index] = attempt + 1;
  let seconds = retrier.intervalSeconds * retrier.backoffRate ** attempt;
  if (retrier.maxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.maxDelaySeconds);
  if (retrier.jitterStrategy === 'FULL') seconds = random() * seconds;
  return Math.round(seconds * 1000);
}
