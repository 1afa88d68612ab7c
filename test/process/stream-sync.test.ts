/**
 * stream-sync on the local cloud: batches of DynamoDB stream records, as an EventBridge Pipe
 * passes them, applied to the PostgreSQL projection through the real RDS Data API. Retries,
 * duplicates and reordering across batches leave the rows a single in-order delivery would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { deployLocally, type LocalDeployment } from '../../local/deploy.ts';
import { streamSync } from '../../workflows/stream-sync/workflow.ts';
import { query, until } from './helpers.ts';

const START = 120_000;
type Image = Record<string, Record<string, unknown>>;

let dir: string;
let cloud: LocalCloud;
let deployment: LocalDeployment;
let sfn: SFNClient;
let rds: RDSDataClient;
let sequence = 1000;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stream-sync-'));
  cloud = await startLocalCloud({ dataDir: dir });
  deployment = await deployLocally(cloud);
  sfn = new SFNClient({ ...cloud.sdkConfig('SFN'), disableHostPrefix: true });
  rds = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
}, START);
afterAll(async () => {
  sfn?.destroy();
  rds?.destroy();
  await cloud?.close();
  await rm(dir, { recursive: true, force: true });
}, START);

/** A stream record as Pipes delivers it (NEW_AND_OLD_IMAGES). */
function record(
  table: 'connections' | 'resources',
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  image: Image,
  options: { ttl?: boolean } = {},
) {
  const name = deployment.tables[table];
  const keys = table === 'connections' ? ['userId', 'connectionId'] : ['connectionId', 'resourceId'];
  sequence += 1;
  return {
    eventID: `e${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: `arn:aws:dynamodb:us-east-1:111111111111:table/${name}/stream/2026-12-01T00:00:00.000`,
    dynamodb: {
      ApproximateCreationDateTime: 1_796_000_000,
      Keys: Object.fromEntries(keys.map((k) => [k, image[k]])),
      ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }),
      SequenceNumber: String(sequence).padStart(21, '0'),
      SizeBytes: 100,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    ...(options.ttl ? { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } } : {}),
  };
}

const connection = (userId: string, connectionId: string, version: number, extra: Image = {}): Image => ({
  userId: { S: userId },
  connectionId: { S: connectionId },
  provider: { S: 'example' },
  status: { S: 'active' },
  version: { N: String(version) },
  updatedAt: { S: '2026-12-06T10:00:00.000Z' },
  scopes: { L: [{ S: 'read' }, { S: 'write' }] },
  ...extra,
});

async function sync(records: unknown[]) {
  const out = await sfn.send(
    new StartSyncExecutionCommand({
      stateMachineArn: deployment.stateMachines['stream-sync'],
      input: JSON.stringify(records),
    }),
  );
  expect(out.status, `${out.error}: ${out.cause}`).toBe('SUCCEEDED');
  return streamSync.output.parse(JSON.parse(out.output ?? 'null'));
}

const rows = (sql: string) => query(rds, deployment, sql);

const connectionRow = async (userId: string) =>
  (
    await rows(
      `SELECT connection_id, status, version, deleted_at IS NOT NULL AS deleted, expired, scopes FROM connections WHERE user_id = '${userId}' ORDER BY connection_id`,
    )
  )[0];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function put(item: Image): Promise<void> {
  const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
  try {
    await dynamodb.send(
      new PutItemCommand({ TableName: deployment.tables.connections, Item: item as never }),
    );
  } finally {
    dynamodb.destroy();
  }
}

/** The local pipe's own account of itself (GET /local/pipes/{Name}/status). */
async function pipeStatus(name: string): Promise<{ lagMs: number; pending: number; recordsRead: number }> {
  const response = await fetch(`${cloud.sdkConfig('PIPES').endpoint}/local/pipes/${name}/status`);
  expect(response.status).toBe(200);
  return (await response.json()) as { lagMs: number; pending: number; recordsRead: number };
}

/** Reads the stream-sync dead-letter queue for what is dead-lettered from now on. */
async function watchDeadLetters() {
  const since = new Date().toISOString();
  const sqs = new SQSClient(cloud.sdkConfig('SQS'));
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'wf-stream-sync-dlq' }));
  return {
    /** The messages dead-lettered since the watch began (each read once), oldest first. */
    async read(): Promise<Record<string, unknown>[]> {
      const out = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const fresh: Record<string, unknown>[] = [];
      for (const message of out.Messages ?? []) {
        const body = JSON.parse(message.Body ?? '{}') as Record<string, unknown>;
        if (String(body.timestamp) < since) continue;
        fresh.push(body);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle }));
      }
      return fresh;
    },
    close: () => sqs.destroy(),
  };
}

describe('stream-sync', () => {
  it('applies a batch as rows, and the same batch twice leaves the same rows', async () => {
    const batch = [record('connections', 'INSERT', connection('u1', 'c1', 1))];
    expect(await sync(batch)).toEqual({ batchItemFailures: [] });
    const first = await rows("SELECT * FROM connections WHERE user_id = 'u1'");
    expect(await sync(batch)).toEqual({ batchItemFailures: [] });
    const again = await rows("SELECT * FROM connections WHERE user_id = 'u1'");
    expect(again).toEqual(first);
    // The Data API returns json and jsonb values as JSON text.
    expect(first[0]).toMatchObject({ status: 'active', version: 1, expired: false });
    expect(JSON.parse(String(first[0]?.scopes))).toEqual(['read', 'write']);
  });

  it('keeps the higher version whatever the order: v2 then v1 leaves v2', async () => {
    await sync([record('connections', 'MODIFY', connection('u2', 'c1', 2, { status: { S: 'v2' } }))]);
    await sync([record('connections', 'INSERT', connection('u2', 'c1', 1, { status: { S: 'v1' } }))]);
    expect(await connectionRow('u2')).toMatchObject({ status: 'v2', version: 2 });
  });

  it('in one batch, the highest version of a key wins (one row per key in the statement)', async () => {
    await sync([
      record('connections', 'INSERT', connection('u3', 'c1', 1, { status: { S: 'one' } })),
      record('connections', 'MODIFY', connection('u3', 'c1', 3, { status: { S: 'three' } })),
      record('connections', 'MODIFY', connection('u3', 'c1', 2, { status: { S: 'two' } })),
    ]);
    expect(await connectionRow('u3')).toMatchObject({ status: 'three', version: 3 });
  });

  it('a removal is a tombstone a stale update cannot revive; a re-create with a higher version does', async () => {
    await sync([record('connections', 'INSERT', connection('u4', 'c1', 5))]);
    await sync([record('connections', 'REMOVE', connection('u4', 'c1', 5))]);
    expect(await connectionRow('u4')).toMatchObject({ deleted: true, version: 6 });
    await sync([record('connections', 'MODIFY', connection('u4', 'c1', 5, { status: { S: 'stale' } }))]);
    expect(await connectionRow('u4')).toMatchObject({ deleted: true, status: 'active' });
    await sync([record('connections', 'INSERT', connection('u4', 'c1', 1_796_000_000_000_000))]);
    expect(await connectionRow('u4')).toMatchObject({ deleted: false, version: 1_796_000_000_000_000 });
  });

  it('the same version with other content restores a row changed behind its back; a duplicate changes nothing', async () => {
    const batch = [
      record('connections', 'INSERT', connection('u-repair', 'c1', 3, { status: { S: 'active' } })),
    ];
    await sync(batch);
    const synced = await rows("SELECT synced_at FROM connections WHERE user_id = 'u-repair'");
    await sync(batch);
    expect(await rows("SELECT synced_at FROM connections WHERE user_id = 'u-repair'")).toEqual(synced);
    await rows("UPDATE connections SET status = 'tampered' WHERE user_id = 'u-repair'");
    await sync(batch);
    expect(await connectionRow('u-repair')).toMatchObject({ status: 'active', version: 3 });
  });

  it('a TTL expiry is a tombstone flagged expired', async () => {
    await sync([record('connections', 'INSERT', connection('u5', 'c1', 1))]);
    await sync([record('connections', 'REMOVE', connection('u5', 'c1', 1), { ttl: true })]);
    expect(await connectionRow('u5')).toMatchObject({ deleted: true, expired: true });
  });

  it('answers a record it cannot map in batchItemFailures, and applies the others', async () => {
    const poison = record('connections', 'INSERT', { userId: { S: 'u6' }, connectionId: { S: 'c1' } }); // no version
    const good = record('resources', 'INSERT', {
      connectionId: { S: 'c6' },
      resourceId: { S: 'r1' },
      kind: { S: 'folder' },
      version: { N: '1' },
      attributes: { M: { size: { N: '42' }, shared: { BOOL: true } } },
    });
    expect(await sync([poison, good])).toEqual({
      batchItemFailures: [{ itemIdentifier: poison.dynamodb.SequenceNumber }],
    });
    expect(
      await rows(
        "SELECT kind, attributes->>'size' AS size, attributes->'shared' AS shared FROM resources WHERE connection_id = 'c6'",
      ),
    ).toEqual([{ kind: 'folder', size: '42', shared: 'true' }]);
    expect(await connectionRow('u6')).toBeUndefined();
  });

  it('maps every DynamoDB type in the database: maps, lists in order, sets, NULL, exact numbers', async () => {
    await sync([
      record('resources', 'INSERT', {
        connectionId: { S: 'c-types' },
        resourceId: { N: '42' },
        version: { N: '1' },
        name: { N: '12345678901234567890.5' },
        attributes: {
          M: {
            list: { L: [{ S: 'b' }, { N: '1.50' }, { BOOL: false }, { NULL: true }] },
            nested: { M: { deep: { L: [{ M: { x: { N: '-3' } } }] } } },
            tags: { SS: ['x', 'y'] },
            sizes: { NS: ['1', '2.5'] },
            empty: { M: {} },
          },
        },
      }),
    ]);
    const [row] = await rows(
      "SELECT resource_id, name, attributes FROM resources WHERE connection_id = 'c-types'",
    );
    expect(row?.resource_id).toBe('42');
    expect(row?.name).toBe('12345678901234567890.5');
    expect(JSON.parse(String(row?.attributes))).toEqual({
      list: ['b', 1.5, false, null],
      nested: { deep: [{ x: -3 }] },
      tags: ['x', 'y'],
      sizes: [1, 2.5],
      empty: {},
    });
  });

  it('a value its column refuses fails that table’s records only, for the pipe to narrow down', async () => {
    const bad = record(
      'connections',
      'INSERT',
      connection('u7', 'c1', 1, { createdAt: { S: 'not a date' } }),
    );
    const other = record('resources', 'INSERT', {
      connectionId: { S: 'c7' },
      resourceId: { S: 'r1' },
      version: { N: '1' },
    });
    expect(await sync([bad, other])).toEqual({
      batchItemFailures: [{ itemIdentifier: bad.dynamodb.SequenceNumber }],
    });
    expect(await rows("SELECT resource_id FROM resources WHERE connection_id = 'c7'")).toEqual([
      { resource_id: 'r1' },
    ]);
  });
});

describe('the pipe from the streams (wf up deploys it)', () => {
  it('deploys one pipe per projected table', () => {
    expect(deployment.pipes).toEqual(['wf-stream-sync-connections', 'wf-stream-sync-resources']);
  });

  it('an item written to DynamoDB shows up in PostgreSQL, and its update too', async () => {
    const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
    try {
      const started = Date.now();
      await dynamodb.send(
        new PutItemCommand({
          TableName: deployment.tables.connections,
          Item: connection('live', 'c1', 1) as never,
        }),
      );
      await until(async () => (await connectionRow('live')) ?? undefined, 'the row');
      const latency = Date.now() - started;
      console.log(`write-to-row latency through the pipe: ${latency} ms`);
      await dynamodb.send(
        new PutItemCommand({
          TableName: deployment.tables.connections,
          Item: connection('live', 'c1', 2, { status: { S: 'paused' } }) as never,
        }),
      );
      await until(async () => ((await connectionRow('live'))?.version === 2 ? true : undefined), 'version 2');
      expect(await connectionRow('live')).toMatchObject({ status: 'paused', deleted: false });
    } finally {
      dynamodb.destroy();
    }
  });

  it('an item it cannot map ends in the dead-letter queue, and the keys after it keep flowing', async () => {
    const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
    const sqs = new SQSClient(cloud.sdkConfig('SQS'));
    try {
      await dynamodb.send(
        new PutItemCommand({
          TableName: deployment.tables.connections,
          Item: { userId: { S: 'poison' }, connectionId: { S: 'c1' } }, // no version
        }),
      );
      await dynamodb.send(
        new PutItemCommand({
          TableName: deployment.tables.connections,
          Item: connection('after', 'c1', 1) as never,
        }),
      );
      await until(async () => (await connectionRow('after')) ?? undefined, 'the row after the poison');
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'wf-stream-sync-dlq' }));
      const dead = await until(async () => {
        const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
        return out.Messages?.[0];
      }, 'the dead letter');
      expect(JSON.parse(dead.Body ?? '{}')).toMatchObject({ DDBStreamBatchInfo: { batchSize: 1 } });
      expect(await connectionRow('poison')).toBeUndefined();
    } finally {
      dynamodb.destroy();
      sqs.destroy();
    }
  }, 120_000);
  it('an item too large for one invocation ends in the dead-letter queue, not in endless retries', async () => {
    const dead = await watchDeadLetters();
    try {
      // DynamoDB takes items up to 400 KB; the stream record of this one is over the
      // 262,144-character limit of a Step Functions target on its own, so no batch can carry it.
      await put(connection('large', 'c1', 1, { notes: { S: 'x'.repeat(300_000) } }));
      await put(connection('after-large', 'c1', 1));
      await until(async () => (await connectionRow('after-large')) ?? undefined, 'the row after it');
      const [letter] = await until(async () => {
        const letters = await dead.read();
        return letters.length > 0 ? letters : undefined;
      }, 'the dead letter');
      expect(letter).toMatchObject({
        context: { condition: 'RetryAttemptsExhausted' },
        DDBStreamBatchInfo: { batchSize: 1 },
      });
      expect(await connectionRow('large')).toBeUndefined();
    } finally {
      dead.close();
    }
  }, 120_000);

  it('PostgreSQL stopped for a while: nothing is lost, and the lag recovers once it is back', async () => {
    const pipe = 'wf-stream-sync-connections';
    const dead = await watchDeadLetters();
    const keys = Array.from({ length: 20 }, (_, i) => `outage-${i}`);
    try {
      await cloud.database.stop();
      try {
        // The Data API answers as AWS does while the writer instance is unavailable.
        await expect(rows('SELECT 1')).rejects.toMatchObject({
          name: 'DatabaseUnavailableException',
          $metadata: { httpStatusCode: 504 },
        });
        for (const [i, key] of keys.entries()) {
          await put(connection(key, 'c1', 1));
          if (i % 2 === 0) await put(connection(key, 'c1', 2, { status: { S: 'updated' } }));
        }
        // The outage lasts long enough for the pipe to fall behind by seconds.
        await until(
          async () => ((await pipeStatus(pipe)).lagMs >= 3000 ? true : undefined),
          'the pipe to fall behind',
        );
        await sleep(3000);
      } finally {
        await cloud.database.start();
      }
      await until(
        async () => {
          const synced = await rows(
            `SELECT user_id, version, status FROM connections WHERE user_id LIKE 'outage-%' ORDER BY user_id`,
          );
          return synced.length === keys.length &&
            synced.every((r) => r.version === (r.status === 'updated' ? 2 : 1))
            ? synced
            : undefined;
        },
        'every row written during the outage',
        120_000,
      );
      const versions = await rows(
        `SELECT count(*) FILTER (WHERE version = 2) AS twos FROM connections WHERE user_id LIKE 'outage-%'`,
      );
      expect(versions).toEqual([{ twos: keys.length / 2 }]);
      await until(
        async () => ((await pipeStatus(pipe)).lagMs === 0 ? true : undefined),
        'the lag to recover',
      );
      expect(await dead.read()).toEqual([]);
    } finally {
      dead.close();
    }
  }, 240_000);
});

describe('the local cloud restarted mid-stream', () => {
  it('loses nothing and applies no version after a higher one', async () => {
    // Every change PostgreSQL actually makes to these rows, in the order it makes them.
    await rows('CREATE TABLE sync_audit (id bigserial PRIMARY KEY, user_id text, version bigint)');
    await rows(`CREATE FUNCTION sync_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO sync_audit (user_id, version) VALUES (NEW.user_id, NEW.version); RETURN NEW; END $$`);
    await rows(`CREATE TRIGGER sync_audit AFTER INSERT OR UPDATE ON connections FOR EACH ROW
      WHEN (NEW.user_id LIKE 'restart-%') EXECUTE FUNCTION sync_audit()`);
    const keys = Array.from({ length: 10 }, (_, i) => `restart-${i}`);
    const rounds = 12;
    const write = async (round: number) => {
      for (const key of keys) await put(connection(key, 'c1', round, { status: { S: `round ${round}` } }));
    };
    for (let round = 1; round <= rounds / 2; round++) await write(round);
    // Stop while the pipe is part way through: some rows synced, not all.
    await until(
      async () => ((await rows('SELECT count(*) AS n FROM sync_audit'))[0]?.n ? true : undefined),
      'the first rows',
    );
    await cloud.close();
    cloud = await startLocalCloud({ dataDir: dir });
    deployment = await deployLocally(cloud);
    for (let round = rounds / 2 + 1; round <= rounds; round++) await write(round);
    const final = await until(
      async () => {
        const synced = await rows(
          `SELECT user_id, version FROM connections WHERE user_id LIKE 'restart-%' AND version = ${rounds}`,
        );
        return synced.length === keys.length ? synced : undefined;
      },
      'every key at its last version',
      120_000,
    );
    expect(final).toHaveLength(keys.length);
    const audit = await rows('SELECT user_id, version FROM sync_audit ORDER BY id');
    for (const key of keys) {
      const applied = audit.filter((a) => a.user_id === key).map((a) => Number(a.version));
      // Strictly increasing: no version applied twice, none after a higher one.
      expect(applied, key).toEqual([...applied].sort((a, b) => a - b));
      expect(new Set(applied).size, key).toBe(applied.length);
      expect(applied.at(-1), key).toBe(rounds);
    }
    // The pipe resumed from its checkpoint: it did not read the stream again from the start.
    const status = await pipeStatus('wf-stream-sync-connections');
    expect(status.recordsRead).toBeLessThan(keys.length * rounds);
  }, 240_000);
});
