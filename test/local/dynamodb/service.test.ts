/**
 * What only the project's local DynamoDB has: the in-process stream subscription for the Pipes
 * runner, the endpoint variables, the refusals of what dynalite would drop, the data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbDataError,
  type DynamoDbService,
  type StreamEvent,
  startDynamoDb,
} from '../../../local/dynamodb/index.ts';
import { clients, createTable, tableName } from './contract/harness.ts';

describe('local DynamoDB service', () => {
  let dir = '';
  let service: DynamoDbService;
  const c = () => clients(service.endpoint);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dynamodb-service-'));
    service = await startDynamoDb({ dataDir: dir, sweepIntervalMs: 0 });
  });
  afterAll(async () => {
    await service.close();
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers new records to subscribers in order, in the Pipes event shape', async () => {
    const name = tableName('subscribe');
    const { table } = await createTable(c(), name, 'NEW_IMAGE');
    const arn = service.streams.latestStreamArn(name);
    expect(arn).toBe(table.LatestStreamArn);
    const seen: StreamEvent[] = [];
    let arrived: () => void = () => {};
    const both = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const stop = service.streams.subscribe(arn ?? '', async (event) => {
      seen.push(event);
      if (seen.length === 2) arrived();
    });
    for (const pk of ['a', 'b']) {
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk } } }));
    }
    await both;
    stop();
    expect(seen.map((e) => e.dynamodb.Keys.pk)).toEqual([{ S: 'a' }, { S: 'b' }]);
    expect(seen[0]).toMatchObject({ eventSourceARN: arn, eventName: 'INSERT', eventSource: 'aws:dynamodb' });
    const after = seen[0]?.dynamodb.SequenceNumber;
    expect(
      service.streams.read(arn ?? '', { afterSequenceNumber: after }).map((e) => e.dynamodb.Keys),
    ).toEqual([{ pk: { S: 'b' } }]);
  });

  it('gives TTL deletions the service identity in the Pipes spelling', async () => {
    let now = Date.parse('2030-01-01T00:00:00Z');
    const own = await mkdtemp(join(tmpdir(), 'dynamodb-ttl-'));
    const ttl = await startDynamoDb({ dataDir: own, now: () => now, sweepIntervalMs: 0 });
    try {
      const t = clients(ttl.endpoint);
      const name = tableName('ttl-event');
      await createTable(t, name, 'KEYS_ONLY');
      await t.db.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' },
        }),
      );
      await t.db.send(
        new PutItemCommand({ TableName: name, Item: { pk: { S: 'x' }, exp: { N: String(now / 1000) } } }),
      );
      now += 1000;
      expect(await ttl.sweep()).toBe(1);
      const [insert, remove] = ttl.streams.read(ttl.streams.latestStreamArn(name) ?? '');
      expect(insert?.userIdentity).toBeUndefined();
      expect(remove?.userIdentity).toEqual({ type: 'Service', principalId: 'dynamodb.amazonaws.com' });
    } finally {
      await ttl.close();
      await rm(own, { recursive: true, force: true });
    }
  });

  it('serves both APIs on one endpoint, reached through the standard endpoint variables', async () => {
    expect(service.environment).toEqual({
      AWS_ENDPOINT_URL_DYNAMODB: service.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: service.endpoint,
    });
    const saved = { ...process.env };
    Object.assign(process.env, service.environment);
    try {
      const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
      const streams = new DynamoDBStreamsClient({ region: 'us-east-1', credentials });
      await expect(streams.send(new ListStreamsCommand({}))).resolves.toHaveProperty('Streams');
    } finally {
      for (const key of Object.keys(service.environment)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });

  it('refuses members dynalite would drop, naming them', async () => {
    const create = c().db.send(
      new CreateTableCommand({
        TableName: tableName('sse'),
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { Enabled: true },
      }),
    );
    await expect(create).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('SSESpecification on CreateTable'),
    });
    const nested = c().db.send(
      new CreateTableCommand({
        TableName: tableName('gsi-throughput'),
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'x', AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byX',
            KeySchema: [{ AttributeName: 'x', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'ALL' },
            OnDemandThroughput: { MaxReadRequestUnits: 10 },
          },
        ],
      }),
    );
    await expect(nested).rejects.toMatchObject({
      message: expect.stringContaining('GlobalSecondaryIndexes.0.OnDemandThroughput'),
    });
    const name = tableName('gsi');
    await createTable(c(), name);
    const index = c().db.send(
      new UpdateTableCommand({
        TableName: name,
        GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byX' } }],
      }),
    );
    await expect(index).rejects.toMatchObject({ message: expect.stringContaining('global secondary index') });
  });

  it('reports the item count and size in DescribeTable (dynalite leaves them at 0)', async () => {
    const name = tableName('sizes');
    await createTable(c(), name, 'NEW_IMAGE');
    const describe = async () => (await c().db.send(new DescribeTableCommand({ TableName: name }))).Table;
    expect(await describe()).toMatchObject({ ItemCount: 0, TableSizeBytes: 0 });
    for (const pk of ['a', 'b', 'c']) {
      await c().db.send(
        new PutItemCommand({ TableName: name, Item: { pk: { S: pk }, v: { S: 'x'.repeat(100) } } }),
      );
    }
    const table = await describe();
    expect(table?.ItemCount).toBe(3);
    // Each item: "pk" (2) + its value (1) + "v" (1) + 100 bytes, as DynamoDB sizes items.
    expect(table?.TableSizeBytes).toBe(3 * (2 + 1 + 1 + 100));
  });

  it('answers an operation it does not have with UnknownOperationException', async () => {
    const db = new DynamoDBClient({
      endpoint: service.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await expect(db.send(new TransactGetItemsCommand({ TransactItems: [] }))).rejects.toMatchObject({
      name: 'UnknownOperationException',
    });
  });

  it('repeats a transaction with the same token once, and refuses the token for another request', async () => {
    const name = tableName('idempotent');
    const { table } = await createTable(c(), name, 'KEYS_ONLY');
    // ADD changes the item each time it is applied: a second application would show as MODIFY.
    const add = (pk: string) => ({
      Update: {
        TableName: name,
        Key: { pk: { S: pk } },
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': { N: '1' } },
      },
    });
    const send = (pk: string) =>
      c().db.send(new TransactWriteItemsCommand({ ClientRequestToken: 'token-1', TransactItems: [add(pk)] }));
    await send('a');
    await send('a');
    expect(service.streams.read(table.LatestStreamArn ?? '').map((e) => e.eventName)).toEqual(['INSERT']);
    await expect(send('b')).rejects.toMatchObject({ name: 'IdempotentParameterMismatchException' });
  });

  it('finishes on start a table a stop left CREATING', async () => {
    const own = await mkdtemp(join(tmpdir(), 'dynamodb-settle-'));
    // dynalite flips CREATING to ACTIVE on a timer; a stop inside that window leaves CREATING.
    const slow = await startDynamoDb({ dataDir: own, sweepIntervalMs: 0, tableTransitionMs: 2000 });
    const name = tableName('settle');
    const created = await clients(slow.endpoint).db.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    expect(created.TableDescription?.TableStatus).toBe('CREATING');
    await slow.close();
    const again = await startDynamoDb({ dataDir: own, sweepIntervalMs: 0 });
    try {
      const { Table } = await clients(again.endpoint).db.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.TableStatus).toBe('ACTIVE');
    } finally {
      await again.close();
      await rm(own, { recursive: true, force: true });
    }
  });

  it('refuses a second service on the same data directory with a DynamoDbDataError', async () => {
    await expect(startDynamoDb({ dataDir: dir })).rejects.toBeInstanceOf(DynamoDbDataError);
  });
});
