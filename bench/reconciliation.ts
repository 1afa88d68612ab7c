/**
 * The nightly reconciliation on the local cloud, timed on a full table pair: N items in DynamoDB
 * and the same N rows in PostgreSQL, one row changed behind the sync's back, against the I/O
 * floor of any full comparison measured in the same run.
 *
 * - data: ITEMS items (default 100,000; `--items N`, `--quick` 10,000), about 1 connection per 20
 *   resources, 300 to 800 bytes each, `updatedAt` in the past; written with BatchWriteItem while
 *   both pipes are stopped, and the rows the pipes would write put straight into PostgreSQL with
 *   stream-sync's upsertStatement (workflows/projections.ts) in batches through `pg`. Then one
 *   resource row is changed (UPDATE of its name at the same version).
 * - run: StartExecution with the watermark at now (scheduledTime = now + the lag), DescribeExecution
 *   every 50 ms until it ends: `seconds`, and what it reports (expected, printed, never asserted:
 *   REPAIRED, 1 mismatching bucket, 1 key repaired). Then a second, clean run: `clean_seconds`.
 * - floor, on the same tables after the runs: a bare parallel Scan per table (4 segments, tables one
 *   after the other as the workflow does them), once with the workflow's Limit 100 and once with
 *   DynamoDB's 1 MB pages, and a bare `SELECT *` of both tables through `pg`. The workflow scans,
 *   stages, then compares per table, one table after the other, so the floor is sequential:
 *   floor_seconds = the faster scan + the select. vs_floor = seconds / floor_seconds.
 * - memory: the same runs first at SMALL items (10,000, or a tenth of `--quick`'s; the first items of
 *   the same set), then at ITEMS. The engine, dynalite and the Data API run in this process: its
 *   RSS is sampled every 100 ms during each run. rss_growth_mb = (peak - RSS at the start of the run)
 *   at ITEMS minus the same at SMALL; the raw peaks are printed too (they differ also by the items
 *   loaded in between, which dynalite holds in this process).
 * - where the time goes: per state and per task call from the run's history, per statement from
 *   pg_stat_statements, CPU seconds of this process and of PostgreSQL per run, and with
 *   `--profile FILE` a V8 CPU profile of this process during the clean run at ITEMS (written to
 *   FILE, self time per module printed).
 * - PostgreSQL: pg_stat_statements (preloaded by a restart of the embedded server before the
 *   deploy) over each run at ITEMS: calls, rows and time per statement; and the rows the Data API
 *   answered, counted from the run's history (FormattedRecords of every executeStatement).
 * - cost of one run at ITEMS at list prices (us-east-1, printed with the figures used): state
 *   transitions (the history's *StateEntered events), the scan's Express child executions
 *   (requests, and duration bounded by the Scan state's time with every slot busy), the Scan's
 *   read request units (the Limit 100 floor scan's ConsumedCapacity: the same pages), Data API
 *   requests (metered per 32 KB of request; the staging ones estimated from the same pages, as the
 *   children keep no history), GetItem reads of the repairs.
 *
 * Last line: one JSON object with every figure. Goals (printed, never asserted): vs_floor <= 1.5,
 * rss_growth_mb <= 64.
 * Run: npm run bench:reconciliation -- [--items N] [--quick] [--small N] [--profile FILE]
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DescribePipeCommand, PipesClient, StopPipeCommand } from '@aws-sdk/client-pipes';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import pg from 'pg';
import { startLocalCloud } from '../local/cloud.ts';
import { deployLocally } from '../local/deploy.ts';
import { PROJECTIONS, type ProjectedTableId, upsertStatement } from '../workflows/projections.ts';
import { reconciliation } from '../workflows/reconciliation/workflow.ts';
import { SETTINGS } from '../workflows/wiring.ts';
import { databaseUrl, makeItems, type Written } from './items.ts';

const { values: flags } = parseArgs({
  options: {
    items: { type: 'string' },
    quick: { type: 'boolean', default: false },
    small: { type: 'string' },
    profile: { type: 'string' },
    'in-flight': { type: 'string', default: '8' },
  },
});
const ITEMS = Number(flags.items ?? (flags.quick ? 10_000 : 100_000));
const SMALL = Number(flags.small ?? (ITEMS > 10_000 ? 10_000 : Math.floor(ITEMS / 10)));
const IN_FLIGHT = Number(flags['in-flight']);
/** Where to write a V8 CPU profile of this process during the clean run at ITEMS (`--profile FILE`). */
const PROFILE = flags.profile;
/** Rows per upsert when PostgreSQL is loaded directly. */
const LOAD_BATCH = 1000;
const SEGMENTS = Number(SETTINGS.reconciliationScanConcurrency);
const LAG_S = Number(SETTINGS.maxStreamLagSeconds);
/** The workflow's Scan page (definition.asl.json, Scan* states). */
const WORKFLOW_PAGE = 100;
/** The stage statement and the request's other members, in bytes (about; projections.ts). */
const STAGE_STATEMENT_BYTES = 2_500;
/** A run that takes longer than this is stuck, not slow. */
const WAIT_LIMIT_MS = Number(process.env.BENCH_WAIT_LIMIT_MS ?? 1_800_000);

