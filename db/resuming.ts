/**
 * Aurora Serverless v2 scaled to 0 ACUs pauses its writer; a Data API call that wakes it fails
 * with DatabaseResumingException until the writer is back (AWS: "Scaling to Zero ACUs with
 * automatic pause and resume", usually seconds, longer after a long pause). A writer still being
 * created or replaced answers DatabaseUnavailableException. Neither call ran, so both are safe to
 * repeat: this client repeats them with exponential backoff until a deadline.
 */

import { DatabaseResumeError } from './errors.ts';
import type { DataApiClient } from './migrate.ts';

const RESUMING = new Set(['DatabaseResumingException', 'DatabaseUnavailableException']);

export interface ResumeOptions {
  /** How long to keep retrying, from the first failure (default 5 minutes). */
  readonly timeoutMs?: number;
  /** The first wait; each next one doubles, up to maxDelayMs (defaults 1 s and 20 s). */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Injected time: tests do not sleep. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Told before each wait (the handler logs it). */
  readonly onRetry?: (retry: { error: string; attempt: number; delayMs: number }) => void;
}

export const DEFAULT_RESUME_TIMEOUT_MS = 5 * 60_000;

/** `client`, with each call repeated while the database resumes, until `timeoutMs` has passed. */
export function retryWhileResuming(client: DataApiClient, options: ResumeOptions = {}): DataApiClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_RESUME_TIMEOUT_MS;
  const firstDelayMs = options.firstDelayMs ?? 1_000;
  const maxDelayMs = options.maxDelayMs ?? 20_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const send = async (...args: Parameters<DataApiClient['send']>) => {
    let deadline: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await (client.send as (...a: typeof args) => Promise<unknown>)(...args);
      } catch (error) {
        const name = (error as { name?: unknown }).name;
        if (typeof name !== 'string' || !RESUMING.has(name)) throw error;
        deadline ??= now() + timeoutMs;
        const left = deadline - now();
        if (left <= 0) {
          throw new DatabaseResumeError(
            `The database did not resume within ${Math.round(timeoutMs / 1000)} s (${attempt} calls, the last answered ${name}: ${(error as Error).message}). Deploy again once the cluster is available.`,
            { cause: error },
          );
        }
        const delayMs = Math.min(firstDelayMs * 2 ** (attempt - 1), maxDelayMs, left);
        options.onRetry?.({ error: name, attempt, delayMs });
        await sleep(delayMs);
      }
    }
  };
  return { send: send as DataApiClient['send'] };
}
