/**
 * The race of one Task attempt against its deadline, its heartbeat and the thread's abort, on
 * the engine's clock so that a virtual clock can time a task out without anyone sleeping.
 *
 * One promise, settled by whichever comes first; the losers are disarmed at once. The timers are
 * the clock's cancellable `timer`, not `sleep` with an AbortController: aborting a controller
 * dispatches a DOM event (about 10 µs each on Node 20), which every Task attempt paid twice.
 */

import type { Step } from '../../runtime/context.ts';
import { StatesError } from '../../runtime/outcome.ts';
import type { TaskResult } from '../../services/types.ts';

/** How a task attempt ended, before it is recorded in the history. */
export type Race =
  | { kind: 'result'; result: TaskResult }
  | { kind: 'timeout'; error: string }
  | { kind: 'aborted' };

const ABORTED: Race = Object.freeze({ kind: 'aborted' });
// The Developer Guide names States.HeartbeatTimeout for a heartbeat timeout; AWS records
// States.Timeout for both (corpus timeouts.test_heartbeats.*): the recording wins.
const TIMED_OUT: Race = Object.freeze({ kind: 'timeout', error: StatesError.Timeout });

/**
 * Waits for `work`, the task's deadline, the heartbeat (if any) or the thread's abort, whichever
 * comes first. `onHeartbeatSetter` receives the function that restarts the heartbeat's countdown.
 */
export function raceWithTimeout(
  step: Step,
  work: Promise<TaskResult>,
  deadline: number,
  heartbeatMs?: number,
  onHeartbeatSetter?: (beat: () => void) => void,
): Promise<Race> {
  const { clock } = step.frame.run.env;
  const threadSignal = step.frame.signal;
  if (threadSignal.aborted) return Promise.resolve(ABORTED);
  return new Promise<Race>((resolve) => {
    let decided = false;
    let cancelHeartbeat = (): void => {};
    const decide = (race: Race): void => {
      if (decided) return;
      decided = true;
      cancelDeadline();
      cancelHeartbeat();
      threadSignal.removeEventListener('abort', onAbort);
      resolve(race);
    };
    const onAbort = (): void => decide(ABORTED);
    const cancelDeadline = clock.timer(Math.max(0, deadline - clock.now()), () => decide(TIMED_OUT));
    threadSignal.addEventListener('abort', onAbort, { once: true });
    if (heartbeatMs !== undefined) {
      const arm = (): void => {
        cancelHeartbeat();
        cancelHeartbeat = clock.timer(heartbeatMs, () => decide(TIMED_OUT));
      };
      arm();
      onHeartbeatSetter?.(() => {
        if (!decided) arm();
      });
    }
    work.then(
      (result) => decide({ kind: 'result', result }),
      (error: unknown) =>
        decide({
          kind: 'result',
          result: { ok: false, failure: { error: StatesError.TaskFailed, cause: describe(error) } },
        }),
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
