/**
 * A run's attempts and how it ends: an attempt starts (the first, or a retry that ends an
 * unfinished earlier one as failed), ends with an outcome; a run closes with its status, its
 * failure and its children's; an iteration or branch ends and its failure reaches its Map or
 * Parallel. `stoppedAt` is when the execution stopped, if it has: the end of an attempt it cut.
 */
import type { Attempt, ChildRun, StateRun } from '../history.ts';
import { failLiterals } from './definition.ts';
import type { Failure } from './events.ts';
import type { Open, Thread } from './threads.ts';

/** The state types that retry (and whose retries AWS bills as transitions). */
export const RETRYABLE = new Set(['Task', 'Map', 'Parallel']);

/** A new attempt (the first, or a retry): an unfinished earlier one failed, at `before` if known. */
export function startAttempt(open: Open, at: Date, before: Date | undefined, resource?: string): void {
  endAttempt(open, before ?? at, 'failed', open.childFailure ?? {});
  open.attemptCount++;
  open.phase = 'started';
  open.pending = undefined;
  open.childFailure = undefined;
  const attempt: Attempt = { scheduledAt: at, outcome: 'running' };
  if (resource !== undefined) attempt.resource = resource;
  open.run.attempts.push(attempt);
  // Only a Task's context object counts retries (Map and Parallel show 0, as the engine does).
  if (open.run.type === 'Task') open.state.RetryCount = open.attemptCount - 1;
}

/** Ends the running attempt, if any. */
export function endAttempt(open: Open, at: Date, outcome: Attempt['outcome'], failure: Failure): void {
  const attempt = open.run.attempts.at(-1);
  if (attempt?.outcome !== 'running') return;
  attempt.outcome = outcome;
  attempt.endedAt = at;
  if (failure.error !== undefined) attempt.error = failure.error;
  if (failure.cause !== undefined) attempt.cause = failure.cause;
  if (outcome !== 'succeeded') open.phase = 'failed';
}

/** A run ends: exited (succeeded, caught), failed or stopped. */
export function close(open: Open, status: StateRun['status'], stoppedAt: Date | undefined): void {
  open.ended = true;
  const { run } = open;
  run.status = status;
  if (status === 'failed' || status === 'caught') {
    const failure = open.pending ?? (run.type === 'Fail' ? failLiterals(open.def) : {});
    if (failure.error !== undefined) run.error = failure.error;
    if (failure.cause !== undefined) run.cause = failure.cause;
  }
  if (status === 'aborted' || status === 'failed') {
    endAttempt(open, stoppedAt ?? run.enteredAt, 'aborted', {});
    for (const t of open.childThreads) endThread(t, 'aborted', stoppedAt);
  }
}

/** A run no event closed: failed if it had failed (or is a Fail state), else stopped. */
export function closeUnfinished(open: Open, stoppedAt: Date | undefined): void {
  close(open, open.pending || open.run.type === 'Fail' ? 'failed' : 'aborted', stoppedAt);
}

/** Ends a child thread: its open state stops, its status is set, a failure reaches its owner. */
export function endThread(thread: Thread, status: ChildRun['status'], stoppedAt: Date | undefined): void {
  if (thread.ended) return;
  thread.ended = true;
  const last = thread.current;
  if (last && !last.ended) closeUnfinished(last, stoppedAt);
  const child = thread.child;
  if (!child) return;
  child.status = status === 'succeeded' && last?.run.status === 'failed' ? 'failed' : status;
  const owner = thread.owner;
  if (child.status === 'failed' && owner && !owner.childFailure && last) {
    owner.childFailure = {
      ...(last.run.error !== undefined ? { error: last.run.error } : {}),
      ...(last.run.cause !== undefined ? { cause: last.run.cause } : {}),
    };
  }
}

/** Ends the children of a Map/Parallel attempt that no event ended (Parallel branches, stopped iterations). */
export function endChildren(
  open: Open,
  how: 'succeeded' | 'failed' | 'aborted',
  stoppedAt: Date | undefined,
): void {
  for (const thread of open.childThreads) {
    if (thread.ended) continue;
    const last = thread.current;
    const done = last?.ended && (last.def?.End === true || last.run.type === 'Succeed');
    const failed = last && !last.ended && (last.pending || last.run.type === 'Fail');
    endThread(thread, how === 'succeeded' || done ? 'succeeded' : failed ? 'failed' : 'aborted', stoppedAt);
  }
}
