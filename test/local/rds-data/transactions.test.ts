import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres } from '../../../local/postgres/index.ts';
import { cluster, endpoint, failure, type Running, sql, start, stop, stopEndpoint } from './fixture.ts';

describe('local RDS Data API: transactions, through the AWS SDK', () => {
  let running: Running;
  /** The endpoint's clock: transactions expire by it, so no test waits three minutes. */
  const clock = { now: 1_700_000_000_000 };

  const begin = async (): Promise<string> => {
    const { transactionId } = await running.client.send(new BeginTransactionCommand(cluster));
    expect(transactionId).toMatch(/^[A-Za-z0-9+/=]{20,192}$/);
    return transactionId ?? '';
  };
  const commit = (transactionId: string) =>
    running.client.send(new CommitTransactionCommand({ ...cluster, transactionId }));
  const rollback = (transactionId: string) =>
    running.client.send(new RollbackTransactionCommand({ ...cluster, transactionId }));
  const insert = (id: string, transactionId?: string) =>
    sql(running, 'INSERT INTO notes (id) VALUES (:id)', [{ name: 'id', value: { stringValue: id } }], {
      ...(transactionId === undefined ? {} : { transactionId }),
    });
  const ids = async (): Promise<string[]> =>
    ((await sql(running, 'SELECT id FROM notes ORDER BY id')).records ?? []).map(
      (r) => r[0]?.stringValue ?? '',
    );

  beforeAll(async () => {
    running = await start({ now: () => clock.now, statementTimeoutMs: 2_000 });
    await sql(running, 'CREATE TABLE notes (id text PRIMARY KEY)');
  }, 120_000);

  beforeEach(async () => {
    await sql(running, 'DELETE FROM notes');
  });

  afterAll(async () => {
    await stop(running);
  }, 60_000);

  it('commits: rows are invisible outside the transaction until CommitTransaction', async () => {
    const id = await begin();
    expect((await insert('a', id)).numberOfRecordsUpdated).toBe(1);
    const inside = await sql(running, 'SELECT count(*) FROM notes', [], { transactionId: id });
    expect(inside.records).toEqual([[{ longValue: 1 }]]);
    expect(await ids()).toEqual([]);
    expect(await commit(id)).toMatchObject({ transactionStatus: 'Transaction Committed' });
    expect(await ids()).toEqual(['a']);
  });

  it('rolls back with RollbackTransaction, BatchExecute included', async () => {
    const id = await begin();
    await insert('a', id);
    await running.client.send(
      new BatchExecuteStatementCommand({
        ...cluster,
        transactionId: id,
        sql: 'INSERT INTO notes (id) VALUES (:id)',
        parameterSets: [
          [{ name: 'id', value: { stringValue: 'b' } }],
          [{ name: 'id', value: { stringValue: 'c' } }],
        ],
      }),
    );
    expect(await rollback(id)).toMatchObject({ transactionStatus: 'Rollback Complete' });
    expect(await ids()).toEqual([]);
  });

  it('answers an unknown or ended transaction id with "Transaction <id> is not found"', async () => {
    const unknown = await failure(insert('a', 'no-such-transaction'), 'BadRequestException');
    expect(unknown.message).toBe('Transaction no-such-transaction is not found');
    const id = await begin();
    await commit(id);
    expect((await failure(commit(id), 'BadRequestException')).message).toBe(`Transaction ${id} is not found`);
    await failure(rollback(id), 'BadRequestException');
  });

  it('ends a transaction whose statement fails, rolling back its earlier work', async () => {
    const id = await begin();
    await insert('a', id);
    await failure(insert('a', id), 'DatabaseErrorException');
    await failure(insert('b', id), 'BadRequestException');
    expect(await ids()).toEqual([]);
  });

  it('keeps a transaction whose call was refused before any SQL ran', async () => {
    const id = await begin();
    await insert('a', id);
    await failure(sql(running, 'SELECT :missing', [], { transactionId: id }), 'BadRequestException');
    await commit(id);
    expect(await ids()).toEqual(['a']);
  });

  it('rolls back a transaction that no call used for three minutes', async () => {
    const id = await begin();
    await insert('a', id);
    clock.now += 2 * 60_000;
    await insert('b', id);
    clock.now += 3 * 60_000 + 1;
    await failure(insert('c', id), 'BadRequestException');
    expect(await ids()).toEqual([]);
  });

  it('rolls back a transaction at its maximum lifetime (24 hours on AWS), however busy', async () => {
    const shortLived = await endpoint(running.postgres.url, {
      now: () => clock.now,
      transactionMaxLifetimeMs: 10 * 60_000,
    });
    try {
      const { transactionId = '' } = await shortLived.client.send(new BeginTransactionCommand(cluster));
      for (let minute = 2; minute <= 10; minute += 2) {
        clock.now += 2 * 60_000;
        await sql(shortLived, 'SELECT 1', [], { transactionId });
      }
      clock.now += 1;
      await failure(sql(shortLived, 'SELECT 1', [], { transactionId }), 'BadRequestException');
    } finally {
      await stopEndpoint(shortLived);
    }
  });

  it('runs one call at a time in a transaction', async () => {
    const id = await begin();
    const slow = sql(running, 'SELECT pg_sleep(0.3)', [], { transactionId: id });
    const busy = await failure(insert('a', id), 'DatabaseErrorException');
    expect(busy.message).toBe('Transaction is still running a query');
    await slow;
    await insert('a', id);
    await commit(id);
    expect(await ids()).toEqual(['a']);
  });

  it('refuses continueAfterTimeout inside a transaction', async () => {
    const id = await begin();
    await failure(
      sql(running, 'SELECT 1', [], { transactionId: id, continueAfterTimeout: true }),
      'BadRequestException',
    );
    await rollback(id);
  });

  // Last: it restarts the file's server.
  it('keeps committed data across a restart of PostgreSQL and the endpoint', async () => {
    const id = await begin();
    await sql(running, 'CREATE TABLE kept (id int PRIMARY KEY, note text)', [], { transactionId: id });
    await sql(running, "INSERT INTO kept VALUES (1, 'committed')", [], { transactionId: id });
    await commit(id);
    await stopEndpoint(running);
    await running.postgres.close();
    const postgres = await startPostgres({ dataDir: running.dir });
    running = { ...(await endpoint(postgres.url)), dir: running.dir, postgres };
    const result = await sql(running, 'SELECT id, note FROM kept');
    expect(result.records).toEqual([[{ longValue: 1 }, { stringValue: 'committed' }]]);
  }, 120_000);
});
