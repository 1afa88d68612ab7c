/** JSON text of payloads as AWS writes them into events: compact, UTF-8 sized; the payload limit. */
import type { Step } from './context.ts';
import { type Failure, StatesError } from './outcome.ts';

/**
 * Sets a member of a JSON object being built. `target[key] = value` would run the `__proto__`
 * setter for a key "__proto__" (a JSON key like any other) and drop the member.
 */
export function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** True when `text` is certainly within `limit` bytes: UTF-8 takes at most 3 bytes per UTF-16 unit. */
export function surelyWithin(text: string, limit: number): boolean {
  return text.length * 3 <= limit;
}

/**
 * A payload over the limit fails the state with States.DataLimitExceeded. AWS's cause is the same
 * whether the input, the output or a task result is too large (recorded for each).
 */
export function checkPayload(step: Step, json: string): Failure | undefined {
  const limit = step.frame.run.env.limits.maxPayloadBytes;
  if (surelyWithin(json, limit) || byteLength(json) <= limit) return undefined;
  return {
    error: StatesError.DataLimitExceeded,
    cause: `The state/task '${step.state.name}' returned a result with a size exceeding the maximum number of bytes service limit.`,
  };
}
