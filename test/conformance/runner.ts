/**
 * Runs one corpus case on the engine with its recorded service answers and compares the result
 * with what AWS recorded.
 */
import {
  DefinitionErrors,
  type ExecutionResult,
  parseDefinition,
  runExecution,
  type StateMachineDefinition,
  TaskTokens,
  VirtualClock,
} from '../../asl/index.ts';
import { type ActualRun, compareRun, describeFindings, type Finding } from './compare.ts';
import { type CorpusCase, frozenClock, hasSortedParallelEvents, type QueryLanguage } from './corpus.ts';
import { normalizeEvents } from './normalize.ts';
import { ReplayRegistry } from './replay.ts';

/**
 * passed: every aspect matches; failed: some aspect differs; refused: parseDefinition rejected a
 * definition AWS accepted; crashed: the engine threw; hung: no result within the wall-clock limit.
 */
export type CaseStatus = 'passed' | 'failed' | 'refused' | 'crashed' | 'hung' | 'skipped';

export interface CaseReport {
  readonly id: string;
  readonly queryLanguage: QueryLanguage;
  readonly status: CaseStatus;
  /** The skip reason, the refusal, the crash, or the first finding, in one line. */
  readonly detail?: string;
  readonly findings?: readonly Finding[];
  readonly replayProblems?: readonly string[];
  readonly millis?: number;
}

/** Wall-clock limit per execution; virtual time makes every recorded wait instant. */
export const CASE_TIME_LIMIT_MS = 5_000;

/** Execution identity used for every case; the corpus has placeholders wherever these show. */
const IDENTITY = {
  name: 'conformance-execution',
  stateMachineName: 'ConformanceStateMachine',
  roleArn: 'arn:aws:iam::111111111111:role/ConformanceRole',
  region: 'us-east-1',
  account: '111111111111',
} as const;

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/\s+/g, ' ').slice(0, 400);
}

async function execute(
  c: CorpusCase,
  definition: StateMachineDefinition,
  tasks: ReplayRegistry,
  tokens: TaskTokens,
) {
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'hung'>((resolve) => {
    timer = setTimeout(() => {
      stop.abort();
      resolve('hung');
    }, CASE_TIME_LIMIT_MS);
  });
  const start = frozenClock(c.meta);
  try {
    return await Promise.race([
      runExecution({
        ...IDENTITY,
        definition,
        input: c.input,
        tasks,
        tokens,
        type: c.meta.stateMachineType,
        // The express-sync cases were started with StartSyncExecution (their meta notes say so).
        synchronous: c.meta.notes.some((n) => n.startsWith('express-sync')),
        clock: new VirtualClock({ autoAdvance: true, ...(start ? { start } : {}) }),
        signal: stop.signal,
      }),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function actualRun(result: ExecutionResult): ActualRun {
  return {
    status: result.status,
    ...('output' in result ? { output: result.output } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    ...(result.cause !== undefined ? { cause: result.cause } : {}),
    events: normalizeEvents(result.events),
  };
}

/** Runs a case. Engine failures become the report's status; only the harness's own bugs throw. */
export async function runCase(c: CorpusCase): Promise<CaseReport> {
  const base = { id: c.id, queryLanguage: c.meta.queryLanguage };
  let definition: StateMachineDefinition;
  try {
    definition = parseDefinition(c.definitionText);
  } catch (error) {
    if (error instanceof DefinitionErrors) return { ...base, status: 'refused', detail: oneLine(error) };
    return { ...base, status: 'crashed', detail: `parseDefinition threw ${oneLine(error)}` };
  }
  const tokens = new TaskTokens();
  const tasks = new ReplayRegistry(c.expected.events ?? [], {
    answerToken: (token, result) =>
      result.ok ? tokens.succeed(token, result.output) : tokens.fail(token, result.failure),
  });
  const began = performance.now();
  let result: ExecutionResult | 'hung';
  try {
    result = await execute(c, definition, tasks, tokens);
  } catch (error) {
    return { ...base, status: 'crashed', detail: `runExecution threw ${oneLine(error)}` };
  }
  const millis = Math.round(performance.now() - began);
  const replayProblems = tasks.problems.length > 0 ? { replayProblems: [...tasks.problems] } : {};
  if (result === 'hung') {
    return {
      ...base,
      status: 'hung',
      detail: `no result after ${CASE_TIME_LIMIT_MS} ms of wall-clock time`,
      millis,
      ...replayProblems,
    };
  }
  const findings = compareRun(c.expected, actualRun(result), {
    sortedParallel: hasSortedParallelEvents(c.meta),
  });
  if (findings.length === 0) return { ...base, status: 'passed', millis };
  return {
    ...base,
    status: 'failed',
    detail: describeFindings(findings.slice(0, 1)),
    findings,
    millis,
    ...replayProblems,
  };
}

/** The full failure text for an assertion message. */
export function explain(report: CaseReport): string {
  const lines = [`${report.id}: ${report.status}`];
  if (report.findings) lines.push(describeFindings(report.findings));
  else if (report.detail) lines.push(report.detail);
  if (report.replayProblems) lines.push(...report.replayProblems.map((p) => `replay: ${p}`));
  return lines.join('\n');
}
