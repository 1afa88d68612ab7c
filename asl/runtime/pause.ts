/** Waiting (a Wait state, a retry's delay) on the engine's injected clock. */
import type { Frame } from './context.ts';

/** Sleeps on the engine's clock, unless this thread is being resumed past the sleep already. */
export async function pause(frame: Frame, ms: number): Promise<boolean> {
  if (ms <= 0 || frame.run.history.replaying(frame.thread)) return true;
  try {
    await frame.run.env.clock.sleep(ms, frame.signal);
    return true;
  } catch {
    return false;
  }
}
