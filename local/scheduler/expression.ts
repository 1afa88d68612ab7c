/**
 * EventBridge Scheduler's schedule expressions, parsed once and evaluated in a time zone:
 * `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` and `cron(minutes hours day-of-month month
 * day-of-week year)` with `, - * / ? L W #`.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 *
 * Daylight saving time, as that page says: "When time shifts forward in the Spring, if a cron
 * expression falls on a non-existent date and time, your schedule invocation is skipped. When
 * time shifts backwards in the Fall, your schedule runs only once and does not repeat its
 * invocation." A skipped wall time names no instant (skipped); a repeated one fires at its first
 * occurrence only. A rate is a duration: "days" are 24 hours, whatever the clocks do.
 */
import { ScheduleExpressionError } from './errors.ts';
import { instantsOf, type WallTime, wallTime } from './zone.ts';

export type Expression =
  | { readonly kind: 'at'; readonly wall: WallTime }
  | { readonly kind: 'rate'; readonly periodMs: number }
  | { readonly kind: 'cron'; readonly fields: CronFields };

interface CronFields {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** Undefined: `*` (any year 1970-2199). */
  readonly years: ReadonlySet<number> | undefined;
  readonly day: DayRule;
}

type DayRule =
  | {
      readonly field: 'day-of-month';
      readonly days: ReadonlySet<number>;
      readonly last: boolean;
      readonly nearestWeekday?: number | 'L';
    }
  | {
      readonly field: 'day-of-week';
      /** 1 = Sunday ... 7 = Saturday. */
      readonly weekdays: ReadonlySet<number>;
      readonly lastOf?: number;
      readonly nth?: { readonly weekday: number; readonly n: number };
    };

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNITS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MAX_YEAR = 2199;

function fail(expression: string, why: string): never {
  throw new ScheduleExpressionError(`Invalid Schedule Expression ${expression}: ${why}`, expression);
}

export function parseExpression(expression: string): Expression {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(expression);
  if (!match) fail(expression, 'use at(yyyy-mm-ddThh:mm:ss), rate(value unit) or cron(fields).');
  const [, kind, body = ''] = match;
  if (kind === 'at') {
    const at = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
    if (!at) fail(expression, 'an at() expression is at(yyyy-mm-ddThh:mm:ss).');
    const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    if (
      check.getUTCMonth() !== month - 1 ||
      check.getUTCDate() !== day ||
      hour > 23 ||
      minute > 59 ||
      second > 59
    )
      fail(expression, `${body} is not a date and time.`);
    return { kind: 'at', wall: { year, month, day, hour, minute, second } };
  }
  if (kind === 'rate') {
    const rate = /^(\d+) (minute|minutes|hour|hours|day|days)$/.exec(body);
    if (!rate) fail(expression, 'a rate() expression is rate(value unit), unit minutes, hours or days.');
    const value = Number(rate[1]);
    if (!Number.isSafeInteger(value) || value < 1)
      fail(expression, 'the value must be a positive whole number.');
    const unit = UNITS[(rate[2] ?? '').replace(/s$/, '')] ?? 0;
    return { kind: 'rate', periodMs: value * unit };
  }
  return { kind: 'cron', fields: parseCron(expression, body) };
}

function parseCron(expression: string, body: string): CronFields {
  const parts = body.split(' ');
  if (parts.length !== 6 || parts.some((p) => p === ''))
    fail(
      expression,
      'a cron() expression has six fields: minutes hours day-of-month month day-of-week year.',
    );
  const [min = '', hour = '', dom = '', month = '', dow = '', year = ''] = parts;
  if ((dom === '?') === (dow === '?'))
    fail(expression, 'one of day-of-month and day-of-week must be ?, and only one.');
  return {
    minutes: numbers(expression, 'minutes', min, 0, 59),
    hours: numbers(expression, 'hours', hour, 0, 23),
    months: numbers(expression, 'month', month, 1, 12, MONTHS),
    years: year === '*' ? undefined : numbers(expression, 'year', year, 1970, MAX_YEAR),
    day: dom === '?' ? weekdayRule(expression, dow) : monthDayRule(expression, dom),
  };
}

function value(
  expression: string,
  field: string,
  text: string,
  min: number,
  max: number,
  names?: string[],
): number {
  const named = names?.indexOf(text.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) fail(expression, `${field} value ${text} is not in ${min}-${max}.`);
  return n;
}

/** A list of `*`, `n`, `a-b`, `*\/s`, `a/s` or `a-b/s` items. */
function numbers(
  expression: string,
  field: string,
  text: string,
  min: number,
  max: number,
  names?: string[],
): Set<number> {
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : value(expression, field, stepText, 1, max);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [min, max];
    else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [from, to] = [
        value(expression, field, a, min, max, names),
        value(expression, field, b, min, max, names),
      ];
      if (from > to) fail(expression, `${field} range ${range} runs backwards.`);
    } else {
      from = value(expression, field, range, min, max, names);
      to = stepText === undefined ? from : max;
    }
    for (let n = from; n <= to; n += step) out.add(n);
  }
  return out;
}

