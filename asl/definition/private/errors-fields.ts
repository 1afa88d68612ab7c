/**
 * Retry and Catch: the error-handling fields of Task, Parallel and Map.
 * https://states-language.net/spec.html#errors
 */
import type { Catcher, QueryLanguage, Retrier } from '../types.ts';
import { literalNumber } from './dynamic.ts';
import { catcherIO } from './jsonpath-fields.ts';
import { allowOnly, assignField, fail, isObject, type Reporter, templateField } from './reporter.ts';

export function retriers(reporter: Reporter, value: unknown, path: string): Retrier[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail(reporter, path, 'Retry must be an array', 'Write "Retry": [ { "ErrorEquals": [...] } ].');
    return [];
  }
  const out: Retrier[] = [];
  value.forEach((raw: unknown, i) => {
    const p = `${path}/${i}`;
    if (!isObject(raw)) {
      fail(reporter, p, 'A retrier must be an object', 'Write { "ErrorEquals": [...] }.');
      return;
    }
    allowOnly(reporter, raw, p, [
      'ErrorEquals',
      'IntervalSeconds',
      'MaxAttempts',
      'BackoffRate',
      'MaxDelaySeconds',
      'JitterStrategy',
      'Comment',
    ]);
    const names = errorEquals(reporter, raw.ErrorEquals, `${p}/ErrorEquals`, i === value.length - 1);
    // "Handling errors": IntervalSeconds and MaxAttempts have "a maximum value of 99999999";
    // MaxDelaySeconds at most 31622401.
    const intervalSeconds = literalNumber(reporter, raw.IntervalSeconds, `${p}/IntervalSeconds`, 1, {
      min: 1,
      max: 99_999_999,
      integer: true,
    });
    const maxAttempts = literalNumber(reporter, raw.MaxAttempts, `${p}/MaxAttempts`, 3, {
      min: 0,
      max: 99_999_999,
      integer: true,
    });
    const backoffRate = literalNumber(reporter, raw.BackoffRate, `${p}/BackoffRate`, 2, { min: 1 });
    const maxDelaySeconds =
      raw.MaxDelaySeconds === undefined
        ? undefined
        : literalNumber(reporter, raw.MaxDelaySeconds, `${p}/MaxDelaySeconds`, 0, {
            min: 1,
            max: 31_622_401,
            integer: true,
          });
    const jitter = raw.JitterStrategy ?? 'NONE';
    if (jitter !== 'FULL' && jitter !== 'NONE') {
      fail(
        reporter,
        `${p}/JitterStrategy`,
        `JitterStrategy ${JSON.stringify(jitter)} is unknown`,
        'Use FULL or NONE.',
      );
    }
    if (!names) return;
    out.push({
      errorEquals: names,
      intervalSeconds,
      maxAttempts,
      backoffRate,
      jitterStrategy: jitter === 'FULL' ? 'FULL' : 'NONE',
      ...(maxDelaySeconds !== undefined ? { maxDelaySeconds } : {}),
    });
  });
  return out;
}

export function catchers(
  reporter: Reporter,
  value: unknown,
  path: string,
  language: QueryLanguage = 'JSONata',
): Catcher[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    fail(
      reporter,
      path,
      'Catch must be an array',
      'Write "Catch": [ { "ErrorEquals": [...], "Next": ... } ].',
    );
    return [];
  }
  const out: Catcher[] = [];
  value.forEach((raw: unknown, i) => {
    const p = `${path}/${i}`;
    if (!isObject(raw)) {
      fail(reporter, p, 'A catcher must be an object', 'Write { "ErrorEquals": [...], "Next": ... }.');
      return;
    }
    if (language === 'JSONPath') {
      allowOnly(reporter, raw, p, ['ErrorEquals', 'Next', 'ResultPath', 'Assign', 'Comment']);
    } else {
      allowOnly(
        reporter,
        raw,
        p,
        ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'],
        (key) => key === 'ResultPath',
      );
    }
    if (raw.ResultPath !== undefined && language === 'JSONata') {
      fail(
        reporter,
        `${p}/ResultPath`,
        "The field 'ResultPath' is not supported by the JSONata query language",
        'Use Output with $states.errorOutput.',
      );
    }
    const names = errorEquals(reporter, raw.ErrorEquals, `${p}/ErrorEquals`, i === value.length - 1);
    if (typeof raw.Next !== 'string') {
      fail(reporter, `${p}/Next`, 'A catcher needs Next', 'Name the state to go to when it catches.');
      return;
    }
    if (!names) return;
    out.push({
      errorEquals: names,
      next: raw.Next,
      ...(language === 'JSONPath'
        ? { io: catcherIO(reporter, raw, p) }
        : {
            ...templateField(reporter, raw, 'Output', p),
            ...assignField(reporter, raw.Assign, `${p}/Assign`),
          }),
    });
  });
  return out;
}

/** `last`: whether this is the last rule, the only place States.ALL may stand. */
function errorEquals(reporter: Reporter, value: unknown, path: string, last: boolean): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    return fail(
      reporter,
      path,
      'ErrorEquals must be a non-empty array of error names',
      'Write "ErrorEquals": ["States.ALL"].',
    );
  }
  const names = value as string[];
  if (names.includes('States.ALL') && (names.length > 1 || !last)) {
    fail(
      reporter,
      path,
      'States.ALL must appear alone and in the last retrier or catcher',
      'Move States.ALL into its own last rule.',
    );
  }
  return names;
}
