/**
 * Loading the conformance corpus (cases recorded on AWS; see its README.md). The corpus lives
 * outside the repository, at `../shared/conformance` from the repository root, unless the
 * environment variable CONFORMANCE_DIR names another directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type QueryLanguage = 'JSONata' | 'JSONPath' | 'Mixed';
export type ExecutionStatus = 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One row of index.json. */
export interface IndexRow {
  readonly id: string;
  readonly status: ExecutionStatus;
  readonly queryLanguage: QueryLanguage;
  readonly needs: readonly string[];
  readonly historyRecorded: boolean;
}

export interface CaseMeta {
  readonly id: string;
  readonly queryLanguage: QueryLanguage;
  readonly stateMachineType: 'STANDARD' | 'EXPRESS';
  readonly needs: readonly string[];
  readonly features: readonly string[];
  readonly historyRecorded: boolean;
  readonly replayable: boolean;
  readonly notes: readonly string[];
}

/** expected.json; `events` are in the normalised form of the README. */
export interface Expected {
  readonly status: ExecutionStatus;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: unknown;
  readonly eventTypes?: readonly string[];
  readonly states?: readonly unknown[];
  readonly events?: readonly (Record<string, unknown> & { readonly type: string })[];
}

export interface CorpusCase {
  readonly id: string;
  readonly dir: string;
  readonly definitionText: string;
  readonly input: unknown;
  readonly expected: Expected;
  readonly meta: CaseMeta;
}

export class CorpusMissing extends Error {
  override name = 'CorpusMissing';
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the corpus is: CONFORMANCE_DIR, else `../shared/conformance` from the repository root. */
export function corpusDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONFORMANCE_DIR
    ? resolve(env.CONFORMANCE_DIR)
    : resolve(repoRoot, '..', 'shared', 'conformance');
}

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

/** The cases listed in index.json; throws CorpusMissing with the fix when there is no corpus. */
export function loadIndex(dir = corpusDir()): IndexRow[] {
  const path = join(dir, 'index.json');
  if (!existsSync(path)) {
    throw new CorpusMissing(
      `No conformance corpus at ${dir} (index.json not found). Put the corpus at ../shared/conformance ` +
        'next to the repository, or set CONFORMANCE_DIR to its directory.',
    );
  }
  const rows = readJson(path);
  if (!Array.isArray(rows)) throw new CorpusMissing(`${path} is not a JSON array of cases`);
  return rows as IndexRow[];
}

export function loadCase(id: string, dir = corpusDir()): CorpusCase {
  const caseDir = join(dir, 'cases', id);
  return {
    id,
    dir: caseDir,
    definitionText: readFileSync(join(caseDir, 'definition.asl.json'), 'utf8'),
    input: readJson(join(caseDir, 'input.json')),
    expected: readJson(join(caseDir, 'expected.json')) as Expected,
    meta: readJson(join(caseDir, 'meta.json')) as CaseMeta,
  };
}

/** README rule 8: the recorder sorted the events inside Parallel states of this case. */
export function hasSortedParallelEvents(meta: CaseMeta): boolean {
  return meta.notes.some((n) => n.startsWith('parallel-branch events were sorted'));
}

/** For `clock` cases: the instant the corpus froze the clock at when it extracted the input. */
export function frozenClock(meta: CaseMeta): Date | undefined {
  if (!meta.needs.includes('clock')) return undefined;
  const note = meta.notes.find((n) => n.includes('clock frozen at'));
  const at = note?.match(/clock frozen at (\S+Z)/)?.[1];
  return at === undefined ? undefined : new Date(at);
}
