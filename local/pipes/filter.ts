/**
 * FilterCriteria: a record goes on when any filter's pattern matches it. The EventBridge
 * pattern syntax, the subset this runner knows (anything else is refused when the pipe is
 * created or updated, never ignored): exact values (strings, numbers, booleans, null), `prefix`,
 * `suffix`, `equals-ignore-case`, `anything-but` (values, or `{prefix}`/`{suffix}`), `numeric`
 * (`=`, `<`, `<=`, `>`, `>=` pairs) and `exists`. A pattern's leaf is an array of matchers, any
 * of which may match; a field whose value is an array matches when any element does.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html
 */
import { validation } from './errors.ts';

export type Pattern = { readonly [field: string]: Pattern | readonly unknown[] };

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);
const MATCHERS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'anything-but', 'numeric', 'exists']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one filter's `Pattern` (a JSON string), refusing what this runner cannot match. */
export function parsePattern(text: string): Pattern {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw validation(
      `FilterCriteria pattern ${text} is not JSON: write an EventBridge event pattern object.`,
    );
  }
  if (!isObject(parsed)) throw validation(`FilterCriteria pattern ${text} must be a JSON object.`);
  checkPattern(parsed, text);
  return parsed as Pattern;
}

function checkPattern(pattern: Record<string, unknown>, text: string): void {
  for (const [field, value] of Object.entries(pattern)) {
    if (isObject(value)) checkPattern(value, text);
    else if (Array.isArray(value)) for (const m of value) checkMatcher(m, field, text);
    else
      throw validation(
        `FilterCriteria pattern ${text}: the value of '${field}' must be an array of matchers or a nested pattern object.`,
      );
  }
}

function checkMatcher(matcher: unknown, field: string, text: string): void {
  if (!isObject(matcher)) return;
  const keys = Object.keys(matcher);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !MATCHERS.has(key)) {
    throw validation(
      `FilterCriteria pattern ${text}: the matcher ${JSON.stringify(matcher)} on '${field}' is not supported locally. Supported: exact values, ${[...MATCHERS].join(', ')}.`,
    );
  }
  const operand = matcher[key];
  if (key === 'numeric') {
    const ok =
      Array.isArray(operand) &&
      operand.length % 2 === 0 &&
      operand.length > 0 &&
      operand.every((x, i) => (i % 2 === 0 ? NUMERIC_OPERATORS.has(String(x)) : typeof x === 'number'));
    if (!ok)
      throw validation(
        `FilterCriteria pattern ${text}: 'numeric' on '${field}' takes [operator, number, ...].`,
      );
  }
  if (key === 'exists' && typeof operand !== 'boolean') {
    throw validation(`FilterCriteria pattern ${text}: 'exists' on '${field}' takes true or false.`);
  }
}

/** Whether `event` matches `pattern`. */
export function matches(pattern: Pattern, event: unknown): boolean {
  const object = isObject(event) ? event : {};
  return Object.entries(pattern).every(([field, want]) => {
    const present = Object.hasOwn(object, field);
    const value = object[field];
    if (!Array.isArray(want)) return present && matches(want as Pattern, value);
    return want.some((matcher) => matchOne(matcher, present, value));
  });
}

function matchOne(matcher: unknown, present: boolean, value: unknown): boolean {
  if (isObject(matcher) && Object.hasOwn(matcher, 'exists')) {
    return matcher.exists === (present && !isObject(value));
  }
  if (!present) return false;
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => leaf(matcher, v));
}

function leaf(matcher: unknown, value: unknown): boolean {
  if (!isObject(matcher)) return matcher === value;
  const [key, operand] = Object.entries(matcher)[0] ?? [];
  const text = typeof value === 'string' ? value : undefined;
  switch (key) {
    case 'prefix':
      return text?.startsWith(String(operand)) === true;
    case 'suffix':
      return text?.endsWith(String(operand)) === true;
    case 'equals-ignore-case':
      return text !== undefined && text.toLowerCase() === String(operand).toLowerCase();
    case 'anything-but': {
      if (isObject(operand)) return !leaf(operand, value) && text !== undefined;
      const excluded = Array.isArray(operand) ? operand : [operand];
      return !excluded.includes(value);
    }
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const ops = operand as unknown[];
      for (let i = 0; i < ops.length; i += 2) {
        const bound = ops[i + 1] as number;
        const ok = {
          '=': value === bound,
          '<': value < bound,
          '<=': value <= bound,
          '>': value > bound,
          '>=': value >= bound,
        }[String(ops[i]) as '='];
        if (!ok) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
