/**
 * reconciliation on the local cloud: DynamoDB written through the real pipes, PostgreSQL then
 * changed behind the sync's back; the run finds exactly what differs below its watermark,
 * repairs it with stream-sync's upsert, tombstones orphans, records the run, and the next run is
 * clean and advances the checkpoint. Changes after the watermark are left to the next run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PipesClient, StartPipeCommand, StopPipeCommand } from '@aws-sdk/client-pipes';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { deployLocally, type LocalDeployment } from '../../local/deploy.ts';
import { reconciliation } from '../../workflows/reconciliation/workflow.ts';
import { query, until } from './helpers.ts';

const START = 120_000;
const LAG_S = 3600;
type Image = Record<string, Record<string, unknown>>;

let dir: string;
let cloud: LocalCloud;
let deployment: LocalDeployment;
let sfn: SFNClient;
let rds: RDSDataClient;
let dynamodb: DynamoDBClient;

const rows = (sql: string) => query(rds, deployment, sql);

/** Runs the reconciliation with its watermark at `watermark` (the schedule's time minus the lag). */
async function reconcile(watermark: Date) {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: deployment.stateMachines.reconciliation,
      input: JSON.stringify({ scheduledTime: new Date(watermark.getTime() + LAG_S * 1000).toISOString() }),
    }),
  );
  const done = await until(async () => {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return out.status === 'RUNNING' ? undefined : out;
  }, 'the run');
  if (done.status !== 'SUCCEEDED')
    console.log(JSON.stringify(await rows('SELECT table_name, error FROM reconciliation_runs')));
  expect(done.status, `${done.error}: ${done.cause}`).toBe('SUCCEEDED');
  return {
    name: executionArn?.split(':').at(-1) ?? '',
    ...reconciliation.output.parse(JSON.parse(done.output ?? '{}')),
  };
}

const past = '2026-12-01T10:00:00.000Z';
const resource = (i: number, extra: Image = {}): Image => ({
  connectionId: { S: `conn-${i % 5}` },
  resourceId: { S: `res-${i}` },
  kind: { S: 'file' },
  name: { S: `Plan ${i}.pdf` },
  status: { S: 'active' },
  attributes: { M: { size: { N: String(100 + i) }, shared: { BOOL: false } } },
  updatedAt: { S: past },
  version: { N: '1' },
  ...extra,
});
const connection = (i: number): Image => ({
  userId: { S: `user-${i}` },
  connectionId: { S: `conn-${i}` },
  provider: { S: 'example' },
  status: { S: 'active' },
  scopes: { L: [{ S: 'read' }] },
  updatedAt: { S: past },
  version: { N: '1' },
});

async function put(table: string, items: readonly Image[]) {
  for (let at = 0; at < items.length; at += 25) {
    await dynamodb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: items.slice(at, at + 25).map((Item) => ({ PutRequest: { Item: Item as never } })),
        },
      }),
    );
  }
}

const byOutcome = (run: Awaited<ReturnType<typeof reconcile>>, table: string) =>
  run.tables.find((t) => t.table === table);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reconciliation-'));
  cloud = await startLocalCloud({ dataDir: dir });
  deployment = await deployLocally(cloud);
  sfn = new SFNClient(cloud.sdkConfig('SFN'));
  rds = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
  dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
  await put(
    deployment.tables.connections,
    Array.from({ length: 5 }, (_, i) => connection(i)),
  );
  await put(
    deployment.tables.resources,
    Array.from({ length: 240 }, (_, i) => resource(i)),
  );
  await until(async () => {
    const [n] = await rows(
      'SELECT (SELECT count(*) FROM resources) + (SELECT count(*) FROM connections) AS n',
    );
    return n?.n === 245 ? true : undefined;
  }, 'the pipes to sync every item');
}, START);
afterAll(async () => {
  sfn?.destroy();
  rds?.destroy();
  dynamodb?.destroy();
  await cloud?.close();
  await rm(dir, { recursive: true, force: true });
}, START);

