/**
 * A guard checks (or adjusts) one request before cognito-local's target answers it: it throws a
 * CognitoError, which goes on the wire as AWS names it, or calls `next` to go on. Each module
 * here exports the guards of one rule; server.ts runs them in order around every target.
 */
import type { Context } from 'cognito-local/lib/services/context.js';
import type { RequestScope } from './request.ts';

export interface Call extends RequestScope {
  /** The operation, e.g. `SignUp` (from X-Amz-Target). */
  readonly target: string;
  readonly ctx: Context;
  readonly req: Record<string, unknown>;
}

export type Next = () => Promise<unknown>;

export type Guard = (call: Call, next: Next) => Promise<unknown>;

export function runGuards(guards: readonly Guard[], call: Call, last: Next): Promise<unknown> {
  const step = (index: number): Promise<unknown> => {
    const guard = guards[index];
    return guard ? guard(call, () => step(index + 1)) : last();
  };
  return step(0);
}
