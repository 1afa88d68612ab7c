/**
 * Local DynamoDB throughput through the AWS SDK v3 client on 127.0.0.1: PutItem and GetItem
 * operations per second against the project's service (a table without a stream, and one with
 * a NEW_AND_OLD_IMAGES stream, where every put also writes a stream record), and, as the
 * baseline measured in the same run, against dynalite's own HTTP server on the same kind of
 * store (LevelDB on disk). Bounded: BENCH_OPS operations per phase (default 2,000), BENCH_ROUNDS
 * rounds (default 3, median reported), BENCH_CONCURRENCY requests in flight (default 8).
 *
 * Run: node --import tsx bench/dynamodb.ts
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { startDynamoDb } from '../local/dynamodb/index.ts';

const OPS = Number(process.env.BENCH_OPS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

type Rates = { put: number; get: number };

async function ready(client: DynamoDBClient, name: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new TypeError(`table ${name} never became ACTIVE`);
}

/** Runs `op(i)` for i in [0, OPS) with CONCURRENCY in flight; returns operations per second. */
async function rate(op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < OPS) await op(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return OPS / ((performance.now() - started) / 1000);
}

async function measure(endpoint: string, stream: boolean, round: number): Promise<Rates> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const name = `bench-${stream ? 'stream' : 'plain'}-${round}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
        : {}),
    }),
  );
  await ready(client, name);
  const item = (i: number) => ({ pk: { S: `item-${i}` }, n: { N: String(i) }, body: { S: 'x'.repeat(200) } });
  const put = await rate((i) => client.send(new PutItemCommand({ TableName: name, Item: item(i) })));
  const get = await rate((i) =>
    client.send(new GetItemCommand({ TableName: name, Key: { pk: { S: `item-${i}` } } })),
  );
  client.destroy();
  return { put, get };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function rounds(endpoint: string, stream: boolean): Promise<Rates> {
  const all: Rates[] = [];
  for (let r = 0; r < ROUNDS; r++) all.push(await measure(endpoint, stream, r));
  return { put: median(all.map((x) => x.put)), get: median(all.map((x) => x.get)) };
}

async function baseline(dir: string): Promise<Rates> {
  const dynalite = createRequire(import.meta.url)('dynalite') as (o: object) => Server;
  const server = dynalite({ path: join(dir, 'baseline'), createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await rounds(`http://127.0.0.1:${port}`, false);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

const dir = await mkdtemp(join(tmpdir(), 'bench-dynamodb-'));
try {
  const base = await baseline(dir);
  const service = await startDynamoDb({ dataDir: join(dir, 'service'), sweepIntervalMs: 0 });
  const plain = await rounds(service.endpoint, false);
  const streamed = await rounds(service.endpoint, true);
  await service.close();
  const row = (label: string, r: Rates) =>
    `${label.padEnd(34)} put ${r.put.toFixed(0).padStart(6)} ops/s (x${(r.put / base.put).toFixed(2)})` +
    `   get ${r.get.toFixed(0).padStart(6)} ops/s (x${(r.get / base.get).toFixed(2)})`;
  console.log(
    `${OPS} ops per phase, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds, AWS SDK v3 over 127.0.0.1`,
  );
  console.log(row('baseline: dynalite server', base));
  console.log(row('local service, no stream', plain));
  console.log(row('local service, NEW_AND_OLD stream', streamed));
  console.log(
    `put_ratio_no_stream=${(plain.put / base.put).toFixed(2)} put_ratio_stream=${(streamed.put / base.put).toFixed(2)}`,
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
