/**
 * Placeholder-aware comparison of an expected corpus value with an actual engine value, per the
 * corpus README ("Normalisation rules"):
 * - key order is not significant (rule 3);
 * - an expected string that is exactly one `{{ph:NAME}}` matches any JSON value (rule 5);
 * - an expected string with placeholders among other text matches any string that fits the regex
 *   built by escaping the literal parts and putting `.+?` for each placeholder (rule 5);
 * - a placeholder name that carries an index (`uuid:1`, `resource:2`, `ArnPart_0idx`) stands for
 *   the same value everywhere within one case (rule 5, optional; enforced here).
 */

const PLACEHOLDER = /\{\{ph:([^}]+)\}\}/g;
const WHOLE = /^\{\{ph:([^}]+)\}\}$/;
/** `uuid:1`, `resource:2`, `task_token:1`, `ArnPart_0idx`, `MapRunArnPart1_0idx`. */
const INDEXED = /(?::\d+|_\d+idx)$/;

export interface Mismatch {
  /** JSONPath-like location, e.g. `$.events[4].taskScheduledEventDetails.parameters.Payload`. */
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly reason: string;
}

/** The values indexed placeholders stand for in one case. */
export class Bindings {
  private readonly values: Map<string, string>;

  constructor(from?: Bindings) {
    this.values = new Map(from?.values);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  /** Binds `name` to `value` unless bound already; answers false when bound to something else. */
  bind(name: string, value: string): boolean {
    if (!INDEXED.test(name)) return true;
    // A value that is itself placeholder text was echoed from a replayed recording: it proves nothing.
    if (value.includes('{{ph:')) return true;
    const bound = this.values.get(name);
    if (bound === undefined) this.values.set(name, value);
    return bound === undefined || bound === value;
  }

  /** Takes over the bindings of a trial copy whose comparison succeeded. */
  adopt(trial: Bindings): void {
    for (const [k, v] of trial.values) this.values.set(k, v);
  }
}

export function isPlaceholder(value: unknown): value is string {
  return typeof value === 'string' && WHOLE.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Matches a string with embedded placeholders; binds the indexed ones it captures. */
function matchTemplate(expected: string, actual: string, bindings: Bindings): boolean {
  if (expected === actual) return true;
  let source = '^';
  let last = 0;
  const groups: string[] = [];
  for (const m of expected.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    source += escapeRegex(expected.slice(last, m.index));
    last = m.index + m[0].length;
    const bound = INDEXED.test(name) ? bindings.get(name) : undefined;
    const earlier = groups.indexOf(name);
    if (bound !== undefined) source += escapeRegex(bound);
    else if (earlier >= 0 && INDEXED.test(name)) source += `\\${earlier + 1}`;
    else {
      groups.push(name);
      source += '(.+?)';
    }
  }
  source += `${escapeRegex(expected.slice(last))}$`;
  const found = new RegExp(source, 's').exec(actual);
  if (!found) return false;
  return groups.every((name, i) => bindings.bind(name, found[i + 1] ?? ''));
}

function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Compares `actual` with `expected`; answers the first difference, or undefined when they match. */
export function compareValue(
  expected: unknown,
  actual: unknown,
  bindings: Bindings,
  path = '$',
): Mismatch | undefined {
  const miss = (reason: string): Mismatch => ({ path, expected, actual, reason });
  if (typeof expected === 'string') {
    const whole = WHOLE.exec(expected);
    if (whole) {
      if (actual === undefined) return miss('missing (expected a value for a placeholder)');
      const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
      return bindings.bind(whole[1] ?? '', text)
        ? undefined
        : miss(`placeholder ${expected} is bound to another value`);
    }
    if (typeof actual !== 'string') return miss(`expected a string, got ${describeType(actual)}`);
    if (expected.includes('{{ph:')) {
      return matchTemplate(expected, actual, bindings)
        ? undefined
        : miss('string does not fit the placeholder pattern');
    }
    return expected === actual ? undefined : miss('strings differ');
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return miss(`expected an array, got ${describeType(actual)}`);
    if (actual.length !== expected.length)
      return miss(`expected ${expected.length} elements, got ${actual.length}`);
    for (let i = 0; i < expected.length; i++) {
      const m = compareValue(expected[i], actual[i], bindings, `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (isRecord(expected)) {
    if (!isRecord(actual)) return miss(`expected an object, got ${describeType(actual)}`);
    const missing = Object.keys(expected).filter((k) => !(k in actual));
    const extra = Object.keys(actual).filter((k) => !(k in expected));
    if (missing.length > 0 || extra.length > 0) {
      const parts = [
        missing.length ? `missing keys ${missing.join(', ')}` : '',
        extra.length ? `extra keys ${extra.join(', ')}` : '',
      ];
      return miss(parts.filter(Boolean).join('; '));
    }
    for (const [k, v] of Object.entries(expected)) {
      const m = compareValue(v, actual[k], bindings, `${path}.${k}`);
      if (m) return m;
    }
    return undefined;
  }
  if (expected === actual) return undefined;
  return describeType(expected) === describeType(actual)
    ? miss('values differ')
    : miss(`expected ${describeType(expected)}, got ${describeType(actual)}`);
}

/** Like {@link compareValue}, but keeps the bindings untouched unless the values match. */
export function tryMatch(expected: unknown, actual: unknown, bindings: Bindings): boolean {
  const trial = new Bindings(bindings);
  if (compareValue(expected, actual, trial) !== undefined) return false;
  bindings.adopt(trial);
  return true;
}

/** A short one-line JSON rendering for mismatch reports. */
export function brief(value: unknown, max = 160): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
