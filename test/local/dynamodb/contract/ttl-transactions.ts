/** Contract for Time to Live settings and TransactWriteItems. */
import {
  DescribeTimeToLiveCommand,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { type ContractTarget, clients, createTable, records, tableName } from './harness.ts';

export function ttlContract(target: () => ContractTarget): void {
  const c = () => clients(target().endpoint);

  describe('Time to Live settings', () => {
    it('is DISABLED until enabled, then ENABLED on the named attribute', async () => {
      const name = tableName('ttl-settings');
      await createTable(c(), name);
      const before = await c().db.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(before.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'DISABLED' });
      const spec = { Enabled: true, AttributeName: 'expiresAt' };
      const updated = await c().db.send(
        new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: spec }),
      );
      expect(updated.TimeToLiveSpecification).toEqual(spec);
      const after = await c().db.send(new DescribeTimeToLiveCommand({ TableName: name }));
      expect(after.TimeToLiveDescription).toEqual({
        TimeToLiveStatus: 'ENABLED',
        AttributeName: 'expiresAt',
      });
      await expect(
        c().db.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: spec })),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });

    it('says ResourceNotFoundException for a table that does not exist', async () => {
      await expect(
        c().db.send(new DescribeTimeToLiveCommand({ TableName: tableName('ttl-missing') })),
      ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    });
  });

  describe('TransactWriteItems', () => {
    it('applies every action, each one change on the stream', async () => {
      const name = tableName('tx-ok');
      const { table } = await createTable(c(), name, 'NEW_AND_OLD_IMAGES');
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
      await c().db.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: name,
                Key: { pk: { S: 'a' } },
                ConditionExpression: 'n = :one',
                ExpressionAttributeValues: { ':one': { N: '1' } },
              },
            },
            {
              Put: {
                TableName: name,
                Item: { pk: { S: 'b' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: name,
                Key: { pk: { S: 'c' } },
                UpdateExpression: 'SET n = :n',
                ExpressionAttributeValues: { ':n': { N: '5' } },
              },
            },
          ],
        }),
      );
      const c5 = await c().db.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'c' } } }));
      expect(c5.Item).toEqual({ pk: { S: 'c' }, n: { N: '5' } });
      const got = await records(c(), table.LatestStreamArn ?? '');
      expect(got.map((r) => [r.eventName, r.dynamodb?.Keys?.pk?.S])).toEqual([
        ['INSERT', 'a'],
        ['INSERT', 'b'],
        ['INSERT', 'c'],
      ]);
    });

    it('applies none when one condition fails, and says which', async () => {
      const name = tableName('tx-cancel');
      await createTable(c(), name);
      await c().db.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' }, n: { N: '1' } } }));
      const error = await c()
        .db.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: name, Item: { pk: { S: 'b' } } } },
              {
                ConditionCheck: {
                  TableName: name,
                  Key: { pk: { S: 'a' } },
                  ConditionExpression: 'n = :two',
                  ExpressionAttributeValues: { ':two': { N: '2' } },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionCanceledException);
      const reasons = (error as TransactionCanceledException).CancellationReasons;
      expect(reasons?.map((r) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
      expect(reasons?.[1]?.Item).toEqual({ pk: { S: 'a' }, n: { N: '1' } });
      const b = await c().db.send(new GetItemCommand({ TableName: name, Key: { pk: { S: 'b' } } }));
      expect(b.Item).toBeUndefined();
    });

    it('refuses two actions on one item', async () => {
      const name = tableName('tx-dup');
      await createTable(c(), name);
      await expect(
        c().db.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: name, Item: { pk: { S: 'a' } } } },
              { Delete: { TableName: name, Key: { pk: { S: 'a' } } } },
            ],
          }),
        ),
      ).rejects.toMatchObject({ name: 'ValidationException' });
    });
  });
}
