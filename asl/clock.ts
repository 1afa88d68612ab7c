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
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      // setTimeout takes at most 2^31-1 ms; longer waits are chained.
      const maxDelay = 2 ** 31 - 1;
      let timer: NodeJS.Timeout;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const wait = (remaining: number): void => {
        timer = setTimeout(
          () => {
            if (remaining > maxDelay) wait(remaining - maxDelay);
            else {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            }
          },
          Math.min(Math.max(0, remaining), maxDelay),
        );
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      wait(ms);
    }),
};

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A virtual clock. Time moves only when told to: `advance(ms)` fires the timers due by then,
 * in order. With `autoAdvance`, whenever timers are pending and the process has nothing else
 * to do this turn, time jumps to the earliest one: executions with long Waits finish at once,
 * in the order real time would give.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly timers: Timer[] = [];
  private seq = 0;
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
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const timer: Timer = { at: this.current + Math.max(0, ms), seq: this.seq++, resolve: () => {} };
      const onAbort = (): void => {
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
        reject(signal?.reason);
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      if (this.autoAdvance) this.scheduleTick();
    });
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
      next.resolve();
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
      next.resolve();
      if (this.timers.length > 0) this.scheduleTick();
    });
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
