/**
 * The race of one Task attempt against its deadline, its heartbeat and the thread's abort, on
 * the engine's clock so that a virtual clock can time a task out without anyone sleeping.
 *
 * One promise, settled by whichever comes first; the losers are disarmed at once. The timers are
 * the clock's cancellable `timer`, not `sleep` with an AbortController: aborting a controller
 * dispatches a DOM event (about 10 µs each on Node 20), which every Task attempt paid twice.
 */

import { type Clock, startTimer } from '../../clock.ts';
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
  const thread = step.frame.signal;
  if (thread.aborted) {
    // The work was started: its failure, now nobody's to report, must not go unhandled.
    work.catch(() => {});
    return Promise.resolve(ABORTED);
  }
  return new Promise<Race>((resolve) => {
    const race = new AttemptRace(clock, thread, resolve);
    race.armDeadline(deadline);
    if (heartbeatMs !== undefined) {
      race.armHeartbeat(heartbeatMs);
      onHeartbeatSetter?.(() => race.armHeartbeat(heartbeatMs));
    }
    work.then(
      (result) => race.decide({ kind: 'result', result }),
      (error: unknown) =>
        race.decide({
          kind: 'result',
          result: { ok: false, failure: { error: StatesError.TaskFailed, cause: describe(error) } },
        }),
    );
  });
}

/**
 * The racers' shared end: the first to decide wins, and disarms the others. It listens to the
 * thread's abort itself (handleEvent), and the timers call it through inline callbacks: the
 * TypeScript loader names every closure held in a variable when it is made (~0.3 µs each).
 */
class AttemptRace {
  #decided = false;
  #cancelDeadline: (() => void) | undefined;
  #cancelHeartbeat: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly thread: AbortSignal,
    private readonly resolve: (race: Race) => void,
  ) {
    thread.addEventListener('abort', this, { once: true });
  }

  /** The thread's abort (this object is its listener). */
  handleEvent(): void {
    this.decide(ABORTED);
  }

  armDeadline(deadline: number): void {
    this.#cancelDeadline = startTimer(this.clock, Math.max(0, deadline - this.clock.now()), () =>
      this.decide(TIMED_OUT),
    );
  }

  /** Starts (or restarts, on a heartbeat) the heartbeat's countdown. */
  armHeartbeat(ms: number): void {
    if (this.#decided) return;
    this.#cancelHeartbeat?.();
    this.#cancelHeartbeat = startTimer(this.clock, ms, () => this.decide(TIMED_OUT));
  }

  decide(race: Race): void {
    if (this.#decided) return;
    this.#decided = true;
    this.#cancelDeadline?.();
    this.#cancelHeartbeat?.();
    this.thread.removeEventListener('abort', this);
    this.resolve(race);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