function monthDayRule(expression: string, text: string): DayRule {
  if (text === 'L') return { field: 'day-of-month', days: new Set(), last: true };
  if (text === 'LW') return { field: 'day-of-month', days: new Set(), last: false, nearestWeekday: 'L' };
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday)
    return {
      field: 'day-of-month',
      days: new Set(),
      last: false,
      nearestWeekday: value(expression, 'day-of-month', weekday[1] ?? '', 1, 31),
    };
  return { field: 'day-of-month', days: numbers(expression, 'day-of-month', text, 1, 31), last: false };
}

function weekdayRule(expression: string, text: string): DayRule {
  const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
  if (last)
    return {
      field: 'day-of-week',
      weekdays: new Set(),
      lastOf: value(expression, 'day-of-week', last[1] ?? '', 1, 7, WEEKDAYS),
    };
  if (text === 'L') return { field: 'day-of-week', weekdays: new Set([7]) };
  const nth = /^([A-Za-z]{3}|\d)#(\d)$/.exec(text);
  if (nth)
    return {
      field: 'day-of-week',
      weekdays: new Set(),
      nth: {
        weekday: value(expression, 'day-of-week', nth[1] ?? '', 1, 7, WEEKDAYS),
        n: value(expression, 'day-of-week', nth[2] ?? '', 1, 5),
      },
    };
  return { field: 'day-of-week', weekdays: numbers(expression, 'day-of-week', text, 1, 7, WEEKDAYS) };
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday ... 7 = Saturday. */
const weekdayOf = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

/** The weekday (Mon-Fri) nearest to `day` in its month, never crossing into another month. */
function nearestWeekday(year: number, month: number, day: number): number {
  const last = daysIn(year, month);
  const target = Math.min(day, last);
  const weekday = weekdayOf(year, month, target);
  if (weekday === 7) return target === 1 ? 3 : target - 1;
  if (weekday === 1) return target === last ? target - 2 : target + 1;
  return target;
}

function dayMatches(rule: DayRule, year: number, month: number, day: number): boolean {
  if (rule.field === 'day-of-month') {
    if (rule.last) return day === daysIn(year, month);
    if (rule.nearestWeekday !== undefined)
      return (
        day ===
        nearestWeekday(year, month, rule.nearestWeekday === 'L' ? daysIn(year, month) : rule.nearestWeekday)
      );
    return rule.days.has(day);
  }
  const weekday = weekdayOf(year, month, day);
  if (rule.lastOf !== undefined) return weekday === rule.lastOf && day + 7 > daysIn(year, month);
  if (rule.nth) return weekday === rule.nth.weekday && Math.ceil(day / 7) === rule.nth.n;
  return rule.weekdays.has(weekday);
}

/** The first cron firing strictly after `after` (epoch ms), or undefined when there is none. */
function nextCron(fields: CronFields, zone: string, after: number): number | undefined {
  const start = wallTime(zone, after);
  for (let year = start.year; year <= MAX_YEAR; year++) {
    if (fields.years && !fields.years.has(year)) continue;
    for (let month = year === start.year ? start.month : 1; month <= 12; month++) {
      if (!fields.months.has(month)) continue;
      const firstDay = year === start.year && month === start.month ? start.day : 1;
      for (let day = firstDay; day <= daysIn(year, month); day++) {
        if (!dayMatches(fields.day, year, month, day)) continue;
        for (const hour of [...fields.hours].sort((a, b) => a - b)) {
          for (const minute of [...fields.minutes].sort((a, b) => a - b)) {
            // A skipped wall time has no instant (not fired); a repeated one fires at its first.
            const [first] = instantsOf(zone, { year, month, day, hour, minute, second: 0 });
            if (first !== undefined && first > after) return first;
          }
        }
      }
    }
  }
  return undefined;
}

export interface Window {
  /** Epoch ms: the schedule's StartDate, or for a rate without one, when it was last created or updated. */
  readonly anchor: number;
  readonly startDate?: number;
  readonly endDate?: number;
}

/**
 * The first firing strictly after `after`, within StartDate and EndDate (EndDate is ignored for
 * at(), as AWS ignores it for one-time schedules). A rate fires at the anchor and every period
 * after it.
 */
export function nextFiring(
  expression: Expression,
  zone: string,
  window: Window,
  after: number,
): number | undefined {
  let next: number | undefined;
  if (expression.kind === 'at') {
    const [first] = instantsOf(zone, expression.wall);
    return first !== undefined && first > after ? first : undefined;
  }
  const from = Math.max(after, (window.startDate ?? Number.NEGATIVE_INFINITY) - 1);
  if (expression.kind === 'rate') {
    const periods = from < window.anchor ? 0 : Math.floor((from - window.anchor) / expression.periodMs) + 1;
    next = window.anchor + periods * expression.periodMs;
  } else next = nextCron(expression.fields, zone, from);
  if (next === undefined || (window.endDate !== undefined && next > window.endDate)) return undefined;
  return next;
}
