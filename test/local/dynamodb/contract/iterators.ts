/** Iterator contract: where each ShardIteratorType starts, paging with Limit, bad iterators. */
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand } from '@aws-sdk/client-dynamodb-streams';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ContractTarget, clients, createTable, drain, iterator, records, tableName } from './harness.ts';

export function iteratorContract(target: () => ContractTarget): void {
  const c = () => clients(target().endpoint);
  let arn = '';
  let seqs: string[] = [];
  const put = (pk: string) => c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: pk } } }));
  let name = '';

  describe('shard iterators', () => {
    beforeAll(async () => {
      name = tableName('iterators');
      arn = (await createTable(c(), name, 'KEYS_ONLY')).table.LatestStreamArn ?? '';
      for (const pk of ['a', 'b', 'c']) await put(pk);
      seqs = (await records(c(), arn)).map((r) => r.dynamodb?.SequenceNumber ?? '');
    });

    const keys = async (start: string) => (await drain(c(), start)).map((r) => r.dynamodb?.Keys?.pk?.S);

    it('TRIM_HORIZON starts at the oldest record', async () => {
      expect(await keys(await iterator(c(), arn, 'TRIM_HORIZON'))).toEqual(['a', 'b', 'c']);
    });

    it('AT_SEQUENCE_NUMBER starts at that record, AFTER_SEQUENCE_NUMBER after it', async () => {
      expect(await keys(await iterator(c(), arn, 'AT_SEQUENCE_NUMBER', seqs[1]))).toEqual(['b', 'c']);
      expect(await keys(await iterator(c(), arn, 'AFTER_SEQUENCE_NUMBER', seqs[1]))).toEqual(['c']);
    });

    it('LATEST sees only what is written after it', async () => {
      const latest = await iterator(c(), arn, 'LATEST');
      const empty = await c().streams.send(new GetRecordsCommand({ ShardIterator: latest }));
      expect(empty.Records).toEqual([]);
      expect(empty.NextShardIterator).toBeTruthy();
      await put('d');
      expect(await keys(empty.NextShardIterator ?? '')).toEqual(['d']);
    });

    it('pages with Limit and NextShardIterator', async () => {
      const first = await c().streams.send(
        new GetRecordsCommand({ ShardIterator: await iterator(c(), arn, 'TRIM_HORIZON'), Limit: 2 }),
      );
      expect(first.Records?.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['a', 'b']);
      const second = await c().streams.send(
        new GetRecordsCommand({ ShardIterator: first.NextShardIterator, Limit: 2 }),
      );
      expect(second.Records?.map((r) => r.dynamodb?.Keys?.pk?.S)).toEqual(['c', 'd']);
    });

    it('an iterator can be read again and gives the same records', async () => {
      const start = await iterator(c(), arn, 'TRIM_HORIZON');
      expect(await keys(start)).toEqual(await keys(start));
    });

    it('refuses a Limit above 1000 and a sequence number past the shard', async () => {
      await expect(
        c().streams.send(
          new GetRecordsCommand({ ShardIterator: await iterator(c(), arn, 'LATEST'), Limit: 1001 }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
      // The error differs: ValidationException here, InternalFailure (500) from DynamoDB Local.
      await expect(iterator(c(), arn, 'AT_SEQUENCE_NUMBER', '9'.repeat(30))).rejects.toThrow();
    });

    it('says ResourceNotFoundException for an unknown stream', async () => {
      const unknown = `${arn.split('/stream/')[0]}-gone/stream/2020-01-01T00:00:00.000`;
      await expect(iterator(c(), unknown, 'TRIM_HORIZON')).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
    });
  });
}
