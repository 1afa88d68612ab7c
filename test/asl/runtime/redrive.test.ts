import { describe, expect, it } from 'vitest';
import {
  type HistoryEvent,
  type RecordedEvent,
  redrivePlan,
  settledLength,
} from '../../../asl/runtime/index.ts';

let id = 0;
const ev = (type: string, thread = ''): RecordedEvent => ({
  event: { id: ++id, type, previousEventId: id - 1 } as HistoryEvent,
  thread,
});
const types = (events: readonly RecordedEvent[]) => events.map((e) => e.event as HistoryEvent);
const replayed = (plan: readonly RecordedEvent[]) =>
  plan.filter((e) => e.replay !== false).map((e) => `${e.thread}:${e.event.type}`);

describe('settledLength', () => {
  it('keeps a thread whose last state exited, and cuts at an unfinished StateEntered', () => {
    const done = [ev('PassStateEntered'), ev('PassStateExited')];
    expect(settledLength(types(done))).toBe(2);
    const failed = [...done, ev('TaskStateEntered'), ev('TaskScheduled'), ev('TaskFailed')];
    expect(settledLength(types(failed))).toBe(2);
  });

  it('keeps an unfinished Map or Parallel through its last StateStarted, so its children replay', () => {
    const map = [ev('MapStateEntered'), ev('MapStateStarted'), ev('MapStateStarted'), ev('MapStateFailed')];
    expect(settledLength(types(map))).toBe(3);
    // Failed before it started (its Items did not evaluate): it runs again from StateEntered.
    expect(settledLength(types([ev('ParallelStateEntered'), ev('EvaluationFailed')]))).toBe(0);
  });
});

describe('redrivePlan', () => {
  it('replays the settled part of each thread and leaves the rest and the closing events unreplayed', () => {
    const child = '/Each@2/0';
    const history = [
      ev('ExecutionStarted'),
      ev('MapStateEntered'),
      ev('MapStateStarted'),
      ev('MapIterationStarted', child),
      ev('TaskStateEntered', child),
      ev('TaskFailed', child),
      ev('MapIterationFailed', child),
      ev('MapStateFailed'),
      ev('ExecutionFailed'),
    ];
    expect(replayed(redrivePlan(history, true))).toEqual([
      ':ExecutionStarted',
      ':MapStateEntered',
      ':MapStateStarted',
      `${child}:MapIterationStarted`,
    ]);
    // Running (a resume), the same history replays whole but for its closing event.
    expect(replayed(redrivePlan(history, false))).toHaveLength(8);
  });

  it('resumes a redriven execution: earlier attempts as the redrive planned them, the current one whole', () => {
    const history = [
      ev('ExecutionStarted'),
      ev('TaskStateEntered'),
      ev('TaskFailed'),
      ev('ExecutionFailed'),
      ev('ExecutionRedriven'),
      ev('TaskStateEntered'),
      ev('TaskScheduled'),
    ];
    expect(replayed(redrivePlan(history, false))).toEqual([
      ':ExecutionStarted',
      ':TaskStateEntered',
      ':TaskScheduled',
    ]);
    // Every event stays in the history, in order: only what is replayed changes.
    expect(redrivePlan(history, false).map((e) => e.event)).toEqual(history.map((e) => e.event));
  });
});
