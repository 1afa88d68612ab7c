/** Streams contract: what a table with a stream records for each kind of write, per view type. */
import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  PutItemCommand,
  type StreamViewType,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import {
  type Clients,
  type ContractOptions,
  type ContractTarget,
  clients,
  createTable,
  records,
  tableName,
} from './harness.ts';

/** Insert, modify, an identical put (no record), remove. */
async function writeSequence(c: Clients, name: string) {
  await c.db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
  await c.db.send(
    new UpdateItemCommand({
      TableName: name,
      Key: { pk: { S: 'a' } },
      UpdateExpression: 'SET n = :n',
      ExpressionAttributeValues: { ':n': { N: '2' } },
    }),
  );
  await c.db.send(new PutItemCommand({ TableName: name, Item: { n: { N: '2' }, pk: { S: 'a' } } }));
  await c.db.send(new DeleteItemCommand({ TableName: name, Key: { pk: { S: 'a' } } }));
}

const v1 = { pk: { S: 'a' }, n: { N: '1' } };
const v2 = { pk: { S: 'a' }, n: { N: '2' } };
const IMAGES: Record<StreamViewType, { New: unknown[]; Old: unknown[] }> = {
  KEYS_ONLY: { New: [undefined, undefined, undefined], Old: [undefined, undefined, undefined] },
  NEW_IMAGE: { New: [v1, v2, undefined], Old: [undefined, undefined, undefined] },
  OLD_IMAGE: { New: [undefined, undefined, undefined], Old: [undefined, v1, v2] },
  NEW_AND_OLD_IMAGES: { New: [v1, v2, undefined], Old: [undefined, v1, v2] },
};

export function streamContract(target: () => ContractTarget, options: ContractOptions): void {
  const c = () => clients(target().endpoint);

  describe('tables with streams', () => {
    it('reports the stream in CreateTable and DescribeTable', async () => {
      const name = tableName('streams-create');
      const { created, table } = await createTable(c(), name, 'NEW_AND_OLD_IMAGES');
      expect(created?.StreamSpecification).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
      expect(created?.LatestStreamArn).toMatch(
        new RegExp(`^arn:aws:dynamodb:[^:]+:\\d+:table/${name}/stream/`),
      );
      expect(table.LatestStreamArn).toBe(created?.LatestStreamArn);
      expect(table.LatestStreamLabel).toBe(created?.LatestStreamArn?.split('/stream/')[1]);
    });

    it.each(Object.keys(IMAGES) as StreamViewType[])(
      'records INSERT, MODIFY, REMOVE with %s images',
      async (view) => {
        const name = tableName(`streams-${view.toLowerCase().replaceAll('_', '-')}`);
        const { table } = await createTable(c(), name, view);
        await writeSequence(c(), name);
        const got = await records(c(), table.LatestStreamArn ?? '');
        expect(got.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
        expect(got.map((r) => r.dynamodb?.NewImage)).toEqual(IMAGES[view].New);
        expect(got.map((r) => r.dynamodb?.OldImage)).toEqual(IMAGES[view].Old);
        for (const r of got) {
          expect(r).toMatchObject({
            eventVersion: '1.1',
            eventSource: 'aws:dynamodb',
            awsRegion: options.recordRegion,
          });
          // AWS sends 32 hex digits, DynamoDB Local a dashed UUID: unique is what consumers rely on.
          expect(r.eventID).toMatch(/^[0-9a-f-]{32,36}$/);
          expect(r.dynamodb).toMatchObject({ Keys: { pk: { S: 'a' } }, StreamViewType: view });
          expect(r.dynamodb?.SizeBytes).toBeGreaterThan(0);
          expect(r.dynamodb?.ApproximateCreationDateTime).toBeInstanceOf(Date);
          expect(r.userIdentity).toBeUndefined();
        }
        const numbers = got.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? ''));
        expect(numbers).toEqual([...numbers].sort((a, b) => (a < b ? -1 : 1)));
        expect(new Set(numbers).size).toBe(numbers.length);
      },
    );

    it('writes no record for a table without a stream, nor for a delete of a missing item', async () => {
      const name = tableName('streams-none');
      const { table } = await createTable(c(), name);
      expect(table.LatestStreamArn).toBeUndefined();
      await c().db.send(new PutItemCommand({ TableName: name, Item: v1 }));
      const withStream = tableName('streams-missing');
      const { table: streamed } = await createTable(c(), withStream, 'KEYS_ONLY');
      await c().db.send(new DeleteItemCommand({ TableName: withStream, Key: { pk: { S: 'none' } } }));
      expect(await records(c(), streamed.LatestStreamArn ?? '')).toEqual([]);
    });

    it('records each write of a BatchWriteItem', async () => {
      const name = tableName('streams-batch');
      const { table } = await createTable(c(), name, 'KEYS_ONLY');
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'gone' } } }));
      await c().db.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [name]: [
              { PutRequest: { Item: { pk: { S: 'new' } } } },
              { DeleteRequest: { Key: { pk: { S: 'gone' } } } },
            ],
          },
        }),
      );
      const got = await records(c(), table.LatestStreamArn ?? '');
      const events = got.map((r) => `${r.eventName} ${r.dynamodb?.Keys?.pk?.S}`).sort();
      expect(events).toEqual(['INSERT gone', 'INSERT new', 'REMOVE gone']);
    });

    it('lists streams by table and describes the open shard', async () => {
      const name = tableName('streams-list');
      const { table } = await createTable(c(), name, 'KEYS_ONLY');
      const { Streams } = await c().streams.send(new ListStreamsCommand({ TableName: name }));
      expect(Streams).toEqual([
        { StreamArn: table.LatestStreamArn, TableName: name, StreamLabel: table.LatestStreamLabel },
      ]);
      const { StreamDescription: d } = await c().streams.send(
        new DescribeStreamCommand({ StreamArn: table.LatestStreamArn }),
      );
      expect(d).toMatchObject({
        StreamArn: table.LatestStreamArn,
        StreamLabel: table.LatestStreamLabel,
        StreamStatus: 'ENABLED',
        StreamViewType: 'KEYS_ONLY',
        TableName: name,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      });
      expect(d?.Shards?.[0]?.ShardId).toMatch(/^shardId-/);
      expect(d?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d+$/);
      expect(d?.Shards?.[0]?.SequenceNumberRange?.EndingSequenceNumber).toBeUndefined();
    });

    it('disables and re-enables a stream through UpdateTable', async () => {
      const name = tableName('streams-toggle');
      const { table } = await createTable(c(), name, 'NEW_IMAGE');
      const first = table.LatestStreamArn ?? '';
      await c().db.send(
        new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: false } }),
      );
      await c().db.send(new PutItemCommand({ TableName: name, Item: v1 }));
      const { StreamDescription } = await c().streams.send(new DescribeStreamCommand({ StreamArn: first }));
      expect(['DISABLING', 'DISABLED']).toContain(StreamDescription?.StreamStatus);
      expect(await records(c(), first)).toEqual([]);
      const { TableDescription } = await c().db.send(
        new UpdateTableCommand({
          TableName: name,
          StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' },
        }),
      );
      expect(TableDescription?.LatestStreamArn).not.toBe(first);
      const { Table } = await c().db.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'KEYS_ONLY' });
    });

    it('refuses to enable a stream that is already enabled', async () => {
      const name = tableName('streams-twice');
      await createTable(c(), name, 'KEYS_ONLY');
      await expect(
        c().db.send(
          new UpdateTableCommand({
            TableName: name,
            StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
}
