/**
 * stream-sync end to end on the local cloud: DynamoDB items to PostgreSQL rows through the
 * tables' streams, the local Pipes runners and the stream-sync Express workflow (one RDS Data API
 * upsert per table and batch), against the same rows written straight to the same PostgreSQL
 * server with `pg`, measured in the same run.
 *
 * - drain: ITEMS items (default 50,000; `--items N`, `--quick` 2,000), about 1 connection per 20
 *   resources, 300 to 800 bytes each, written with BatchWriteItem while both pipes are stopped;
 *   then StartPipe, timed until every row is in PostgreSQL (`SELECT count(*)` every 20 ms):
 *   rows_per_s.
 * - baselines, on the same items, the tables truncated before each: COPY FROM STDIN of the
 *   rows already mapped (text format, one per table, through pg's Submittable interface:
 *   pg-copy-streams is not installed); the rows stream-sync's Prepare state passes (the images)
 *   with the upsertStatement of
 *   workflows/projections.ts in batches of the pipe's BatchSize, sequential per table with the
 *   two tables side by side, as the two pipes run; and one upsert per row (the per-record Lambda
 *   design), sequential, timed on a sample (`--per-row-sample`, default 5,000) and extrapolated.
 * - latency: with the pipes running, one PutItem at a time at `--rate` per second (default 20)
 *   for `--seconds` (default 20); each row's `synced_at` (PostgreSQL's now() in the upsert, on
 *   this machine's clock) minus the moment its PutItem answered: p50_ms, p99_ms.
 *
 * Last line: one JSON object with every figure. Goals (printed, never asserted): vs_direct_batch
 * >= 0.5, vs_per_row >= 20, p50 <= 300 ms, p99 <= 1,000 ms.
 * Run: npm run bench:stream-sync -- [--items N] [--quick] [--rate R] [--seconds S]
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DescribePipeCommand, PipesClient, StartPipeCommand, StopPipeCommand } from '@aws-sdk/client-pipes';
import pg from 'pg';
import { startLocalCloud } from '../local/cloud.ts';
import { deployLocally } from '../local/deploy.ts';
import type { LocalPipes, PipeStatus } from '../local/pipes/index.ts';
import {
  PROJECTIONS,
  type ProjectedTableId,
  type Projection,
  ROW_COLUMNS,
  upsertStatement,
} from '../workflows/projections.ts';
import { streamSync } from '../workflows/stream-sync/workflow.ts';
import { databaseUrl, type Item, makeItems, type Written } from './items.ts';

const { values: flags } = parseArgs({
  options: {
    items: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string' },
    'per-row-sample': { type: 'string', default: '5000' },
    'in-flight': { type: 'string', default: '8' },
  },
});
const ITEMS = Number(flags.items ?? (flags.quick ? 2000 : 50_000));
const RATE = Number(flags.rate);
const SECONDS = Number(flags.seconds ?? (flags.quick ? 5 : 20));
const PER_ROW_SAMPLE = Math.min(ITEMS, Number(flags['per-row-sample']));
const IN_FLIGHT = Number(flags['in-flight']);
const BATCH_SIZE = streamSync.startedBy.kind === 'pipe' ? streamSync.startedBy.batchSize : 100;
/** Nothing may take longer than this: a stuck pipe is a failure, not a slow result. */
const WAIT_LIMIT_MS = Number(process.env.BENCH_WAIT_LIMIT_MS ?? 600_000);

/** The benchmark's own data did not arrive or was refused: the pipeline is broken, not slow. */
class BenchmarkFailed extends Error {
  override name = 'BenchmarkFailed';
}

type Row = Record<string, unknown>;

/** Items dated 37 s apart from the first of November. */
const DATES = { base: Date.parse('2026-11-01T08:00:00.000Z'), step: 37_000 };

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An attribute value as plain JSON, as stream-sync's `$unmarshal` reads it. */
function unmarshal(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL !== undefined) return null;
  if (v.M !== undefined) return Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, unmarshal(x)]));
  if (v.L !== undefined) return v.L.map(unmarshal);
  return null;
}

/** An item as its projected row's values, for COPY (the physical limit: nothing left to map). */
function mappedRow(projection: Projection, item: Item): Row {
  const row: Row = {};
  for (const c of [...projection.key, ...projection.columns]) {
    const v = item[c.attribute];
    if (v !== undefined) row[c.column] = v.N !== undefined ? v.N : unmarshal(v);
  }
  row.__version = item.version?.N;
  row.__updated_at = item.updatedAt?.S;
  return row;
}

