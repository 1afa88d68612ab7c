/**
 * The conformance suite: every corpus case recorded on AWS, replayed on the engine, one test each,
 * in all three query languages (JSONata, Mixed, JSONPath). Every case must match its recording
 * unless skips.ts says why it cannot be replayed. Prints one summary line per query language, the
 * skipped cases with their reasons, and writes test-artifacts/conformance-report.json.
 */
import { afterAll, assert, describe, expect, it } from 'vitest';
import {
  CorpusMissing,
  corpusDir,
  type IndexRow,
  loadCase,
  loadIndex,
  type QueryLanguage,
  repoPath,
} from './corpus.ts';
import { LANGUAGES, mismatchGroups, skippedList, summaryLine, writeReport } from './report.ts';
import { type CaseReport, explain, runCase } from './runner.ts';
import { SKIPS } from './skips.ts';

let index: IndexRow[] = [];
let missing: CorpusMissing | undefined;
try {
  index = loadIndex();
} catch (error) {
  if (!(error instanceof CorpusMissing)) throw error;
  missing = error;
}

const reports: CaseReport[] = [];
const rows = (language: QueryLanguage): IndexRow[] => index.filter((r) => r.queryLanguage === language);

function skipReport(row: IndexRow): CaseReport | undefined {
  const skip = SKIPS.get(row.id);
  return skip && { id: row.id, queryLanguage: row.queryLanguage, status: 'skipped', detail: skip.reason };
}

afterAll(() => {
  if (missing) return;
  for (const language of LANGUAGES) console.log(summaryLine(language, reports));
  console.log(skippedList(reports));
  const groups = mismatchGroups(reports).slice(0, 12);
  if (groups.length > 0) {
    console.log(
      `Mismatch groups:\n${groups.map((g) => `  ${g.count} × ${g.key} (e.g. ${g.example})`).join('\n')}`,
    );
  }
  writeReport(repoPath('test-artifacts', 'conformance-report.json'), reports);
});

describe('the conformance corpus', () => {
  it('is found where the suite looks for it (CONFORMANCE_DIR or ../shared/conformance)', () => {
    if (missing) throw missing;
    expect(index.length, `cases listed in ${corpusDir()}/index.json`).toBeGreaterThan(0);
  });
});

// Without a corpus only the presence test above runs, and fails with the fix.
for (const language of LANGUAGES) {
  describe.runIf(!missing)(`${language} cases replay on the engine as AWS recorded them`, () => {
    for (const row of rows(language)) {
      const skipped = skipReport(row);
      if (skipped) {
        reports.push(skipped);
        continue;
      }
      it(`${row.id} matches its recording`, async () => {
        const report = await runCase(loadCase(row.id));
        reports.push(report);
        if (report.status !== 'passed') assert.fail(explain(report));
      });
    }
  });
}
