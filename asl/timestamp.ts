/**
 * The States Language's timestamps: what a Wait state's Timestamp and TimestampPath name, and
 * what Choice rules compare (TimestampEquals, ..., IsTimestamp). One parser for both.
 * States Language, "Timestamps": "strings which MUST conform to the RFC3339 profile of ISO 8601,
 * with the further restrictions that an uppercase 'T' character MUST be used to separate date and
 * time, and an uppercase 'Z' character MUST be present in the absence of a numeric time zone
 * offset, for example '2016-03-14T01:59:00Z'." https://states-language.net/spec.html#timestamps
 */

/** A point in time, exact to the nanosecond (RFC 3339 allows more digits than a JS Date keeps). */
export interface Instant {
  /** Seconds since 1970-01-01T00:00:00Z. */
  readonly seconds: number;
  /** 0 to 999,999,999. */
  readonly nanos: number;
}

// Fractional seconds: one to nine digits, as java.time's ISO parser accepts.
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** The instant a timestamp string names, or undefined when the string is not a timestamp. */
export function parseTimestamp(text: unknown): Instant | undefined {
  if (typeof text !== 'string') return undefined;
  const m = TIMESTAMP.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetSeconds(m[9], m[10], m[11]);
  if (offset === undefined) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second - offset;
  return { seconds, nanos: Number((m[7] ?? '').padEnd(9, '0')) };
}

/** The instant in milliseconds since the epoch (a clock's unit), digits past the millisecond dropped. */
export function toMillis(instant: Instant): number {
  return instant.seconds * 1000 + Math.floor(instant.nanos / 1_000_000);
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.seconds !== b.seconds ? a.seconds - b.seconds : a.nanos - b.nanos;
}

function offsetSeconds(sign?: string, hours?: string, minutes?: string): number | undefined {
  if (sign === undefined) return 0; // the 'Z' form
  const h = Number(hours);
  const min = Number(minutes);
  if (h > 23 || min > 59) return undefined;
  return (sign === '-' ? -1 : 1) * (h * 3_600 + min * 60);
}

function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
