/** The suite's summary: one line per query language and a JSON report with every case. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Finding } from './compare.ts';
import type { QueryLanguage } from './corpus.ts';
import { brief } from './match.ts';
import type { CaseReport, CaseStatus } from './runner.ts';

export const LANGUAGES: readonly QueryLanguage[] = ['JSONata', 'Mixed', 'JSONPath'];

export type Tally = Record<CaseStatus, number> & { total: number };

export function tally(reports: readonly CaseReport[]): Tally {
  const t: Tally = { total: 0, passed: 0, failed: 0, refused: 0, crashed: 0, hung: 0, skipped: 0 };
  for (const r of reports) {
    t.total++;
    t[r.status]++;
  }
  return t;
}

/** e.g. `conformance JSONata: 120/134 passed, 2 skipped, 10 failed, 2 refused`. */
export function summaryLine(language: QueryLanguage, reports: readonly CaseReport[]): string {
  const t = tally(reports.filter((r) => r.queryLanguage === language));
  const rest = (['skipped', 'failed', 'refused', 'crashed', 'hung'] as const)
    .filter((k) => t[k] > 0 || k === 'skipped')
    .map((k) => `${t[k]} ${k}`);
  return `conformance ${language}: ${t.passed}/${t.total} passed, ${rest.join(', ')}`;
}

/** The skipped cases, grouped by reason, each group with its count and cases, per query language. */
export function skippedList(reports: readonly CaseReport[]): string {
  const groups = new Map<string, string[]>();
  for (const r of reports) {
    if (r.status !== 'skipped') continue;
    const key = `${r.queryLanguage}: ${r.detail ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), r.id]);
  }
  const lines = [...groups].map(
    ([reason, ids]) => `  ${ids.length} × ${reason}\n${ids.map((id) => `      ${id}`).join('\n')}`,
  );
  return `conformance skipped (not replayable, with the reason):\n${lines.join('\n')}`;
}

/** e.g. `events EvaluationFailed.previousEventId: values differ`; indexes dropped so like groups with like. */
function groupKey(f: Finding): string {
  const where = f.path.replace(/^\$\.\w+(\[\d+\])?/, '').replace(/\[\d+\]/g, '[]');
  const reason = f.reason.replace(/\d+/g, 'N');
  if (f.aspect === 'eventTypes') return `eventTypes: expected ${brief(f.expected)}, got ${brief(f.actual)}`;
  return `${f.aspect} ${f.eventType ?? ''}${where}: ${reason}`;
}

/** Failed cases grouped by aspect and event type or path, most frequent first: where to look next. */
export function mismatchGroups(
  reports: readonly CaseReport[],
): { key: string; count: number; example: string }[] {
  const groups = new Map<string, { count: number; example: string }>();
  for (const r of reports) {
    if (r.status === 'passed' || r.status === 'skipped') continue;
    const first = r.findings?.[0];
    const key = first
      ? groupKey(first)
      : `${r.status}: ${(r.detail ?? '')
          .replace(/'[^']*'/g, "'…'")
          .replace(/ at \/\S*/g, '')
          .replace(/\d+/g, 'N')
          .slice(0, 120)}`;
    const g = groups.get(key) ?? { count: 0, example: r.id };
    g.count++;
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => ({ key, ...g })).sort((a, b) => b.count - a.count);
}

export function writeReport(path: string, reports: readonly CaseReport[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const summary = Object.fromEntries(
    LANGUAGES.map((l) => [l, tally(reports.filter((r) => r.queryLanguage === l))]),
  );
  const cases = reports.map((r) => ({
    id: r.id,
    queryLanguage: r.queryLanguage,
    status: r.status,
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
    ...(r.findings?.[0] ? { firstMismatch: r.findings[0] } : {}),
    ...(r.findings && r.findings.length > 1
      ? { otherAspects: r.findings.slice(1).map((f) => f.aspect) }
      : {}),
    ...(r.replayProblems ? { replayProblems: r.replayProblems } : {}),
    ...(r.millis !== undefined ? { millis: r.millis } : {}),
  }));
  writeFileSync(path, `${JSON.stringify({ summary, groups: mismatchGroups(reports), cases }, null, 2)}\n`);
}
