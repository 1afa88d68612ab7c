/**
 * Redrive: https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html
 * "When you redrive an execution, it continues the failed execution from the unsuccessful step
 * and uses the same input. Step Functions preserves the results and execution history of the
 * successful steps, and doesn't rerun these steps", and "For workflows that include an Inline Map
 * or Parallel state, RedriveExecution API action reschedules and redrives only the iterations and
 * branches that failed or aborted."
 *
 * A redriven execution runs by replay, as a resumed one does: each thread's events up to its
 * unfinished state are matched again (their task results and outputs reused), and from there the
 * thread runs anew. The events of the unsuccessful part stay in the history, not replayed.
 */
import type { HistoryEvent, RecordedEvent } from './history.ts';

/** The events that close an attempt: after one of them, only a redrive carries the execution on. */
const CLOSING = new Set(['ExecutionFailed', 'ExecutionAborted', 'ExecutionTimedOut', 'ExecutionSucceeded']);

/**
 * Marks what a replay matches again. Attempts are separated by ExecutionRedriven; in each closed
 * attempt, every thread keeps its events up to its unfinished state (see `settledLength`), the
 * rest is history only. The last attempt is closed too when `closed` (a redrive about to start);
 * otherwise it is running and replayed whole (a resume after a restart).
 */
export function redrivePlan(recorded: readonly RecordedEvent[], closed: boolean): RecordedEvent[] {
  const plan = [...recorded];
  /** Per thread, the indexes (in `plan`) of the events still replayed. */
  const threads = new Map<string, number[]>();
  const settle = () => {
    for (const [thread, indexes] of threads) {
      const keep = settledLength(indexes.map((i) => plan[i]?.event as HistoryEvent));
      for (const i of indexes.slice(keep)) plan[i] = { ...(plan[i] as RecordedEvent), replay: false };
      threads.set(thread, indexes.slice(0, keep));
    }
  };
  plan.forEach((entry, i) => {
    const type = entry.event.type ?? '';
    if (type === 'ExecutionRedriven' || CLOSING.has(type)) {
      if (type === 'ExecutionRedriven') settle();
      plan[i] = { ...entry, replay: false };
      return;
    }
    const indexes = threads.get(entry.thread);
    if (indexes) indexes.push(i);
    else threads.set(entry.thread, [i]);
  });
  if (closed) settle();
  return plan;
}

/**
 * How many of one thread's events a redrive replays. States run one after another on a thread,
 * so only the last `StateEntered` can lack its `StateExited`: that visit is the unsuccessful one
 * and runs again, from its StateEntered. A Map or Parallel keeps its StateEntered and its last
 * `StateStarted`, so that its iterations and branches (threads keyed by that StateEntered) are
 * replayed: the successful ones whole, the others from their own unfinished state.
 */
export function settledLength(events: readonly HistoryEvent[]): number {
  const entered = findLast(events, (e) => e.type?.endsWith('StateEntered') === true);
  if (entered < 0) return events.length;
  const exited = findLast(events, (e) => e.type?.endsWith('StateExited') === true);
  if (exited > entered) return events.length;
  const type = events[entered]?.type;
  const started =
    type === 'MapStateEntered'
      ? 'MapStateStarted'
      : type === 'ParallelStateEntered'
        ? 'ParallelStateStarted'
        : '';
  if (started !== '') {
    const last = findLast(events, (e) => e.type === started);
    if (last > entered) return last + 1;
  }
  return entered;
}

function findLast(events: readonly HistoryEvent[], test: (e: HistoryEvent) => boolean): number {
  for (let i = events.length - 1; i >= 0; i--) if (test(events[i] as HistoryEvent)) return i;
  return -1;
}
