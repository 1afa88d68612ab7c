/**
 * Long polling: a ReceiveMessage with WaitTimeSeconds waits here until a message may have become
 * available in its queue (a send, a visibility change) or a short tick passes (a delay or a
 * visibility timeout running out is noticed on the tick).
 */
const TICK_MS = 100;

export class Waiters {
  private readonly waiting = new Map<string, Set<() => void>>();
  private stopped = false;

  /** True once the endpoint is closing: waiting receives answer with what they have. */
  get closed(): boolean {
    return this.stopped;
  }

  /** Wakes every waiting receive, for good: nothing keeps a closed endpoint's timers alive. */
  close(): void {
    this.stopped = true;
    for (const queue of [...this.waiting.keys()]) this.notify(queue);
  }

  /** Wakes every receive waiting on `queue`. */
  notify(queue: string): void {
    const set = this.waiting.get(queue);
    if (set === undefined) return;
    this.waiting.delete(queue);
    for (const wake of set) wake();
  }

  /** Resolves on the next notify of `queue`, after a tick, or at `deadline` (epoch ms), whichever is first. */
  wait(queue: string, deadline: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const set = this.waiting.get(queue) ?? new Set<() => void>();
      this.waiting.set(queue, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, Math.min(TICK_MS, deadline - Date.now())));
      set.add(wake);
    });
  }
}
