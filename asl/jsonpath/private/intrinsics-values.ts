/**
 * What the intrinsic functions share: the shape of a function, and the checks and conversions
 * they apply to argument values.
 */

import type { IntrinsicEnvironment } from '../intrinsics.ts';
import type { Evaluation } from '../types.ts';
import type { ArgNode } from './intrinsics-parse.ts';

/** What a function gets besides its argument values: the entropy, and the argument syntax. */
export interface CallContext {
  readonly env: IntrinsicEnvironment;
  /** The arguments as written (States.Format reads its template's escapes from here). */
  readonly nodes: readonly ArgNode[];
}

export interface IntrinsicSpec {
  /** How many arguments the function takes, at least and at most. */
  readonly min: number;
  readonly max: number;
  /** The argument list as the documentation writes it, for failure messages. */
  readonly signature: string;
  readonly run: (args: readonly unknown[], context: CallContext) => Evaluation<unknown>;
}

export function ok(value: unknown): Evaluation<unknown> {
  return { ok: true, value };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * A number read as Java's `(int)` cast reads a double, which is what AWS does with fractional
 * arguments to ArrayRange, ArrayGetItem, ArrayPartition and MathRandom (reported:
 * `States.ArrayRange(1.6, 1.4, 1)` is [1], `States.ArrayGetItem($.a, 1.2)` is item 1).
 */
export function truncated(value: number): number {
  return Math.trunc(value) + 0; // `+ 0` turns -0 into 0
}

/** Length in characters (code points), as AWS counts its 10,000-character limits. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** JSON text with object keys sorted: equal JSON values give equal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** JSON values compared by value: arrays in order, objects regardless of key order. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEquals(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && jsonEquals(a[k], b[k]));
  }
  return false;
}
