/**
 * Task tokens of `.waitForTaskToken` tasks that are waiting for SendTaskSuccess,
 * SendTaskFailure or SendTaskHeartbeat.
 */
import { TaskTokenError } from '../errors.ts';
import type { Failure } from './outcome.ts';

export type TokenAnswer =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly failure: Failure };

interface Waiter {
  readonly executionArn: string;
  /** Takes the answer; resolves once its outcome is recorded (durable, with a store). */
  readonly answer: (a: TokenAnswer) => Promise<void>;
  readonly heartbeat: () => void;
}

export class TaskTokens {
  private readonly waiting = new Map<string, Waiter>();
  /** Tokens whose task ended (timed out, answered, aborted): later calls get TaskTimedOut. */
  private readonly closed = new Set<string>();

  /** Registers a waiting task; returns a function that closes the token. */
  register(token: string, waiter: Waiter): () => void {
    this.waiting.set(token, waiter);
    return () => {
      this.waiting.delete(token);
      this.closed.add(token);
    };
  }

  isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }

  /**
   * Answers the task. Throws TaskTokenError at once for a token that cannot be answered; the
   * promise resolves when the answer's outcome is recorded, so a caller acknowledges nothing that
   * a crash could lose.
   */
  succeed(token: string, output: unknown): Promise<void> {
    return this.take(token).answer({ ok: true, output });
  }

  fail(token: string, failure: Failure): Promise<void> {
    return this.take(token).answer({ ok: false, failure });
  }

  heartbeat(token: string): void {
    this.find(token).heartbeat();
  }

  private take(token: string): Waiter {
    const waiter = this.find(token);
    this.waiting.delete(token);
    this.closed.add(token);
    return waiter;
  }

  private find(token: string): Waiter {
    const waiter = this.waiting.get(token);
    if (waiter) return waiter;
    if (this.closed.has(token)) {
      throw new TaskTokenError('TaskTimedOut', 'Task Timed Out');
    }
    if (!/^[A-Za-z0-9+/=_-]{1,1024}$/.test(token)) {
      throw new TaskTokenError('InvalidToken', 'Invalid token');
    }
    throw new TaskTokenError('TaskDoesNotExist', 'Task does not exist anymore');
  }
}
