/**
 * The loop Task, Parallel and Map share: make an attempt; on success settle Output and Assign;
 * on failure let the first matching retrier wait and try again, else let a catcher handle it.
 */
import type { Catcher, Retrier } from '../definition/types.ts';
import type { Template } from '../jsonata/template.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import { exitState } from '../runtime/exit.ts';
import type { Failure } from '../runtime/outcome.ts';
import { pause } from '../runtime/pause.ts';
import type { StatesBinding } from '../runtime/states-binding.ts';
import { transitionResult } from '../runtime/transition.ts';
import { tryCatch } from './catch.ts';
import { nextRetry, type RetryCounters } from './retry.ts';
import { settle } from './settle.ts';

export type AttemptOutcome =
  | { readonly kind: 'succeeded'; readonly output: unknown; readonly states: StatesBinding }
  /** `quiet`: the state records no `<Type>StateFailed` for it (a JSONPath state's own States.Runtime). */
  | { readonly kind: 'failed'; readonly failure: Failure; readonly quiet?: boolean }
  | { readonly kind: 'aborted' };

interface Retryable {
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
  readonly output?: Template;
  readonly assign?: Template;
  readonly transition: { end: true } | { end: false; next: string };
}

export async function withRetries(
  step: Step<Retryable & Step['state']>,
  attempt: (retryCount: number) => Promise<AttemptOutcome>,
  /** Called once when the state gives up on an attempt's failure (no retry left), before Catch. */
  onGiveUp: () => void = () => {},
): Promise<StepResult> {
  const { state, frame } = step;
  const counters: RetryCounters = [];
  for (let retryCount = 0; ; retryCount++) {
    const outcome = await attempt(retryCount);
    if (outcome.kind === 'aborted') return { kind: 'aborted' };
    if (outcome.kind === 'succeeded') {
      const settled = await settle(step, state, outcome.states, outcome.output);
      if (settled.ok) {
        return transitionResult(state, exitState(step, settled.value));
      }
      const failure = evaluationFailed(frame, step.site, settled.query);
      return (await tryCatch(step, state.catch, failure)) ?? { kind: 'fail', failure };
    }
    const delay = nextRetry(state.retry, outcome.failure, counters, frame.run.env.entropy.random);
    if (delay === undefined) {
      if (!outcome.quiet) onGiveUp();
      return (
        (await tryCatch(step, state.catch, outcome.failure)) ?? { kind: 'fail', failure: outcome.failure }
      );
    }
    frame.run.transitions++;
    if (!(await pause(frame, delay))) return { kind: 'aborted' };
  }
}
