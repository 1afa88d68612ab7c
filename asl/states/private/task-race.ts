/**
 * The race of one Task attempt against its deadline, its heartbeat and the thread's abort, on
 * the engine's clock so that a virtual clock can time a task out without anyone sleeping.
 */

import type { Step } from '../../runtime/context.ts';
import { StatesError } from '../../runtime/outcome.ts';
import type { TaskResult } from '../../services/types.ts';

/** How a task attempt ended, before it is recorded in the history. */
export type Race =
  | { kind: 'result'; result: TaskResult }
  | { kind: 'timeout'; error: string }
  | { kind: 'aborted' };

/**
 * Waits for `work`, the task's deadline, the heartbeat (if any) or the thread's abort, whichever
 * comes first. Timers run on the engine's clock and are cancelled when the race is decided.
 */
export async function raceWithTimeout(
  step: Step,
  work: Promise<TaskResult>,
  deadline: number,
  controller: AbortController,
  heartbeatMs?: number,
  onHeartbeatSetter?: (beat: () => void) => void,
): Promise<Race> {
  const { clock } = step.frame.run.env;
  const timers = new AbortController();
  const racers: Promise<Race>[] = [
    work.then(
      (result): Race => ({ kind: 'result', result }),
      (error: unknown): Race => ({
        kind: 'result',
        result: { ok: false, failure: { error: StatesError.TaskFailed, cause: describe(error) } },
      }),
    ),
    clock.sleep(Math.max(0, deadline - clock.now()), timers.signal).then(
      (): Race => ({ kind: 'timeout', error: StatesError.Timeout }),
      (): Race => new Promise<Race>(() => {}) as unknown as Race,
    ),
    new Promise<Race>((resolve) => {
      if (step.frame.signal.aborted) resolve({ kind: 'aborted' });
      step.frame.signal.addEventListener('abort', () => resolve({ kind: 'aborted' }), {
        once: true,
        signal: timers.signal,
      });
    }),
  ];
  if (heartbeatMs !== undefined) {
    racers.push(
      new Promise<Race>((resolve) => {
        let beat = new AbortController();
        const arm = (): void => {
          clock.sleep(heartbeatMs, AbortSignal.any([beat.signal, timers.signal])).then(
            // The Developer Guide names States.HeartbeatTimeout; AWS records States.Timeout
            // (corpus timeouts.test_heartbeats.*): the recording wins.
            () => resolve({ kind: 'timeout', error: StatesError.Timeout }),
            () => {},
          );
        };
        onHeartbeatSetter?.(() => {
          beat.abort();
          beat = new AbortController();
          arm();
        });
        arm();
      }),
    );
  }
  try {
    return await Promise.race(racers);
  } finally {
    timers.abort(DECIDED);
    if (controller.signal.aborted === false && step.frame.signal.aborted) controller.abort();
  }
}

/** The timers' abort reason, made once: a DOMException per Task captures a stack each time. */
const DECIDED = new DOMException('The race is decided', 'AbortError');

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