/** The row stream-sync's Prepare state makes of an INSERT record (workflows/stream-sync). */
function streamRow(item: Item): Row {
  return {
    image: item,
    __version: item.version?.N,
    __deleted: false,
    __expired: false,
    __updated_at: item.updatedAt?.S,
  };
}

function rowsByTable(
  items: readonly Written[],
  toRow: (projection: Projection, item: Item) => Row,
): Record<ProjectedTableId, Row[]> {
  const rows: Record<ProjectedTableId, Row[]> = { connections: [], resources: [] };
  for (const { table, item } of items) rows[table].push(toRow(PROJECTIONS[table], item));
  return rows;
}

/** COPY ... FROM STDIN through pg's Submittable interface (what pg-copy-streams builds on). */
class CopyIn {
  private readonly done: Promise<void>;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private failure: unknown;
  constructor(
    private readonly text: string,
    private readonly data: Buffer,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.settle = { resolve, reject };
    });
  }
  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }): void {
    for (let at = 0; at < this.data.length; at += 1 << 16)
      connection.sendCopyFromChunk(this.data.subarray(at, at + (1 << 16)));
    connection.endCopyFrom();
  }
  handleCommandComplete(): void {}
  handleError(error: unknown): void {
    this.failure = error;
  }
  handleReadyForQuery(): void {
    if (this.failure === undefined) this.settle?.resolve();
    else this.settle?.reject(this.failure);
  }
  run(client: pg.Client): Promise<void> {
    client.query(this as unknown as pg.QueryConfig);
    return this.done;
  }
}

