/**
 * The reconciliation's statements (workflows/projections.ts, 0003_reconciliation.sql) on the
 * local PostgreSQL through the RDS Data API: items staged page by page and rows summarised per
 * bucket by the same digest, so equal content compares equal; a changed, missing or orphaned row
 * is found in exactly its bucket and key, and the same upsert stream-sync uses repairs it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand, RDSDataClient, type SqlParameter } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrate } from '../../db/migrate.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { WiringError } from '../../workflows/errors.ts';
import {
  compareStatement,
  driftStatement,
  PROJECTIONS,
  type Projection,
  stageStatement,
  upsertStatement,
} from '../../workflows/projections.ts';

const START = 120_000;
const projection = PROJECTIONS.resources;
type Image = Record<string, Record<string, unknown>>;

let dir: string;
let cloud: LocalCloud;
let client: RDSDataClient;
const db: Database = {
  resourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:c',
  secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s',
  database: 'reconcile',
};

async function sql(
  text: string,
  parameters: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const out = await client.send(
    new ExecuteStatementCommand({
      ...db,
      sql: text,
      parameters: Object.entries(parameters).map(
        ([name, value]): SqlParameter => ({ name, value: { stringValue: value } }),
      ),
      formatRecordsAs: 'JSON',
    }),
  );
  return JSON.parse(out.formattedRecords ?? '[]') as Record<string, unknown>[];
}

const WATERMARK = '2026-12-06T02:00:00Z';
const item = (i: number, extra: Image = {}): Image => ({
  connectionId: { S: `c${i % 7}` },
  resourceId: { S: `r${i}` },
  kind: { S: 'file' },
  name: { S: `Report ${i}.pdf` },
  status: { S: 'active' },
  attributes: {
    M: { size: { N: String(1000 + i) }, shared: { BOOL: i % 2 === 0 }, tags: { SS: ['a', 'b'] } },
  },
  discoveredAt: { S: '2026-12-01T10:00:00.000Z' },
  updatedAt: { S: '2026-12-05T10:00:00.000Z' },
  version: { N: String(100 + i) },
  ...extra,
});
const items = Array.from({ length: 300 }, (_, i) => item(i));
const asRow = (image: Image) => ({
  image,
  __version: image.version?.N,
  __deleted: false,
  __expired: false,
  __updated_at: image.updatedAt?.S,
});

async function upsert(images: readonly Image[]): Promise<void> {
  await sql(upsertStatement(projection), { rows: JSON.stringify(images.map(asRow)) });
}

async function stage(run: string, images: readonly Image[]): Promise<void> {
  // Pages as a Scan answers them.
  for (let at = 0; at < images.length; at += 128) {
    await sql(stageStatement(projection), {
      run,
      watermark: WATERMARK,
      items: JSON.stringify(images.slice(at, at + 128)),
    });
  }
}

async function compare(run: string) {
  const [summary] = await sql(compareStatement(projection), { run, watermark: WATERMARK });
  return {
    compared: Number(summary?.compared),
    inFlight: Number(summary?.in_flight),
    mismatched: JSON.parse(String(summary?.mismatched)) as number[],
  };
}

async function drift(run: string, buckets: readonly number[]) {
  return (
    await sql(driftStatement(projection), { run, watermark: WATERMARK, buckets: JSON.stringify(buckets) })
  ).map((r) => ({
    key: r.key,
    drift: r.drift,
    item_key: JSON.parse(String(r.item_key)),
    tombstone: r.tombstone === null ? null : JSON.parse(String(r.tombstone)),
  }));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reconcile-'));
  cloud = await startLocalCloud({ dataDir: dir });
  client = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
  await client.send(
    new ExecuteStatementCommand({ ...db, database: 'postgres', sql: 'CREATE DATABASE reconcile' }),
  );
  await migrate(client, db);
  await upsert(items);
}, START);
afterAll(async () => {
  client?.destroy();
  await cloud?.close();
  await rm(dir, { recursive: true, force: true });
}, START);

describe('reconciliation statements', () => {
  it('finds nothing when every row is what its item maps to, and staging a page twice changes nothing', async () => {
    await stage('clean', items);
    await stage('clean', items.slice(0, 128));
    const summary = await compare('clean');
    expect(summary.mismatched).toEqual([]);
    expect(summary.inFlight).toBe(0);
    const [buckets] = await sql(
      "SELECT count(DISTINCT bucket) AS n FROM reconciliation_items WHERE run_id = 'clean'",
    );
    expect(summary.compared).toBe(buckets?.n);
    expect(await sql("SELECT count(*) AS n FROM reconciliation_items WHERE run_id = 'clean'")).toEqual([
      { n: 300 },
    ]);
  });

  it('flags exactly the bucket and key of a row changed behind the sync, which the same upsert repairs', async () => {
    await sql("UPDATE resources SET name = 'tampered' WHERE resource_id = 'r42'");
    await stage('changed', items);
    const { mismatched } = await compare('changed');
    expect(mismatched).toHaveLength(1);
    expect(await drift('changed', mismatched)).toEqual([
      {
        key: 'c0|r42',
        drift: 'differs',
        item_key: { connectionId: { S: 'c0' }, resourceId: { S: 'r42' } },
        tombstone: null,
      },
    ]);
    await upsert([items[42] as Image]);
    await stage('after-repair', items);
    expect((await compare('after-repair')).mismatched).toEqual([]);
  });

  it('flags a row deleted from PostgreSQL as missing', async () => {
    await sql("DELETE FROM resources WHERE resource_id = 'r7'");
    await stage('missing', items);
    const { mismatched } = await compare('missing');
    expect(await drift('missing', mismatched)).toMatchObject([
      { key: 'c0|r7', drift: 'missing', tombstone: null },
    ]);
    await upsert([items[7] as Image]);
  });

  it('flags a live row whose item is gone as an orphan, with the tombstone that keeps its last values', async () => {
    await stage(
      'orphan',
      items.filter((_, i) => i !== 99),
    );
    const { mismatched } = await compare('orphan');
    const [found] = await drift('orphan', mismatched);
    expect(found).toMatchObject({ key: 'c1|r99', drift: 'orphan' });
    await sql(upsertStatement(projection), { rows: JSON.stringify([found?.tombstone]) });
    const [row] = await sql(
      "SELECT name, version, deleted_at IS NOT NULL AS deleted, attributes FROM resources WHERE resource_id = 'r99'",
    );
    expect(row).toMatchObject({ name: 'Report 99.pdf', version: 200, deleted: true });
    expect(JSON.parse(String(row?.attributes))).toEqual({ size: 1099, shared: false, tags: ['a', 'b'] });
    // A tombstone is not a live row: the next run without the item is clean.
    await stage(
      'after-tombstone',
      items.filter((_, i) => i !== 99),
    );
    expect((await compare('after-tombstone')).mismatched).toEqual([]);
  });

  it('leaves to the next run a bucket where an item changed after the watermark', async () => {
    const changed = items.map((image, i) =>
      i === 5
        ? item(5, { name: { S: 'renamed' }, version: { N: '106' }, updatedAt: { S: '2026-12-06T02:30:00Z' } })
        : image,
    );
    await stage(
      'burst',
      changed.filter((_, i) => i !== 99),
    );
    const summary = await compare('burst');
    expect(summary.mismatched).toEqual([]);
    expect(summary.inFlight).toBe(1);
  });
});

describe('the statements as substitutions', () => {
  it('hold no quote, backslash or newline, so CloudFormation and JSONata take them as they are', () => {
    for (const p of Object.values(PROJECTIONS)) {
      for (const statement of [
        upsertStatement(p),
        stageStatement(p),
        compareStatement(p),
        driftStatement(p),
      ]) {
        expect(statement).not.toMatch(/['"\\\n]/);
      }
    }
  });

  it('refuses a projected attribute whose name would need quoting, with a WiringError naming it', () => {
    const bad = { ...projection, columns: [{ ...projection.columns[0], attribute: "na'me" }] } as Projection;
    // Each statement that names the attributes (compare reads only the stored columns).
    for (const build of [upsertStatement, stageStatement, driftStatement]) {
      expect(() => build(bad)).toThrow(WiringError);
      expect(() => build(bad)).toThrow("Projected attribute 'na'me': use letters, digits, _ . - only");
    }
  });
});
