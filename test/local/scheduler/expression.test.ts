import { describe, expect, it } from 'vitest';
import { type Expression, nextFiring, parseExpression } from '../../../local/scheduler/index.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The next `count` firings after `from`, as ISO strings. */
function firings(expression: string, zone: string, from: string, count: number, anchor = at(from)): string[] {
  const parsed: Expression = parseExpression(expression);
  const out: string[] = [];
  let after = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextFiring(parsed, zone, { anchor }, after);
    if (next === undefined) break;
    out.push(iso(next) ?? '');
    after = next;
  }
  return out;
}

describe('cron() in a time zone with daylight saving time (AWS: a skipped time is not fired, a repeated one fires once)', () => {
  it('skips the 02:00 Europe/Berlin firing on 29 March 2026, when clocks jump from 02:00 to 03:00', () => {
    expect(firings('cron(0 2 * * ? *)', 'Europe/Berlin', '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:00:00.000Z', // 02:00 CET
      '2026-03-30T00:00:00.000Z', // 02:00 CEST: 29 March had no 02:00
      '2026-03-31T00:00:00.000Z',
    ]);
  });

  it('fires the 02:00 Europe/Berlin schedule once on 25 October 2026, at the first of the two 02:00s', () => {
    expect(firings('cron(0 2 * * ? *)', 'Europe/Berlin', '2026-10-23T12:00:00Z', 4)).toEqual([
      '2026-10-24T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T00:00:00.000Z', // the first 02:00 (CEST); the second (01:00Z, CET) is not fired
      '2026-10-26T01:00:00.000Z', // 02:00 CET
      '2026-10-27T01:00:00.000Z',
    ]);
  });

  it('keeps firing every half hour through the repeated hour only once per wall time', () => {
    expect(firings('cron(0/30 2 25 10 ? 2026)', 'Europe/Berlin', '2026-10-24T23:00:00Z', 3)).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T00:30:00.000Z',
    ]);
  });
});

describe('cron() fields', () => {
  it('L in day-of-month: the last day of the month', () => {
    expect(firings('cron(0 12 L * ? *)', 'UTC', '2026-02-01T00:00:00Z', 2)).toEqual([
      '2026-02-28T12:00:00.000Z',
      '2026-03-31T12:00:00.000Z',
    ]);
  });

  it('W: the weekday nearest the day, within the month', () => {
    // 15 August 2026 is a Saturday: Friday the 14th. 1 August is a Saturday: Monday the 3rd.
    expect(firings('cron(0 9 15W 8 ? 2026)', 'UTC', '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-08-14T09:00:00.000Z',
    ]);
    expect(firings('cron(0 9 1W 8 ? 2026)', 'UTC', '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-08-03T09:00:00.000Z',
    ]);
  });

  it('# in day-of-week: the nth weekday of the month (6#3: the third Friday)', () => {
    expect(firings('cron(0 10 ? * 6#3 *)', 'UTC', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-16T10:00:00.000Z',
      '2026-02-20T10:00:00.000Z',
    ]);
  });

  it('L in day-of-week: the last such weekday of the month (5L: the last Thursday)', () => {
    expect(firings('cron(0 10 ? * 5L *)', 'UTC', '2026-01-01T00:00:00Z', 1)).toEqual([
      '2026-01-29T10:00:00.000Z',
    ]);
  });

  it('names, ranges, lists and steps', () => {
    expect(firings('cron(0/20 8-9 ? JAN MON-FRI 2026)', 'UTC', '2026-01-02T08:30:00Z', 4)).toEqual([
      '2026-01-02T08:40:00.000Z',
      '2026-01-02T09:00:00.000Z',
      '2026-01-02T09:20:00.000Z',
      '2026-01-02T09:40:00.000Z',
    ]);
    expect(firings('cron(15 6 1,15 * ? *)', 'UTC', '2026-01-01T07:00:00Z', 2)).toEqual([
      '2026-01-15T06:15:00.000Z',
      '2026-02-01T06:15:00.000Z',
    ]);
  });

  it('the year field, and no firing after the last year', () => {
    expect(firings('cron(0 0 1 1 ? 2028)', 'UTC', '2026-06-01T00:00:00Z', 2)).toEqual([
      '2028-01-01T00:00:00.000Z',
    ]);
  });

  it.each([
    ['cron(0 2 * * * *)', 'one of day-of-month and day-of-week must be ?'],
    ['cron(0 2 ? * ? *)', 'one of day-of-month and day-of-week must be ?'],
    ['cron(0 2 * * ?)', 'six fields'],
    ['cron(60 2 * * ? *)', 'minutes value 60'],
    ['cron(0 24 * * ? *)', 'hours value 24'],
    ['cron(0 2 32 * ? *)', 'day-of-month value 32'],
    ['cron(0 2 ? * 8 *)', 'day-of-week value 8'],
    ['cron(0 2 ? * 6#6 *)', 'day-of-week value 6'],
    ['cron(0 2 * 13 ? *)', 'month value 13'],
    ['cron(0 2 * * ? 2200)', 'year value 2200'],
    ['rate(0 minutes)', 'positive'],
    ['rate(5 weeks)', 'rate(value unit)'],
    ['at(2026-02-30T00:00:00)', 'not a date and time'],
    ['at(2026-02-01 00:00:00)', 'at(yyyy-mm-ddThh:mm:ss)'],
    ['every day', 'use at('],
  ])('refuses %s', (expression, why) => {
    expect(() => parseExpression(expression)).toThrow(why);
    expect(() => parseExpression(expression)).toThrow(`Invalid Schedule Expression ${expression}`);
  });
});

describe('rate() and at()', () => {
  it('rate: from the anchor (StartDate, or the last change), every period; days are 24 hours across DST', () => {
    const anchor = at('2026-03-28T12:00:00Z');
    expect(firings('rate(1 day)', 'Europe/Berlin', '2026-03-28T11:00:00Z', 3, anchor)).toEqual([
      '2026-03-28T12:00:00.000Z',
      '2026-03-29T12:00:00.000Z',
      '2026-03-30T12:00:00.000Z',
    ]);
    expect(firings('rate(5 minutes)', 'UTC', '2026-01-01T00:07:00Z', 2, at('2026-01-01T00:00:00Z'))).toEqual([
      '2026-01-01T00:10:00.000Z',
      '2026-01-01T00:15:00.000Z',
    ]);
  });

  it('at: once, at the wall time in the zone', () => {
    expect(firings('at(2026-07-01T09:30:00)', 'Europe/Berlin', '2026-06-01T00:00:00Z', 2)).toEqual([
      '2026-07-01T07:30:00.000Z',
    ]);
    expect(firings('at(2026-03-29T02:30:00)', 'Europe/Berlin', '2026-03-01T00:00:00Z', 1)).toEqual([]);
  });

  it('EndDate bounds recurring schedules', () => {
    const parsed = parseExpression('rate(1 hour)');
    const anchor = at('2026-01-01T00:00:00Z');
    expect(
      nextFiring(parsed, 'UTC', { anchor, endDate: at('2026-01-01T01:30:00Z') }, at('2026-01-01T01:00:00Z')),
    ).toBe(undefined);
  });
});
