/**
 * Compares one engine run with a case's expected.json: status, output, error, cause, the event
 * types in order, the condensed `states` view and the full events. Each aspect reports its first
 * difference, so a report says precisely where the engine leaves AWS's behaviour.
 */
import type { Expected } from './corpus.ts';
import { Bindings, brief, compareValue, type Mismatch, tryMatch } from './match.ts';
import {
  condenseStates,
  emulateParallelSort,
  isSortedMarker,
  type NormalEvent,
  normalizeCause,
} from './normalize.ts';

export type Aspect = 'status' | 'error' | 'cause' | 'output' | 'eventTypes' | 'states' | 'events';

export interface Finding extends Mismatch {
  readonly aspect: Aspect;
  /** For eventTypes/states/events: the index of the first differing entry. */
  readonly index?: number;
  /** For events: the type of the expected event at `index` (or the actual one past the end). */
  readonly eventType?: string;
}

/** What the engine produced, events already normalised. */
export interface ActualRun {
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly events: readonly NormalEvent[];
}

function runEnd(events: readonly Readonly<Record<string, unknown>>[], from: number): number {
  let end = from;
  while (end < events.length && isSortedMarker(events[end] ?? {})) end++;
  return end;
}

/**
 * README rule 8: inside a sorted Parallel sublist the order is the recorder's JSON-text order, not
 * AWS's. Reorders each sublist of the actual events to follow the expected one wherever an event
 * matches, so the sublists compare as multisets; unmatched events keep their order at the end.
 */
export function alignSortedRuns(
  expected: readonly NormalEvent[],
  actual: readonly NormalEvent[],
  bindings: Bindings,
): NormalEvent[] {
  const out = [...actual];
  for (let i = 0; i < Math.min(expected.length, out.length); i++) {
    if (!isSortedMarker(expected[i] as NormalEvent) || !isSortedMarker(out[i] as NormalEvent)) continue;
    const expectedEnd = runEnd(expected, i);
    const actualEnd = runEnd(out, i);
    const pool = out.slice(i, actualEnd);
    const ordered: NormalEvent[] = [];
    for (const want of expected.slice(i, expectedEnd)) {
      const k = pool.findIndex((got) => tryMatch(want, got, bindings));
      if (k >= 0) ordered.push(...pool.splice(k, 1));
    }
    out.splice(i, actualEnd - i, ...ordered, ...pool);
    i = Math.max(expectedEnd, actualEnd) - 1;
  }
  return out;
}

function compareList(
  aspect: Aspect,
  expected: readonly unknown[],
  actual: readonly unknown[],
  bindings: Bindings,
): Finding | undefined {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    if (i >= expected.length || i >= actual.length) {
      const reason = `expected ${expected.length} entries, got ${actual.length}`;
      return {
        aspect,
        index: i,
        path: `$.${aspect}[${i}]`,
        expected: expected[i],
        actual: actual[i],
        reason,
      };
    }
    const m = compareValue(expected[i], actual[i], bindings, `$.${aspect}[${i}]`);
    if (m) return { aspect, index: i, ...m };
  }
  return undefined;
}

function compareField(
  aspect: Aspect,
  has: boolean,
  expected: unknown,
  actual: unknown,
  bindings: Bindings,
): Finding | undefined {
  if (!has) {
    if (actual === undefined) return undefined;
    return { aspect, path: `$.${aspect}`, expected: undefined, actual, reason: `AWS reported no ${aspect}` };
  }
  const m = compareValue(expected, actual, bindings, `$.${aspect}`);
  return m ? { aspect, ...m } : undefined;
}

/** All aspects that differ, each with its first difference, in the order status … events. */
export function compareRun(
  expected: Expected,
  actual: ActualRun,
  options: { sortedParallel: boolean },
): Finding[] {
  const bindings = new Bindings();
  const findings: (Finding | undefined)[] = [];
  if (expected.status !== actual.status) {
    findings.push({
      aspect: 'status',
      path: '$.status',
      expected: expected.status,
      actual: actual.status,
      reason: 'status differs',
    });
  }
  findings.push(compareField('error', 'error' in expected, expected.error, actual.error, bindings));
  findings.push(
    compareField('cause', 'cause' in expected, expected.cause, normalizeCause(actual.cause), bindings),
  );
  if (expected.status === 'SUCCEEDED' || 'output' in expected) {
    findings.push(compareField('output', 'output' in expected, expected.output, actual.output, bindings));
  }
  if (expected.events !== undefined) {
    const wanted = expected.events;
    const got = options.sortedParallel
      ? alignSortedRuns(wanted, emulateParallelSort(actual.events), bindings)
      : actual.events;
    findings.push(
      compareList(
        'eventTypes',
        expected.eventTypes ?? [],
        got.map((e) => e.type),
        bindings,
      ),
    );
    findings.push(compareList('states', expected.states ?? [], condenseStates(got), bindings));
    const events = compareList('events', wanted, got, bindings);
    const at = events?.index ?? 0;
    const eventType = wanted[at]?.type ?? got[at]?.type;
    findings.push(events && eventType !== undefined ? { ...events, eventType } : events);
  }
  return findings.filter((f): f is Finding => f !== undefined);
}

/** One line per finding, e.g. `events[4] $.events[4].taskScheduledEventDetails.region: strings differ (expected … got …)`. */
export function describeFindings(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const where = f.index === undefined ? f.aspect : `${f.aspect}[${f.index}]`;
      return `${where} ${f.path}: ${f.reason} (expected ${brief(f.expected)}, got ${brief(f.actual)})`;
    })
    .join('\n');
}
