/**
 * Appending a thread's events: each links to the thread's last event (previousEventId), as AWS
 * records them, and a child thread (a Parallel branch or a Map iteration) has a key of its own.
 */
import type { Frame, Site, Step } from './context.ts';
import type { HistoryEventType } from './history.ts';
import type { Failure, QueryFailure } from './outcome.ts';

/** Appends an event on this thread, chaining previousEventId. */
export function append(
  frame: Frame,
  type: HistoryEventType,
  details: Record<string, unknown> = {},
  previous = frame.cursor,
): number {
  frame.cursor = frame.run.history.append(type, previous, details, frame.thread);
  return frame.cursor;
}

/** Appends an event on this thread without moving it (AWS's Map/Parallel *Succeeded events). */
export function note(
  frame: Frame,
  type: HistoryEventType,
  details: Record<string, unknown> = {},
  previous = frame.cursor,
): number {
  return frame.run.history.append(type, previous, details, frame.thread);
}

/**
 * Appends EvaluationFailed and answers the failure the state fails with. AWS links the event
 * to the one before the state's StateEntered, not to StateEntered itself.
 */
export function evaluationFailed(
  frame: Frame,
  site: Site,
  query: QueryFailure,
  previous = site.enteredPrevious,
): Failure {
  if (query.unrecorded) return { error: query.error, cause: query.cause };
  append(
    frame,
    'EvaluationFailed',
    {
      evaluationFailedEventDetails: {
        error: query.error,
        cause: query.cause,
        ...(query.location !== undefined ? { location: query.location } : {}),
        state: site.stateName,
      },
    },
    previous,
  );
  return { error: query.error, cause: query.cause };
}

/** The key of a child thread (a Parallel branch or a Map iteration) of the state visit `step`. */
export function childThread(step: Step, key: number): string {
  return `${step.frame.thread}/${step.state.name}@${step.site.enteredEventId}/${key}`;
}
