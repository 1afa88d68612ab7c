/**
 * The events that start and end attempts: a Task's scheduled/succeeded/failed/timed-out events
 * (Lambda and activity ones too), a Map's or Parallel's own Started/Succeeded/Failed/Aborted
 * (each Started a new attempt, a retry when not the first), and EvaluationFailed, an attempt
 * that failed before any call unless Output or Assign failed after it. `before` is the time of
 * the event's previous event: when an unfinished earlier attempt ended.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { endAttempt, endChildren, RETRYABLE, startAttempt } from './attempts.ts';
import { hasToleratedThreshold, tokenIn } from './definition.ts';
import { detailsOf, failureOf, parse, TASK_FAILED, TASK_SUCCEEDED, TASK_TIMED_OUT } from './events.ts';
import { findUp, type Open, type Thread } from './threads.ts';

/** Fields evaluated after an attempt succeeded or in a catcher: their failure is not an attempt. */
const SETTLE_FIELD = /^(Output|Assign)\b/;

const THRESHOLD_EXCEEDED = {
  error: 'States.ExceedToleratedFailureThreshold',
  cause: 'The specified tolerated failure threshold was exceeded',
};

/** A Task's (or Lambda's, activity's) event, or a state's *StateAborted, in the thread's open run. */
export function taskEvent(open: Open, event: HistoryEvent, type: string, at: Date): void {
  const { run } = open;
  switch (type) {
    case 'TaskScheduled': {
      const d = event.taskScheduledEventDetails;
      startAttempt(open, at, undefined, `${d?.resourceType}:${d?.resource}`);
      run.arguments = parse(d?.parameters);
      open.callback = d?.resource?.endsWith('.waitForTaskToken') ?? false;
      if (open.callback) {
        const token = tokenIn(open.def?.Arguments ?? open.def?.Parameters, run.arguments);
        if (token !== undefined) run.context.Task = { Token: token };
      }
      return;
    }
    case 'LambdaFunctionScheduled':
    case 'ActivityScheduled': {
      const d = event.lambdaFunctionScheduledEventDetails ?? event.activityScheduledEventDetails;
      startAttempt(open, at, undefined, d?.resource);
      run.arguments = parse(d?.input);
      open.callback = type === 'ActivityScheduled';
      return;
    }
  }
  if (TASK_SUCCEEDED.has(type)) {
    const output = parse(detailsOf(event, type).output as string | undefined);
    if (output !== undefined) run.result = output;
    endAttempt(open, at, 'succeeded', {});
    open.phase = 'succeeded';
  } else if (TASK_FAILED.has(type) || TASK_TIMED_OUT.has(type)) {
    const failure = failureOf(detailsOf(event, type));
    if (run.attempts.at(-1)?.outcome !== 'running') startAttempt(open, at, undefined); // *ScheduleFailed
    endAttempt(open, at, TASK_TIMED_OUT.has(type) ? 'timed-out' : 'failed', failure);
    open.pending = failure;
  } else if (type.endsWith('StateAborted')) {
    endAttempt(open, at, 'aborted', {});
    open.aborted = true;
  }
}

/** Map*, Parallel* and MapRun* events of the state's own thread; answers that thread. */
export function ownerEvent(
  event: HistoryEvent,
  type: string,
  at: Date,
  prev: Thread,
  before: Date | undefined,
  stoppedAt: Date | undefined,
): Thread {
  const kind = type.startsWith('Map') ? 'Map' : 'Parallel';
  const open = findUp(prev, (o) => o.run.type === kind && !o.gaveUp);
  if (!open) return prev;
  const { run } = open;
  switch (type) {
    case 'MapStateStarted':
    case 'ParallelStateStarted':
      endChildren(open, 'failed', stoppedAt);
      open.childThreads = [];
      startAttempt(open, at, before);
      break;
    case 'MapStateSucceeded':
    case 'ParallelStateSucceeded': {
      endChildren(open, 'succeeded', stoppedAt);
      const children = [...open.childThreads].sort((a, b) => (a.child?.index ?? 0) - (b.child?.index ?? 0));
      run.result = children.map((t) => t.child?.runs.at(-1)?.output ?? null);
      endAttempt(open, at, 'succeeded', {});
      open.phase = 'succeeded';
      break;
    }
    case 'MapStateFailed':
    case 'ParallelStateFailed': {
      endChildren(open, 'failed', stoppedAt);
      const threshold =
        kind === 'Map' && hasToleratedThreshold(open.def) ? { ...THRESHOLD_EXCEEDED } : undefined;
      const failure = open.pending ?? threshold ?? open.childFailure ?? {};
      endAttempt(open, at, 'failed', failure);
      open.pending = failure;
      open.gaveUp = true;
      break;
    }
    case 'MapStateAborted':
    case 'ParallelStateAborted':
      endChildren(open, 'aborted', stoppedAt);
      endAttempt(open, at, 'aborted', {});
      open.aborted = true;
      break;
    case 'MapRunFailed':
      open.childFailure = failureOf(detailsOf(event, type));
      break;
  }
  return open.thread;
}

/** EvaluationFailed: a field of the named state failed; answers the state's thread. */
export function evaluationFailed(
  event: HistoryEvent,
  at: Date,
  prev: Thread,
  before: Date | undefined,
): Thread {
  const d = event.evaluationFailedEventDetails;
  const name = d?.state;
  const current = prev.current;
  let open: Open | undefined;
  if (current && !current.ended && current.run.name === name) open = current;
  else if (current && !current.ended && current.run.type === 'Parallel') {
    // A branch's first state: its EvaluationFailed links to ParallelStateStarted.
    open = current.childThreads.map((t) => t.current).find((o) => o && !o.ended && o.run.name === name);
  }
  open ??= findUp(prev, (o) => o.run.name === name);
  if (!open) return prev;
  const failure = failureOf({ error: d?.error, cause: d?.cause });
  const location = d?.location ?? /for the field '([^']*)'/.exec(d?.cause ?? '')?.[1] ?? '';
  if (RETRYABLE.has(open.run.type) && open.phase !== 'succeeded' && !SETTLE_FIELD.test(location)) {
    // Arguments, Items, TimeoutSeconds...: an attempt that failed before any call.
    startAttempt(open, at, before);
    endAttempt(open, at, 'failed', failure);
  }
  open.pending = failure;
  return open.thread;
}