describe('reconciliation', () => {
  it('proves a synced projection clean, records the run and advances the checkpoint', async () => {
    const watermark = new Date();
    const run = await reconcile(watermark);
    expect(run.outcome).toBe('CLEAN');
    expect(byOutcome(run, 'resources')).toMatchObject({
      outcome: 'CLEAN',
      itemsScanned: 240,
      bucketsMismatched: 0,
    });
    expect(byOutcome(run, 'connections')).toMatchObject({ outcome: 'CLEAN', itemsScanned: 5 });
    const checkpoint = await rows(
      'SELECT table_name, last_reconciled_at FROM sync_checkpoint ORDER BY table_name',
    );
    expect(checkpoint.map((c) => c.table_name)).toEqual(['connections', 'resources']);
    const report = await rows(
      `SELECT table_name, outcome, items_scanned FROM reconciliation_runs WHERE run_id = '${run.name}' ORDER BY table_name`,
    );
    expect(report).toEqual([
      { table_name: 'connections', outcome: 'CLEAN', items_scanned: 5 },
      { table_name: 'resources', outcome: 'CLEAN', items_scanned: 240 },
    ]);
    expect(await rows(`SELECT count(*) AS n FROM reconciliation_items WHERE run_id = '${run.name}'`)).toEqual(
      [{ n: 0 }],
    );
  });

  it('repairs a changed row and a deleted row, tombstones an orphan, and the next run is clean', async () => {
    await rows("UPDATE resources SET name = 'tampered' WHERE resource_id = 'res-17'");
    await rows("DELETE FROM resources WHERE resource_id = 'res-31'");
    await rows(
      "INSERT INTO resources (connection_id, resource_id, name, version, synced_at) VALUES ('conn-0', 'ghost', 'no item', 3, now())",
    );
    // An item deleted while its pipe was stopped: the stream's REMOVE has not reached the row.
    const pipes = new PipesClient(cloud.sdkConfig('PIPES'));
    const pipe = 'wf-stream-sync-resources';
    await pipes.send(new StopPipeCommand({ Name: pipe }));
    await dynamodb.send(
      new DeleteItemCommand({
        TableName: deployment.tables.resources,
        Key: { connectionId: { S: 'conn-4' }, resourceId: { S: 'res-9' } },
      }),
    );
    const run = await reconcile(new Date());
    await pipes.send(new StartPipeCommand({ Name: pipe }));
    pipes.destroy();
    expect(run.outcome).toBe('REPAIRED');
    expect(byOutcome(run, 'resources')).toMatchObject({
      outcome: 'REPAIRED',
      keysRepaired: 2,
      orphansTombstoned: 2,
    });
    expect(byOutcome(run, 'connections')).toMatchObject({ outcome: 'CLEAN' });
    expect(
      await rows(
        "SELECT resource_id, name, version, deleted_at IS NOT NULL AS deleted FROM resources WHERE resource_id IN ('res-17', 'res-31', 'res-9', 'ghost') ORDER BY resource_id",
      ),
    ).toEqual([
      { resource_id: 'ghost', name: 'no item', version: 4, deleted: true },
      { resource_id: 'res-17', name: 'Plan 17.pdf', version: 1, deleted: false },
      { resource_id: 'res-31', name: 'Plan 31.pdf', version: 1, deleted: false },
      { resource_id: 'res-9', name: 'Plan 9.pdf', version: 2, deleted: true },
    ]);
    const before = await rows(
      "SELECT last_reconciled_at FROM sync_checkpoint WHERE table_name = 'resources'",
    );
    const again = await reconcile(new Date());
    expect(again.outcome).toBe('CLEAN');
    expect(
      await rows("SELECT last_reconciled_at FROM sync_checkpoint WHERE table_name = 'resources'"),
    ).not.toEqual(before);
  });

  it('leaves a change after the watermark to the next run: no false mismatch during a burst', async () => {
    const watermark = new Date();
    // Written after the watermark: the pipe may or may not have carried it yet.
    await put(deployment.tables.resources, [
      resource(3, {
        name: { S: 'renamed just now' },
        version: { N: '2' },
        updatedAt: { S: new Date(Date.now() + 1000).toISOString() },
      }),
    ]);
    const run = await reconcile(watermark);
    expect(byOutcome(run, 'resources')).toMatchObject({
      outcome: 'CLEAN',
      bucketsMismatched: 0,
      bucketsInFlight: 1,
    });
  });

  it('interrupted by a restart of the local cloud, resumes and finishes', async () => {
    await put(
      deployment.tables.resources,
      Array.from({ length: 2000 }, (_, i) => resource(1000 + i)),
    );
    await until(async () => {
      const [n] = await rows("SELECT count(*) AS n FROM resources WHERE resource_id LIKE 'res-%'");
      return Number(n?.n) === 2240 ? true : undefined;
    }, 'the pipes to sync the new items');
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deployment.stateMachines.reconciliation,
        input: JSON.stringify({ scheduledTime: new Date(Date.now() + LAG_S * 1000).toISOString() }),
      }),
    );
    // Stopped while it stages the scan's pages.
    await until(async () => {
      const [n] = await rows('SELECT count(*) AS n FROM reconciliation_items');
      return Number(n?.n) > 0 ? true : undefined;
    }, 'the first staged page');
    // It is stopped part way: still running, its staged pages there (a finished run removes them).
    // (Checked before the stop: once the cloud is back, the resumed run may finish at once.)
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await cloud.close();
    cloud = await startLocalCloud({ dataDir: dir });
    deployment = await deployLocally(cloud);
    const done = await until(async () => {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return out.status === 'RUNNING' ? undefined : out;
    }, 'the run to finish after the restart');
    expect(done.status, `${done.error}: ${done.cause}`).toBe('SUCCEEDED');
    const output = reconciliation.output.parse(JSON.parse(done.output ?? '{}'));
    expect(output.outcome).toBe('CLEAN');
    expect(byOutcome({ name: '', ...output }, 'resources')).toMatchObject({ itemsScanned: 2239 });
  }, 240_000);
});
