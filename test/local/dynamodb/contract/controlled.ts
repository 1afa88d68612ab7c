/**
 * Contract parts that need the target's controls: virtual time (TTL expiry, iterator expiry,
 * 24-hour trimming) and a restart on the same data. No test sleeps: the clock is moved.
 */
import {
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import {
  type ContractTarget,
  clients,
  createTable,
  drain,
  iterator,
  records,
  type TargetControls,
  tableName,
} from './harness.ts';

const HOUR = 60 * 60 * 1000;

export function controlledContract(target: () => ContractTarget): void {
  const c = () => clients(target().endpoint);
  const controls = (): TargetControls => {
    const found = target().controls;
    if (!found) throw new TypeError('this target has no controls');
    return found;
  };

  describe('with virtual time', () => {
    it('the TTL sweep deletes expired items only, with REMOVE records from the service', async () => {
      const name = tableName('ttl-sweep');
      const { table } = await createTable(c(), name, 'NEW_AND_OLD_IMAGES');
      await c().db.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' },
        }),
      );
      const nowS = Math.floor(controls().now() / 1000);
      const items = {
        expired: { N: String(nowS + 60) },
        future: { N: String(nowS + 7200) },
        text: { S: String(nowS - 60) },
        ancient: { N: String(nowS - 6 * 365 * 24 * 3600) },
      };
      for (const [pk, exp] of Object.entries(items)) {
        await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk }, exp } }));
      }
      expect(await controls().sweep()).toBe(0);
      controls().advance(HOUR);
      expect(await controls().sweep()).toBe(1);
      const gone = await c().db.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'expired' } } }));
      expect(gone.Item).toBeUndefined();
      const removes = (await records(c(), table.LatestStreamArn ?? '')).filter(
        (r) => r.eventName === 'REMOVE',
      );
      expect(removes).toHaveLength(1);
      expect(removes[0]?.userIdentity).toEqual({ Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' });
      expect(removes[0]?.dynamodb?.OldImage).toEqual({ pk: { S: 'expired' }, exp: items.expired });
    });

    it('an iterator expires 15 minutes after it was issued', async () => {
      const name = tableName('iter-expiry');
      const { table } = await createTable(c(), name, 'KEYS_ONLY');
      const start = await iterator(c(), table.LatestStreamArn ?? '', 'TRIM_HORIZON');
      controls().advance(15 * 60 * 1000 + 1);
      await expect(c().streams.send(new GetRecordsCommand({ ShardIterator: start }))).rejects.toMatchObject({
        name: 'ExpiredIteratorException',
      });
    });

    it('records older than 24 hours are trimmed; asking for them is TrimmedDataAccessException', async () => {
      const name = tableName('trim');
      const { table } = await createTable(c(), name, 'KEYS_ONLY');
      const arn = table.LatestStreamArn ?? '';
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'old' } } }));
      const [old] = await records(c(), arn);
      controls().advance(25 * HOUR);
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'new' } } }));
      await controls().sweep();
      const kept = await drain(c(), await iterator(c(), arn, 'TRIM_HORIZON'));
      expect(kept.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['new']);
      await expect(
        iterator(c(), arn, 'AT_SEQUENCE_NUMBER', old?.dynamodb?.SequenceNumber),
      ).rejects.toMatchObject({ name: 'TrimmedDataAccessException' });
    });
  });

  describe('across a restart', () => {
    it('keeps tables, items, stream records and TTL settings', async () => {
      const name = tableName('restart');
      const { table } = await createTable(c(), name, 'NEW_IMAGE');
      await c().db.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { Enabled: true, AttributeName: 'exp' },
        }),
      );
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'kept' } } }));
      const before = await records(c(), table.LatestStreamArn ?? '');
      await controls().restart();
      const item = await c().db.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'kept' } } }));
      expect(item.Item).toEqual({ pk: { S: 'kept' } });
      const ttl = await c().db.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('ENABLED');
      expect(await records(c(), table.LatestStreamArn ?? '')).toEqual(before);
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'after' } } }));
      const after = await records(c(), table.LatestStreamArn ?? '');
      expect(after).toHaveLength(2);
      expect(BigInt(after[1]?.dynamodb?.SequenceNumber ?? '0')).toBeGreaterThan(
        BigInt(after[0]?.dynamodb?.SequenceNumber ?? '0'),
      );
    });
  });
}
