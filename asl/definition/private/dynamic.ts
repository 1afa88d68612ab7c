/**
 * Fields that take a literal or a `{% %}` expression (Seconds, MaxConcurrency, Condition, ...),
 * and the literal-only numbers of Retry and the machine's TimeoutSeconds.
 */
import { isExpressionString } from '../../jsonata/expression.ts';
import { parseTimestamp } from '../../timestamp.ts';
import type { Dynamic } from '../types.ts';
import { compile, fail, type Raw, type Reporter } from './reporter.ts';

interface Bounds {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

/** A literal or `{% %}` string, where a plain string is not acceptable as a literal. */
function dynamic<T>(
  reporter: Reporter,
  value: unknown,
  path: string,
  check: (v: unknown) => v is T,
  expected: string,
): Dynamic<T> | undefined {
  if (typeof value === 'string' && isExpressionString(value)) {
    const template = compile(reporter, value, path);
    return template ? { kind: 'template', template } : undefined;
  }
  if (check(value)) return { kind: 'literal', value };
  return fail(
    reporter,
    path,
    `Expected ${expected} or a JSONata expression, got ${JSON.stringify(value)}`,
    `Write ${expected} or "{% expression %}".`,
  );
}

export function dynamicNumber(
  reporter: Reporter,
  value: unknown,
  path: string,
  bounds: Bounds,
): Dynamic<number> | undefined {
  const expected = bounds.integer ? 'an integer' : 'a number';
  const check = (v: unknown): v is number =>
    typeof v === 'number' &&
    (!bounds.integer || Number.isInteger(v)) &&
    (bounds.min === undefined || v >= bounds.min) &&
    (bounds.max === undefined || v <= bounds.max);
  return dynamic(
    reporter,
    value,
    path,
    check,
    `${expected}${bounds.min !== undefined ? ` >= ${bounds.min}` : ''}${bounds.max !== undefined ? ` <= ${bounds.max}` : ''}`,
  );
}

/** The optional field `raw[key]` as a number or an expression; undefined when it is absent. */
export function dynamicNumberField(
  reporter: Reporter,
  raw: Raw,
  key: string,
  path: string,
  bounds: Bounds,
): Dynamic<number> | undefined {
  const value = raw[key];
  return value === undefined ? undefined : dynamicNumber(reporter, value, `${path}/${key}`, bounds);
}

export function dynamicBoolean(
  reporter: Reporter,
  value: unknown,
  path: string,
): Dynamic<boolean> | undefined {
  return dynamic(reporter, value, path, (v): v is boolean => typeof v === 'boolean', 'true or false');
}

/** An optional string field, keyed as `key` in the typed tree. */
export function dynamicString<K extends string>(
  reporter: Reporter,
  value: unknown,
  path: string,
  key: K,
): { [P in K]?: Dynamic<string> } {
  if (value === undefined) return {};
  const result = dynamic(reporter, value, path, (v): v is string => typeof v === 'string', 'a string');
  return result ? ({ [key]: result } as { [P in K]?: Dynamic<string> }) : {};
}

export function dynamicTimestamp(
  reporter: Reporter,
  value: unknown,
  path: string,
): Dynamic<string> | undefined {
  if (typeof value === 'string' && !isExpressionString(value) && !isTimestamp(value)) {
    return fail(
      reporter,
      path,
      `'${value}' is not an RFC 3339 timestamp`,
      'Write it like "2026-01-01T00:00:00Z", or compute it with "{% expression %}".',
    );
  }
  return dynamic(reporter, value, path, (v): v is string => typeof v === 'string', 'a timestamp string');
}

/** A Retry number: literal only, with AWS's default when absent. */
export function literalNumber(
  reporter: Reporter,
  value: unknown,
  path: string,
  fallback: number,
  bounds: { min?: number; max?: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    (bounds.integer && !Number.isInteger(value)) ||
    (bounds.min !== undefined && value < bounds.min) ||
    (bounds.max !== undefined && value > bounds.max)
  ) {
    fail(
      reporter,
      path,
      `Expected ${bounds.integer ? 'an integer' : 'a number'}${bounds.min !== undefined ? ` >= ${bounds.min}` : ''}${bounds.max !== undefined ? ` <= ${bounds.max}` : ''}, got ${JSON.stringify(value)}`,
      'Retry fields are literals; JSONata expressions are not allowed here.',
    );
    return fallback;
  }
  return value;
}

export function optionalPositiveInteger(
  reporter: Reporter,
  value: unknown,
  path: string,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    return fail(
      reporter,
      path,
      `Expected a positive integer, got ${JSON.stringify(value)}`,
      'Write a whole number of seconds.',
    );
  }
  return value;
}

function isTimestamp(value: string): boolean {
  return parseTimestamp(value) !== undefined;
}
