/**
 * Wall-clock time in an IANA time zone, from the platform's own time-zone data (Intl, ICU's copy
 * of the tz database that ships with Node): the offset at an instant, and the instants a wall time
 * names, none when a spring-forward skips it, two when a fall-back repeats it.
 */

const formats = new Map<string, Intl.DateTimeFormat>();

function format(zone: string): Intl.DateTimeFormat {
  let found = formats.get(zone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(zone, found);
  }
  return found;
}

/** An IANA zone name the platform knows (`Europe/Berlin`, `UTC`); offsets such as `+01:00` are not zones. */
export function isTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    format(zone);
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  readonly year: number;
  /** 1-12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export function wallTime(zone: string, instant: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of format(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const asUtc = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in summer: 7,200,000). */
export function offsetAt(zone: string, instant: number): number {
  return asUtc(wallTime(zone, Math.floor(instant / 1000) * 1000)) - Math.floor(instant / 1000) * 1000;
}

const DAY = 86_400_000;

/**
 * The instants at which the zone's clocks show `wall`, earliest first: none for a time a
 * spring-forward skips, two for a time a fall-back repeats.
 */
export function instantsOf(zone: string, wall: WallTime): number[] {
  const local = asUtc(wall);
  const offsets = new Set([offsetAt(zone, local - DAY), offsetAt(zone, local), offsetAt(zone, local + DAY)]);
  const found = new Set<number>();
  for (const offset of offsets) {
    const candidate = local - offset;
    if (asUtc(wallTime(zone, candidate)) === local) found.add(candidate);
  }
  return [...found].sort((a, b) => a - b);
}