/** List prices, us-east-1, as used here (printed with the cost). */
const PRICE = {
  /** Step Functions Standard, per state transition ($0.025 per 1,000). */
  transition: 0.025 / 1000,
  /** DynamoDB on-demand, Standard table class, per read request unit ($0.125 per million). */
  rru: 0.125 / 1e6,
  /** Step Functions Express, per request ($1.00 per million): each child execution of the scan. */
  expressRequest: 1 / 1e6,
  /** Step Functions Express, per GB-second of duration, first 1,000 GB-hours ($0.00001667), 64 MB chunks. */
  expressGbSecond: 0.00001667,
  expressChunkGb: 64 / 1024,
  /** RDS Data API, per request of up to 32 KB, first billion a month ($0.35 per million). */
  dataApiRequest: 0.35 / 1e6,
  dataApiUnitBytes: 32 * 1024,
};

/** The benchmark's own setup failed: the stack is broken, not slow. */
class BenchmarkFailed extends Error {
  override name = 'BenchmarkFailed';
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => bytes / (1024 * 1024);

/**
 * Preloads pg_stat_statements: ALTER SYSTEM, then a restart of the embedded server (the Data API
 * reconnects). False when that is not possible (DATABASE_URL names another server).
 */
async function preloadStatementStats(
  cloud: Awaited<ReturnType<typeof startLocalCloud>>,
  dataDir: string,
): Promise<boolean> {
  if (process.env.DATABASE_URL) return false;
  const admin = new pg.Client({ connectionString: await databaseUrl(dataDir, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
    await admin.query(`ALTER SYSTEM SET pg_stat_statements.track_utility = off`);
  } finally {
    await admin.end();
  }
  await cloud.database.stop();
  await cloud.database.start();
  return true;
}

/** The workflow's upsert with pg's placeholder for its one parameter. */
const upserts = {
  connections: upsertStatement(PROJECTIONS.connections).replace(':rows', '$1'),
  resources: upsertStatement(PROJECTIONS.resources).replace(':rows', '$1'),
};

/** The rows the pipes would write: stream-sync's Prepare state's records, upserted in batches. */
async function loadPostgres(db: pg.Client, items: readonly Written[]): Promise<void> {
  for (const table of Object.keys(upserts) as ProjectedTableId[]) {
    const rows = items
      .filter((w) => w.table === table)
      .map(({ item }) => ({
        image: item,
        __version: item.version?.N,
        __deleted: false,
        __expired: false,
        __updated_at: item.updatedAt?.S,
      }));
    for (let at = 0; at < rows.length; at += LOAD_BATCH)
      await db.query(upserts[table], [JSON.stringify(rows.slice(at, at + LOAD_BATCH))]);
  }
  await db.query('VACUUM ANALYZE connections, resources');
}

/** Writes the items with BatchWriteItem, 25 a request, IN_FLIGHT requests in flight. */
async function writeAll(dynamodb: DynamoDBClient, tables: Record<string, string>, items: readonly Written[]) {
  const requests: Record<string, WriteRequest[]>[] = [];
  for (let at = 0; at < items.length; at += 25) {
    const request: Record<string, WriteRequest[]> = {};
    for (const { table, item } of items.slice(at, at + 25)) {
      const name = tables[table] ?? table;
      const list = request[name] ?? [];
      list.push({ PutRequest: { Item: item } });
      request[name] = list;
    }
    requests.push(request);
  }
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      let request: Record<string, WriteRequest[]> | undefined = requests[next++];
      while (request && Object.keys(request).length > 0) {
        const out = await dynamodb.send(new BatchWriteItemCommand({ RequestItems: request }));
        request = out.UnprocessedItems;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
}

/** Loads both stores, then changes one resource row behind the sync's back. */
async function load(
  dynamodb: DynamoDBClient,
  tables: Record<string, string>,
  db: pg.Client,
  items: readonly Written[],
): Promise<{ dynamoS: number; postgresS: number }> {
  let started = performance.now();
  await writeAll(dynamodb, tables, items);
  const dynamoS = (performance.now() - started) / 1000;
  started = performance.now();
  await loadPostgres(db, items);
  const postgresS = (performance.now() - started) / 1000;
  return { dynamoS, postgresS };
}

async function tamper(db: pg.Client, items: readonly Written[]): Promise<string> {
  const victim = items.filter((w) => w.table === 'resources')[Math.floor(items.length / 3)];
  const resourceId = victim?.item.resourceId?.S;
  const { rowCount } = await db.query(
    `UPDATE resources SET name = name || ' (renamed behind the sync)' WHERE connection_id = $1 AND resource_id = $2`,
    [victim?.item.connectionId?.S, resourceId],
  );
  if (rowCount !== 1) throw new BenchmarkFailed(`the row to change (${resourceId}) is not in PostgreSQL`);
  return resourceId ?? '';
}

/** Peak RSS and heap while `during` runs, sampled every 100 ms, and the CPU it took. */
async function measured<T>(
  dataDir: string,
  during: () => Promise<T>,
): Promise<{ value: T; peak: number; before: number; heap: number; cpu: number; pgCpu: number }> {
  collect();
  const before = process.memoryUsage.rss();
  let peak = before;
  let heap = process.memoryUsage().heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(sample, 100);
  const cpuBefore = process.cpuUsage();
  const pgBefore = await postgresCpu(await postgresPids(dataDir));
  try {
    const value = await during();
    sample();
    const cpu = process.cpuUsage(cpuBefore);
    // Backends started during the run are counted whole (the Data API's pool keeps its own).
    const pgCpu = (await postgresCpu(await postgresPids(dataDir))) - pgBefore;
    return { value, peak, before, heap, cpu: (cpu.user + cpu.system) / 1e6, pgCpu };
  } finally {
    clearInterval(timer);
  }
}

/** CPU seconds of these processes so far (Linux: /proc/<pid>/schedstat, nanoseconds on CPU). */
async function postgresCpu(pids: readonly number[]): Promise<number> {
  let ns = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/schedstat`, 'utf8').catch(() => '0');
    ns += Number(stat.split(' ')[0]) || 0;
  }
  return ns / 1e9;
}

/** The embedded server's postmaster (postmaster.pid's first line) and its children. */
async function postgresPids(dataDir: string): Promise<number[]> {
  const pidFile = await readFile(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'), 'utf8').catch(
    () => '',
  );
  const postmaster = Number(pidFile.split('\n')[0]);
  if (!Number.isInteger(postmaster) || postmaster <= 0) return [];
  const pids = [postmaster];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) pids.push(Number(entry));
  }
  return pids;
}

/** A V8 CPU profile as the inspector returns it (the fields read here). */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
  }[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

/** Runs `during` under the V8 CPU profiler of this process, and writes the profile to `file`. */
async function profiled<T>(
  file: string | undefined,
  during: () => Promise<T>,
): Promise<{ value: T; profile?: CpuProfile }> {
  if (file === undefined) return { value: await during() };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    const value = await during();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return { value, profile: profile as CpuProfile };
  } finally {
    session.disconnect();
  }
}

/** Self time per package (node_modules) or project directory, largest first. */
function selfTimeByModule(profile: CpuProfile): [string, number][] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  const samples = profile.samples ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = nodes.get(samples[i] ?? -1)?.callFrame;
    const url = frame?.url ?? '';
    const module =
      url === ''
        ? `(${frame?.functionName || 'native'})`
        : (url.match(/node_modules\/((@[^/]+\/)?[^/]+)/)?.[1] ??
          url
            .match(/\/(asl|local|workflows|bench)\/([^/]+)/)
            ?.slice(1, 3)
            .join('/') ??
          (url.startsWith('node:') ? url : 'other'));
    totals.set(module, (totals.get(module) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1e6);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

interface Run {
  readonly executionArn: string;
  readonly seconds: number;
  readonly output: ReturnType<typeof reconciliation.output.parse>;
  readonly peak: number;
  readonly before: number;
  /** Peak heapUsed. */
  readonly heap: number;
  /** CPU seconds of this process (engine, dynalite, Data API, SDK clients) and of PostgreSQL. */
  readonly cpu: number;
  readonly pgCpu: number;
}

/** One reconciliation with its watermark at now, timed from StartExecution to its end. */
async function reconcile(sfn: SFNClient, stateMachineArn: string, dataDir: string): Promise<Run> {
  const { value, ...figures } = await measured(dataDir, async () => {
    const started = performance.now();
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn,
        input: JSON.stringify({ scheduledTime: new Date(Date.now() + LAG_S * 1000).toISOString() }),
      }),
    );
    for (;;) {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status !== 'RUNNING') {
        const seconds = (performance.now() - started) / 1000;
        if (out.status !== 'SUCCEEDED')
          throw new BenchmarkFailed(`the reconciliation ${out.status}: ${out.error}: ${out.cause}`);
        return {
          executionArn: executionArn ?? '',
          seconds,
          output: reconciliation.output.parse(JSON.parse(out.output ?? '{}')),
        };
      }
      if (performance.now() - started > WAIT_LIMIT_MS)
        throw new BenchmarkFailed(`the reconciliation is still running after ${WAIT_LIMIT_MS} ms`);
      await sleep(50);
    }
  });
  return { ...value, ...figures };
}

/** Time, CPU and memory of a run. */
const effort = (run: Run) =>
  `${run.seconds.toFixed(2)} s (CPU: this process ${run.cpu.toFixed(1)} s, PostgreSQL ${run.pgCpu.toFixed(1)} s; ` +
  `peak RSS ${mb(run.peak).toFixed(0)} MB, ${mb(run.peak - run.before).toFixed(0)} MB above the start; peak heap ${mb(run.heap).toFixed(0)} MB)`;

function verdict(run: Run, expect: 'REPAIRED' | 'CLEAN'): string {
  const resources = run.output.tables.find((t) => t.table === 'resources');
  const connections = run.output.tables.find((t) => t.table === 'connections');
  const scanned = run.output.tables.reduce((n, t) => n + (t.itemsScanned ?? 0), 0);
  const mismatched = run.output.tables.reduce((n, t) => n + (t.bucketsMismatched ?? 0), 0);
  const repaired = run.output.tables.reduce((n, t) => n + (t.keysRepaired ?? 0), 0);
  const ok =
    run.output.outcome === expect &&
    mismatched === (expect === 'REPAIRED' ? 1 : 0) &&
    repaired === (expect === 'REPAIRED' ? 1 : 0) &&
    connections?.outcome === 'CLEAN';
  return (
    `${run.output.outcome}, ${scanned} items scanned, buckets compared ${run.output.tables
      .map((t) => `${t.table} ${t.bucketsCompared}`)
      .join(', ')}, ${mismatched} mismatching, ${repaired} key(s) repaired ` +
    `(resources ${resources?.outcome}) -> ${ok ? 'as expected' : `NOT AS EXPECTED (wanted ${expect})`}`
  );
}

/** The whole history of an execution, oldest first. */
async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

interface HistoryFigures {
  /** Events, and their size as GetExecutionHistory returns them (with execution data). */
  readonly events: number;
  readonly historyBytes: number;
  /** *StateEntered events: what Standard workflows bill as state transitions. */
  readonly transitions: number;
  /** Calls per `resourceType:resource`. */
  readonly calls: Record<string, number>;
  /** executeStatement calls, and the same metered in 32 KB units of request payload. */
  readonly dataApiCalls: number;
  readonly dataApiUnits: number;
  /** Records the Data API answered (FormattedRecords), per statement kind. */
  readonly dataApiRows: Record<string, number>;
  /** Per state name: entries, summed seconds from StateEntered to StateExited. */
  readonly states: Record<string, { n: number; s: number }>;
  /** The Scan Map Runs' child executions: one per segment, one result each in the Scan's output. */
  readonly scanChildren: number;
  /** Per `resourceType:resource`: summed seconds from TaskScheduled to TaskSucceeded. */
  readonly tasks: Record<string, { n: number; s: number }>;
}

/** What a statement is, from its first words (workflows/projections.ts and the definition). */
function statementKind(sql: string): string {
  if (sql.startsWith('INSERT INTO reconciliation_items')) return 'stage';
  if (sql.startsWith('WITH d AS (SELECT bucket')) return 'compare';
  if (sql.startsWith('WITH d AS (SELECT key')) return 'drift';
  if (sql.startsWith('INSERT INTO reconciliation_runs')) return 'begin';
  if (sql.startsWith('WITH r AS (UPDATE reconciliation_runs')) return 'report';
  if (/^INSERT INTO (connections|resources) /.test(sql)) return 'upsert (repair)';
  if (sql.startsWith('UPDATE reconciliation_runs')) return 'record failure';
  return 'other';
}

function analyse(events: readonly HistoryEvent[]): HistoryFigures {
  const at = (e: HistoryEvent) => e.timestamp?.getTime() ?? 0;
  const origin = new Map<number, { name: string; entered: number; kind?: string; scheduled?: number }>();
  const calls: Record<string, number> = {};
  const dataApiRows: Record<string, number> = {};
  const states: Record<string, { n: number; s: number }> = {};
  const tasks: Record<string, { n: number; s: number }> = {};
  const add = (into: Record<string, { n: number; s: number }>, key: string, s: number) => {
    const entry = into[key] ?? { n: 0, s: 0 };
    entry.n += 1;
    entry.s += s;
    into[key] = entry;
  };
  let transitions = 0;
  let scanChildren = 0;
  let dataApiUnits = 0;
  let dataApiCalls = 0;
  for (const e of events) {
    const id = e.id ?? 0;
    const type = e.type ?? '';
    const from = origin.get(e.previousEventId ?? -1);
    if (type.endsWith('StateEntered')) {
      transitions++;
      origin.set(id, { name: e.stateEnteredEventDetails?.name ?? '?', entered: at(e) });
      continue;
    }
    if (from === undefined) continue;
    const here = { ...from };
    if (type === 'TaskScheduled') {
      const d = e.taskScheduledEventDetails;
      const resource = `${d?.resourceType}:${d?.resource}`;
      calls[resource] = (calls[resource] ?? 0) + 1;
      here.scheduled = at(e);
      here.kind = resource;
      if (resource.includes('rdsdata')) {
        dataApiCalls++;
        const parameters = d?.parameters ?? '';
        dataApiUnits += Math.max(1, Math.ceil(Buffer.byteLength(parameters) / PRICE.dataApiUnitBytes));
        const sql = (JSON.parse(parameters || '{}') as { Sql?: string }).Sql ?? '';
        here.kind = `rdsdata:${statementKind(sql)}`;
      }
    } else if (type === 'TaskSucceeded' && here.kind !== undefined) {
      add(tasks, here.kind, (at(e) - (here.scheduled ?? at(e))) / 1000);
      if (here.kind.startsWith('rdsdata:')) {
        const output = JSON.parse(e.taskSucceededEventDetails?.output ?? '{}') as {
          FormattedRecords?: string;
        };
        const records = JSON.parse(output.FormattedRecords ?? '[]') as unknown[];
        dataApiRows[here.kind] = (dataApiRows[here.kind] ?? 0) + records.length;
      }
    } else if (type.endsWith('StateExited')) {
      add(states, from.name, (at(e) - from.entered) / 1000);
      if (type === 'MapStateExited' && from.name === 'Scan') {
        scanChildren += (JSON.parse(e.stateExitedEventDetails?.output ?? '[]') as unknown[]).length;
      }
    }
    origin.set(id, here);
  }
  return {
    events: events.length,
    historyBytes: events.reduce((n, e) => n + JSON.stringify(e).length, 0),
    transitions,
    calls,
    dataApiCalls,
    dataApiUnits,
    dataApiRows,
    states,
    scanChildren,
    tasks,
  };
}

/** pg_stat_statements of this database since the last reset, by statement kind. */
async function statementStats(
  db: pg.Client,
): Promise<Record<string, { calls: number; rows: number; ms: number }>> {
  const { rows } = await db.query<{ query: string; calls: string; rows: string; ms: number }>(
    `SELECT query, calls::text, rows::text, total_exec_time AS ms FROM pg_stat_statements
     WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  const out: Record<string, { calls: number; rows: number; ms: number }> = {};
  for (const r of rows) {
    const kind = statementKind(r.query.trim());
    const entry = out[kind] ?? { calls: 0, rows: 0, ms: 0 };
    entry.calls += Number(r.calls);
    entry.rows += Number(r.rows);
    entry.ms += r.ms;
    out[kind] = entry;
  }
  return out;
}

interface ScanFigures {
  readonly seconds: number;
  readonly items: number;
  readonly pages: number;
  readonly rru: number;
  /**
   * The Data API requests that stage these pages, metered per 32 KB: each page's items as JSON
   * text plus the statement (an estimate; the children that send them keep no history to count).
   */
  readonly stageUnits: number;
}

/** A bare parallel Scan of each table (SEGMENTS segments), the tables one after the other. */
async function scanAll(
  dynamodb: DynamoDBClient,
  tables: readonly string[],
  limit: number | undefined,
): Promise<ScanFigures> {
  collect();
  let items = 0;
  let pages = 0;
  let rru = 0;
  let stageUnits = 0;
  const started = performance.now();
  for (const TableName of tables) {
    await Promise.all(
      Array.from({ length: SEGMENTS }, async (_, Segment) => {
        let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
        do {
          const page = await dynamodb.send(
            new ScanCommand({
              TableName,
              Segment,
              TotalSegments: SEGMENTS,
              ReturnConsumedCapacity: 'TOTAL',
              ...(limit !== undefined ? { Limit: limit } : {}),
              ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
            }),
          );
          items += page.Count ?? 0;
          pages += 1;
          rru += page.ConsumedCapacity?.CapacityUnits ?? Number.NaN;
          const request = JSON.stringify(JSON.stringify(page.Items ?? [])).length + STAGE_STATEMENT_BYTES;
          stageUnits += Math.max(1, Math.ceil(request / PRICE.dataApiUnitBytes));
          ExclusiveStartKey = page.LastEvaluatedKey;
        } while (ExclusiveStartKey);
      }),
    );
  }
  return { seconds: (performance.now() - started) / 1000, items, pages, rru, stageUnits };
}

/** A bare SELECT of every row of both tables, through `pg`, one table after the other. */
async function selectAll(db: pg.Client): Promise<{ seconds: number; rows: number }> {
  collect();
  const started = performance.now();
  let rows = 0;
  for (const table of Object.keys(PROJECTIONS) as ProjectedTableId[])
    rows += (await db.query(`SELECT * FROM ${PROJECTIONS[table].sqlTable}`)).rowCount ?? 0;
  return { seconds: (performance.now() - started) / 1000, rows };
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const usd = (n: number) => `$${n.toFixed(6)}`;

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-reconciliation-'));
  const cloud = await startLocalCloud({ dataDir });
  const dynamodb = new DynamoDBClient({ ...cloud.sdkConfig('DYNAMODB'), maxAttempts: 1 });
  const pipesApi = new PipesClient(cloud.sdkConfig('PIPES'));
  const sfn = new SFNClient(cloud.sdkConfig('SFN'));
  let db: pg.Client | undefined;
  try {
    const statsPreloaded = await preloadStatementStats(cloud, dataDir).catch((error: unknown) => {
      process.stdout.write(`pg_stat_statements not preloaded: ${String(error)}\n`);
      return false;
    });
    const deployment = await deployLocally(cloud);
    db = new pg.Client({ connectionString: await databaseUrl(dataDir) });
    await db.connect();
    const stats =
      statsPreloaded &&
      (await db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').then(
        () => true,
        (error: unknown) => {
          process.stdout.write(`pg_stat_statements unavailable: ${String(error)}\n`);
          return false;
        },
      ));
    // The pipes stay stopped: PostgreSQL is loaded directly, faster than the pipes would.
    for (const Name of deployment.pipes) await pipesApi.send(new StopPipeCommand({ Name }));
    for (const Name of deployment.pipes) {
      const { CurrentState } = await pipesApi.send(new DescribePipeCommand({ Name }));
      if (CurrentState !== 'STOPPED')
        throw new BenchmarkFailed(`pipe ${Name} is ${CurrentState}, not STOPPED`);
    }
    const machine = deployment.stateMachines.reconciliation;
    if (machine === undefined) throw new BenchmarkFailed('the reconciliation state machine is not deployed');
    const dynamoTables = (Object.keys(PROJECTIONS) as ProjectedTableId[]).map(
      (t) => deployment.tables[t] ?? t,
    );

    const items = makeItems(ITEMS, 'r', Date.now() * 1000, {
      // Every updatedAt in the past, a year ago at most, so every bucket is judged.
      base: Date.now() - 365 * 86_400_000,
      step: Math.min(37_000, Math.floor((300 * 86_400_000) / Math.max(1, ITEMS))),
    });
    const connections = items.filter((i) => i.table === 'connections').length;
    const bytes = items.reduce((n, i) => n + JSON.stringify(i.item).length, 0);

    // 1. At SMALL items: the memory reference (and a first timing).
    const small = items.slice(0, SMALL);
    let loaded = await load(dynamodb, deployment.tables, db, small);
    process.stdout.write(
      `loaded ${SMALL} items: DynamoDB ${fmt(loaded.dynamoS, 1)} s (BatchWriteItem, ${IN_FLIGHT} in flight), ` +
        `PostgreSQL ${fmt(loaded.postgresS, 1)} s (upsertStatement x ${LOAD_BATCH}, pg)\n`,
    );
    await tamper(db, small);
    const smallRun = await reconcile(sfn, machine, dataDir);
    process.stdout.write(`run at ${SMALL}: ${effort(smallRun)}\n  ${verdict(smallRun, 'REPAIRED')}\n`);
    const smallClean = await reconcile(sfn, machine, dataDir);
    process.stdout.write(`clean run at ${SMALL}: ${effort(smallClean)}\n  ${verdict(smallClean, 'CLEAN')}\n`);

    // 2. At ITEMS: the rest of the same set.
    const rest = items.slice(SMALL);
    loaded = await load(dynamodb, deployment.tables, db, rest);
    process.stdout.write(
      `loaded ${rest.length} more items (${ITEMS} in all: ${connections} connections, ${ITEMS - connections} ` +
        `resources, mean ${(bytes / ITEMS).toFixed(0)} bytes as DynamoDB JSON): DynamoDB ${fmt(loaded.dynamoS, 1)} s, ` +
        `PostgreSQL ${fmt(loaded.postgresS, 1)} s\n`,
    );
    const tampered = await tamper(db, items);
    if (stats) await db.query('SELECT pg_stat_statements_reset()');
    const run = await reconcile(sfn, machine, dataDir);
    const runStats = stats ? await statementStats(db) : undefined;
    process.stdout.write(
      `run at ${ITEMS}: ${effort(run)}\n  ${verdict(run, 'REPAIRED')} (changed: ${tampered})\n`,
    );
    if (stats) await db.query('SELECT pg_stat_statements_reset()');
    const { value: clean, profile } = await profiled(PROFILE, () => reconcile(sfn, machine, dataDir));
    const cleanStats = stats ? await statementStats(db) : undefined;
    process.stdout.write(`clean run at ${ITEMS}: ${effort(clean)}\n  ${verdict(clean, 'CLEAN')}\n`);

    // 3. The floor, on the same tables.
    const scanPaged = await scanAll(dynamodb, dynamoTables, WORKFLOW_PAGE);
    const scan1mb = await scanAll(dynamodb, dynamoTables, undefined);
    const select = await selectAll(db);
    const scanFloor = Math.min(scanPaged.seconds, scan1mb.seconds);
    const floorS = scanFloor + select.seconds;
    const vsFloor = run.seconds / floorS;

    // 4. What one run did and costs, from its history.
    const h = analyse(await history(sfn, run.executionArn));
    const hc = analyse(await history(sfn, clean.executionArn));
    const repairs = run.output.tables.reduce((n, t) => n + (t.keysRepaired ?? 0), 0);
    const getItems = h.calls['dynamodb:getItem'] ?? repairs;
    // The scan's child executions (Express): one request each; their duration at most the Scan
    // state's time with every concurrent slot busy, each in one 64 MB chunk.
    const children = h.scanChildren;
    const childSeconds = (f: HistoryFigures) => (f.states.Scan?.s ?? 0) * SEGMENTS;
    const cost = (f: HistoryFigures, reads: number) => ({
      transitions: f.transitions * PRICE.transition,
      express:
        f.scanChildren * PRICE.expressRequest +
        childSeconds(f) * PRICE.expressChunkGb * PRICE.expressGbSecond,
      scan: scanPaged.rru * PRICE.rru,
      data_api: (f.dataApiUnits + scanPaged.stageUnits) * PRICE.dataApiRequest,
      get_item: reads * PRICE.rru,
    });
    const total = (p: ReturnType<typeof cost>) =>
      p.transitions + p.express + p.scan + p.data_api + p.get_item;
    const parts = cost(h, getItems);
    const costUsd = total(parts);
    const cleanParts = cost(hc, 0);
    const cleanCostUsd = total(cleanParts);
    // What the run itself adds grows with N: its peak above the RSS it started from, at ITEMS and at
    // SMALL. (The raw peaks differ by the data loaded in between too: dynalite runs in process.)
    const rssGrowth = mb(run.peak - run.before - (smallRun.peak - smallRun.before));
    const rssPeakGrowth = mb(Math.max(run.peak, clean.peak) - Math.max(smallRun.peak, smallClean.peak));
    const aboveBefore = (r: Run) => mb(r.peak - r.before);

    // 5. Report.
    const line = (label: string, seconds: number, note: string) =>
      `${label.padEnd(52)} ${fmt(seconds).padStart(8)} s   ${note}\n`;
    const top = (into: Record<string, { n: number; s: number }>, count: number) =>
      Object.entries(into)
        .sort((a, b) => b[1].s - a[1].s)
        .slice(0, count)
        .map(
          ([k, v]) =>
            `  ${k.padEnd(36)} ${String(v.n).padStart(7)} x  ${fmt(v.s, 1).padStart(8)} s summed  ${fmt((1000 * v.s) / v.n, 1).padStart(7)} ms each\n`,
        )
        .join('');
    const pgLines = (s: Record<string, { calls: number; rows: number; ms: number }> | undefined) =>
      s === undefined
        ? '  (pg_stat_statements unavailable)\n'
        : Object.entries(s)
            .sort((a, b) => b[1].ms - a[1].ms)
            .map(
              ([k, v]) =>
                `  ${k.padEnd(20)} ${String(v.calls).padStart(7)} calls ${String(v.rows).padStart(9)} rows  ${fmt(v.ms / 1000).padStart(8)} s in PostgreSQL\n`,
            )
            .join('');
    process.stdout.write(
      `\n${ITEMS} items (${connections} connections, ${ITEMS - connections} resources) in DynamoDB (dynalite, in process) ` +
        `and PostgreSQL ${(await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version}; ` +
        `${SEGMENTS} scan segments, pages of ${WORKFLOW_PAGE}\n` +
        line('reconciliation, one row changed', run.seconds, verdict(run, 'REPAIRED')) +
        line('reconciliation, clean', clean.seconds, verdict(clean, 'CLEAN')) +
        line(
          `bare Scan, Limit ${WORKFLOW_PAGE}, ${SEGMENTS} segments`,
          scanPaged.seconds,
          `${scanPaged.items} items, ${scanPaged.pages} pages`,
        ) +
        line(
          `bare Scan, 1 MB pages, ${SEGMENTS} segments`,
          scan1mb.seconds,
          `${scan1mb.items} items, ${scan1mb.pages} pages`,
        ) +
        line('bare SELECT * of both tables (pg)', select.seconds, `${select.rows} rows`) +
        line('floor = faster scan + select (sequential)', floorS, `vs_floor ${fmt(vsFloor)} (goal <= 1.5)`) +
        `at ${SMALL} items: ${fmt(smallRun.seconds)} s (clean ${fmt(smallClean.seconds)} s)\n` +
        `RSS: peak above the RSS at the run's start ${fmt(aboveBefore(smallRun), 0)} MB at ${SMALL} items, ` +
        `${fmt(aboveBefore(run), 0)} MB at ${ITEMS}: rss_growth_mb ${fmt(rssGrowth, 0)} (goal <= 64); raw peaks ` +
        `${fmt(mb(Math.max(smallRun.peak, smallClean.peak)), 0)} and ${fmt(mb(Math.max(run.peak, clean.peak)), 0)} MB ` +
        `(+${fmt(rssPeakGrowth, 0)} MB, the data loaded in between included); kept after the run at ${ITEMS}: ` +
        `${fmt(mb(clean.before - run.before), 0)} MB\n` +
        `history of the run at ${ITEMS}: ${h.events} events (AWS quota for a Standard execution: 25,000), ` +
        `${fmt(mb(h.historyBytes), 0)} MB with its payloads\n` +
        `\nwhere the run at ${ITEMS} spent its time (its history: StateEntered to StateExited; the Scan's ${children} ` +
        `child executions, ${SEGMENTS} at a time, keep no history: see PostgreSQL's and the CPU profile's figures)\n` +
        top(h.states, 8) +
        `task calls (TaskScheduled to TaskSucceeded, summed)\n` +
        top(h.tasks, 8) +
        `PostgreSQL during the run at ${ITEMS} (pg_stat_statements)\n` +
        pgLines(runStats) +
        `PostgreSQL during the clean run (pg_stat_statements; rows = rows returned or affected)\n` +
        pgLines(cleanStats) +
        `rows the Data API answered during the clean run (FormattedRecords in its history): ` +
        `${Object.entries(hc.dataApiRows)
          .map(([k, v]) => `${k.replace('rdsdata:', '')} ${v}`)
          .join(', ')}\n` +
        (profile === undefined
          ? ''
          : `CPU profile of this process during the clean run (self time; written to ${PROFILE})\n` +
            selfTimeByModule(profile)
              .slice(0, 14)
              .map(([m, sec]) => `  ${m.padEnd(36)} ${fmt(sec, 1).padStart(8)} s\n`)
              .join('')) +
        `\ncost of one run at ${ITEMS} items, list prices us-east-1 (Standard workflow, Express children; DynamoDB on-demand, Standard class; ` +
        `Aurora Data API; free tiers and Aurora capacity/IO not counted)\n` +
        `  state transitions   ${String(h.transitions).padStart(9)} x $0.025/1,000          ${usd(parts.transitions)}\n` +
        `  Express children    ${String(children).padStart(9)} x $1.00/million + ${fmt(childSeconds(h), 0)} s x 64 MB x $0.00001667/GB-s ` +
        `${usd(parts.express)}  (duration at most the Scan state's time x ${SEGMENTS} slots)\n` +
        `  Scan read units     ${fmt(scanPaged.rru, 1).padStart(9)} RRU x $0.125/million    ${usd(parts.scan)}  ` +
        `(eventually consistent, 0.5 RRU per 4 KB of a page; dynalite's ConsumedCapacity of the same Limit-${WORKFLOW_PAGE} pages)\n` +
        `  Data API requests   ${String(h.dataApiUnits + scanPaged.stageUnits).padStart(9)} x $0.35/million        ${usd(parts.data_api)}  ` +
        `(${h.dataApiCalls + scanPaged.pages} calls, ${scanPaged.pages} of them staging a page, metered per 32 KB of request)\n` +
        `  GetItem (repairs)   ${String(getItems).padStart(9)} RRU x $0.125/million    ${usd(parts.get_item)}  (strongly consistent, < 4 KB)\n` +
        `  total               ${usd(costUsd)} per run; a clean run ${usd(cleanCostUsd)} (${hc.transitions} transitions)\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'reconciliation',
        items: ITEMS,
        seconds: Number(fmt(run.seconds, 3)),
        clean_seconds: Number(fmt(clean.seconds, 3)),
        floor_seconds: Number(fmt(floorS, 3)),
        vs_floor: Number(fmt(vsFloor, 3)),
        rss_growth_mb: Number(fmt(rssGrowth, 1)),
        rss_peak_growth_mb: Number(fmt(rssPeakGrowth, 1)),
        history_events: h.events,
        history_mb: Number(fmt(mb(h.historyBytes), 1)),
        cost_usd: Number(costUsd.toFixed(6)),
        cost_transitions_usd: Number(parts.transitions.toFixed(6)),
        cost_express_usd: Number(parts.express.toFixed(6)),
        cost_scan_usd: Number(parts.scan.toFixed(6)),
        cost_data_api_usd: Number(parts.data_api.toFixed(6)),
        cost_get_item_usd: Number(parts.get_item.toFixed(6)),
        clean_cost_usd: Number(cleanCostUsd.toFixed(6)),
        outcome: run.output.outcome,
        clean_outcome: clean.output.outcome,
        transitions: h.transitions,
        scan_rru: Number(fmt(scanPaged.rru, 1)),
        data_api_requests: h.dataApiCalls + scanPaged.pages,
        data_api_units: h.dataApiUnits + scanPaged.stageUnits,
        scan_children: children,
        scan_limit100_seconds: Number(fmt(scanPaged.seconds, 3)),
        scan_1mb_seconds: Number(fmt(scan1mb.seconds, 3)),
        select_seconds: Number(fmt(select.seconds, 3)),
        small_items: SMALL,
        small_seconds: Number(fmt(smallRun.seconds, 3)),
        small_clean_seconds: Number(fmt(smallClean.seconds, 3)),
        rss_peak_small_mb: Number(fmt(mb(Math.max(smallRun.peak, smallClean.peak)), 1)),
        rss_peak_mb: Number(fmt(mb(Math.max(run.peak, clean.peak)), 1)),
        heap_peak_small_mb: Number(fmt(mb(Math.max(smallRun.heap, smallClean.heap)), 1)),
        heap_peak_mb: Number(fmt(mb(Math.max(run.heap, clean.heap)), 1)),
        cpu_s: Number(fmt(run.cpu, 1)),
        postgres_cpu_s: Number(fmt(run.pgCpu, 1)),
        clean_cpu_s: Number(fmt(clean.cpu, 1)),
        clean_postgres_cpu_s: Number(fmt(clean.pgCpu, 1)),
      })}\n`,
    );
  } finally {
    await db?.end().catch(() => {});
    sfn.destroy();
    pipesApi.destroy();
    dynamodb.destroy();
    await cloud.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
