/**
 * Time for the engine. Executions never read the wall clock directly: Wait states, retry
 * intervals, task timeouts and event timestamps all come from a Clock, so tests run on
 * virtual time and never sleep.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fire` after `ms` of this clock's time, unless the returned function is called first.
   * The engine's timers (a Task's deadline and heartbeat) are armed and cancelled once per Task
   * attempt: this is `sleep` without an AbortSignal's event listeners, allocations and stack.
   * Optional: without it the engine times tasks with `sleep` (see startTimer).
   */
  timer?(ms: number, fire: () => void): () => void;
}

/** A cancellable timer on `clock`: its own `timer`, or `sleep` with an AbortController. */
export function startTimer(clock: Clock, ms: number, fire: () => void): () => void {
  if (clock.timer) return clock.timer(ms, fire);
  const cancelled = new AbortController();
  clock.sleep(ms, cancelled.signal).then(fire, () => {});
  return () => cancelled.abort();
}

/** `sleep` on top of a clock's `timer`: resolves when it fires, rejects when `signal` aborts first. */
function sleepOn(
  clock: { timer(ms: number, fire: () => void): () => void },
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };
    const cancel = clock.timer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** setTimeout takes at most 2^31-1 ms; longer waits are chained. */
const MAX_TIMEOUT = 2 ** 31 - 1;

export const systemClock: Clock & Required<Pick<Clock, 'timer'>> = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleepOn(systemClock, ms, signal),
  timer: (ms, fire) => {
    let timer: NodeJS.Timeout;
    const wait = (remaining: number): void => {
      timer = setTimeout(
        () => (remaining > MAX_TIMEOUT ? wait(remaining - MAX_TIMEOUT) : fire()),
        Math.min(Math.max(0, remaining), MAX_TIMEOUT),
      );
    };
    wait(ms);
    return () => clearTimeout(timer);
  },
};

interface Timer {
  readonly at: number;
  readonly fire: () => void;
}

/**
 * A virtual clock. Time moves only when told to: `advance(ms)` fires the timers due by then,
 * in order. With `autoAdvance`, whenever timers are pending and the process has nothing else
 * to do this turn, time jumps to the earliest one: executions with long Waits finish at once,
 * in the order real time would give.
 */
export class VirtualClock implements Clock {
  private current: number;
  /** Pending timers, earliest first (ties in the order they were armed). */
  private readonly timers: Timer[] = [];
  private tickScheduled = false;
  private readonly autoAdvance: boolean;

  constructor(options: { start?: number | Date; autoAdvance?: boolean } = {}) {
    const start = options.start ?? Date.UTC(2026, 0, 1);
    this.current = typeof start === 'number' ? start : start.getTime();
    this.autoAdvance = options.autoAdvance ?? false;
  }

  now(): number {
    return this.current;
  }

  /** How many sleepers are waiting. */
  get pending(): number {
    return this.timers.length;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  timer(ms: number, fire: () => void): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), fire };
    // Insert in order (timers armed later with the same time fire later): a scan from the end,
    // where a new timer usually belongs.
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1] as Timer).at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    if (this.autoAdvance) this.scheduleTick();
    return () => {
      const at = this.timers.lastIndexOf(timer);
      if (at >= 0) this.timers.splice(at, 1);
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way, earliest first. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.current + ms);
  }

  async advanceTo(target: number): Promise<void> {
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      next.fire();
      // Let the woken work run (and perhaps sleep again) before the next timer fires.
      await settle();
    }
    this.current = Math.max(this.current, target);
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    setImmediate(() => {
      this.tickScheduled = false;
      const next = this.timers.shift();
      if (!next) return;
      this.current = Math.max(this.current, next.at);
      next.fire();
      if (this.timers.length > 0) this.scheduleTick();
    });
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