/** One value in COPY's text format. */
function copyValue(value: unknown): string {
  if (value === undefined || value === null) return '\\N';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(
    /[\\\t\n\r]/g,
    (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c,
  );
}

async function copyRows(client: pg.Client, projection: Projection, rows: readonly Row[]): Promise<void> {
  const projected = [...projection.key, ...projection.columns].map((c) => c.column);
  const columns = [...projected, ...ROW_COLUMNS.map((c) => c.column)];
  const now = new Date().toISOString();
  const lines = rows.map(
    (r) =>
      `${[
        ...projected.map((c) => copyValue(r[c])),
        copyValue(r.__version),
        '\\N',
        'f',
        copyValue(r.__updated_at),
        now,
      ].join('\t')}\n`,
  );
  await new CopyIn(
    `COPY ${projection.sqlTable} (${columns.join(', ')}) FROM STDIN`,
    Buffer.from(lines.join('')),
  ).run(client);
}

/** The workflow's statement with pg's placeholder for its one parameter. */
const statements = {
  connections: upsertStatement(PROJECTIONS.connections).replace(':rows', '$1'),
  resources: upsertStatement(PROJECTIONS.resources).replace(':rows', '$1'),
};

async function upsertBatches(client: pg.Client, table: ProjectedTableId, rows: readonly Row[], size: number) {
  for (let at = 0; at < rows.length; at += size) {
    await client.query(statements[table], [JSON.stringify(rows.slice(at, at + size))]);
  }
}

async function count(client: pg.Client, where = 'true'): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM connections WHERE ${where}) + (SELECT count(*) FROM resources WHERE ${where}) AS n`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function truncate(client: pg.Client): Promise<void> {
  await client.query('TRUNCATE connections, resources');
  await client.query('VACUUM ANALYZE connections, resources');
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

async function waitFor(what: string, check: () => Promise<boolean>, everyMs: number): Promise<void> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > WAIT_LIMIT_MS)
      throw new BenchmarkFailed(`${what}: not done after ${WAIT_LIMIT_MS} ms`);
    await sleep(everyMs);
  }
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
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

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-stream-sync-'));
  const cloud = await startLocalCloud({ dataDir });
  const dynamodb = new DynamoDBClient({ ...cloud.sdkConfig('DYNAMODB'), maxAttempts: 1 });
  const pipesApi = new PipesClient(cloud.sdkConfig('PIPES'));
  const db = new pg.Client({ connectionString: await databaseUrl(dataDir) });
  const second = new pg.Client({ connectionString: await databaseUrl(dataDir) });
  try {
    const deployment = await deployLocally(cloud);
    await db.connect();
    await second.connect();
    const localPipes = cloud.services.find((s) => s.id === 'PIPES') as LocalPipes | undefined;
    const pipeNames = deployment.pipes;
    const setPipes = async (state: 'RUNNING' | 'STOPPED') => {
      for (const Name of pipeNames)
        await pipesApi.send(
          state === 'RUNNING' ? new StartPipeCommand({ Name }) : new StopPipeCommand({ Name }),
        );
      for (const Name of pipeNames) {
        const { CurrentState } = await pipesApi.send(new DescribePipeCommand({ Name }));
        if (CurrentState !== state)
          throw new BenchmarkFailed(`pipe ${Name} is ${CurrentState}, not ${state}`);
      }
    };
    const statuses = () =>
      pipeNames.map((n) => localPipes?.status(n)).filter((s): s is PipeStatus => s !== undefined);

    // 1. Drain: the items wait in the streams while the pipes are stopped.
    await setPipes('STOPPED');
    const items = makeItems(ITEMS, 'd', Date.now() * 1000, DATES);
    const connections = items.filter((i) => i.table === 'connections').length;
    const bytes = items.reduce((n, i) => n + JSON.stringify(i.item).length, 0);
    let started = performance.now();
    await writeAll(dynamodb, deployment.tables, items);
    const writeS = (performance.now() - started) / 1000;
    process.stdout.write(
      `wrote ${ITEMS} items (${connections} connections, ${ITEMS - connections} resources, ` +
        `mean ${(bytes / ITEMS).toFixed(0)} bytes as DynamoDB JSON) in ${writeS.toFixed(1)} s ` +
        `(${(ITEMS / writeS).toFixed(0)} items/s, BatchWriteItem, ${IN_FLIGHT} in flight), pipes stopped\n`,
    );
    collect();
    const pgPids = await postgresPids(dataDir);
    const cpuBefore = process.cpuUsage();
    const pgBefore = await postgresCpu(pgPids);
    started = performance.now();
    await setPipes('RUNNING');
    await waitFor('drain', async () => (await count(db)) >= ITEMS, 20);
    const drainS = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    // Backends the drain connected are counted whole (they started after `pgBefore`).
    const pgCpu = (await postgresCpu(await postgresPids(dataDir))) - pgBefore;
    const drained = statuses();
    const rowsPerS = ITEMS / drainS;
    const invocations = drained.reduce((n, s) => n + s.invocations, 0);
    const failed = drained.reduce((n, s) => n + s.failedInvocations, 0);
    process.stdout.write(
      `drain: ${ITEMS} rows in ${drainS.toFixed(2)} s; ${invocations} workflow executions ` +
        `(${failed} failed); CPU: this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, ` +
        `PostgreSQL ${pgCpu.toFixed(1)} s\n`,
    );
    if (failed > 0)
      throw new BenchmarkFailed(
        `${failed} stream-sync executions failed: ${drained.map((s) => s.lastError).join('; ')}`,
      );
    await setPipes('STOPPED');

    // 2. Baselines: the same rows, straight to the same server.
    const mapped = rowsByTable(items, mappedRow);
    const rows = rowsByTable(items, (_, item) => streamRow(item));
    const tables = Object.keys(rows) as ProjectedTableId[];
    await truncate(db);
    collect();
    started = performance.now();
    for (const table of tables) await copyRows(db, PROJECTIONS[table], mapped[table]);
    const copyS = (performance.now() - started) / 1000;
    if ((await count(db)) !== ITEMS) throw new BenchmarkFailed('COPY did not write every row');

    await truncate(db);
    collect();
    started = performance.now();
    await Promise.all([
      upsertBatches(db, 'resources', rows.resources, BATCH_SIZE),
      upsertBatches(second, 'connections', rows.connections, BATCH_SIZE),
    ]);
    const batchS = (performance.now() - started) / 1000;
    if ((await count(db)) !== ITEMS) throw new BenchmarkFailed('the batched upserts did not write every row');

    await truncate(db);
    const sample = items.slice(0, PER_ROW_SAMPLE);
    const sampleRows = sample.map(({ table, item }) => ({ table, row: streamRow(item) }));
    collect();
    started = performance.now();
    for (const { table, row } of sampleRows) await db.query(statements[table], [JSON.stringify([row])]);
    const perRowS = (performance.now() - started) / 1000;
    if ((await count(db)) !== PER_ROW_SAMPLE)
      throw new BenchmarkFailed('the per-row upserts did not write every row');
    await truncate(db);

    const copyRate = ITEMS / copyS;
    const batchRate = ITEMS / batchS;
    const perRowRate = PER_ROW_SAMPLE / perRowS;

    // 3. Latency at a steady write rate, the pipes running.
    await setPipes('RUNNING');
    const writes = makeItems(Math.round(RATE * SECONDS), 'l', Date.now() * 1000, DATES);
    const answered = new Map<string, number>();
    const keyOf = (table: ProjectedTableId, item: Item) =>
      `${table}|${PROJECTIONS[table].key.map((k) => item[k.attribute]?.S).join('|')}`;
    const origin = performance.now();
    const pending: Promise<void>[] = [];
    for (let i = 0; i < writes.length; i++) {
      const wait = origin + (i * 1000) / RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const { table, item } = writes[i] as Written;
      pending.push(
        dynamodb
          .send(new PutItemCommand({ TableName: deployment.tables[table], Item: item }))
          .then(() => void answered.set(keyOf(table, item), Date.now())),
      );
    }
    await Promise.all(pending);
    await waitFor('latency rows', async () => (await count(db)) >= writes.length, 50);
    const latencies: number[] = [];
    for (const table of tables) {
      const keys = PROJECTIONS[table].key.map((k) => k.column);
      const { rows: synced } = await db.query<{ k: string; at: string }>(
        `SELECT ${keys.map((k) => `${k}::text`).join(` || '|' || `)} AS k, ` +
          `(extract(epoch FROM synced_at) * 1000)::text AS at FROM ${PROJECTIONS[table].sqlTable}`,
      );
      for (const r of synced) {
        const at = answered.get(`${table}|${r.k}`);
        if (at === undefined) throw new BenchmarkFailed(`row ${table}|${r.k} was never written`);
        latencies.push(Number(r.at) - at);
      }
    }
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);

    // 4. Report.
    const line = (label: string, rate: number, note: string) =>
      `${label.padEnd(44)} ${rate.toFixed(0).padStart(8)} rows/s   x${(rowsPerS / rate).toFixed(3).padEnd(8)} ${note}\n`;
    process.stdout.write(
      `\n${ITEMS} rows (${connections} connections, ${ITEMS - connections} resources), PostgreSQL ` +
        `${(await db.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version}, the same server throughout\n` +
        `${'path'.padEnd(44)} ${'rate'.padStart(8)}          stream-sync / it\n` +
        line('stream-sync: streams > Pipes > Express', rowsPerS, `drain ${drainS.toFixed(2)} s`) +
        line('COPY FROM STDIN (text, one per table)', copyRate, `${copyS.toFixed(2)} s`) +
        line(
          `upsertStatement x ${BATCH_SIZE} rows, pg direct`,
          batchRate,
          `${batchS.toFixed(2)} s, sequential per table`,
        ) +
        line(
          'one upsert per row, pg direct',
          perRowRate,
          `${PER_ROW_SAMPLE} rows timed, ${perRowS.toFixed(2)} s, extrapolated`,
        ) +
        `latency: ${writes.length} PutItem at ${RATE}/s, synced_at - PutItem answered: ` +
        `p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms\n` +
        `goals: vs_direct_batch >= 0.5, vs_per_row >= 20, p50 <= 300 ms, p99 <= 1000 ms\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        bench: 'stream-sync',
        items: ITEMS,
        rows_per_s: Math.round(rowsPerS),
        vs_copy: Number((rowsPerS / copyRate).toFixed(3)),
        vs_direct_batch: Number((rowsPerS / batchRate).toFixed(3)),
        vs_per_row: Number((rowsPerS / perRowRate).toFixed(3)),
        p50_ms: Math.round(p50),
        p99_ms: Math.round(p99),
        copy_rows_per_s: Math.round(copyRate),
        direct_batch_rows_per_s: Math.round(batchRate),
        per_row_rows_per_s: Math.round(perRowRate),
        per_row_sample: PER_ROW_SAMPLE,
        drain_s: Number(drainS.toFixed(3)),
        latency_writes: writes.length,
      })}\n`,
    );
  } finally {
    await db.end().catch(() => {});
    await second.end().catch(() => {});
    pipesApi.destroy();
    dynamodb.destroy();
    await cloud.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
