import {
  BatchExecuteStatementCommand,
  DatabaseErrorException,
  ExecuteSqlCommand,
  ExecuteStatementCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cluster,
  type Endpoint,
  endpoint,
  failure,
  type Running,
  sql,
  start,
  stop,
  stopEndpoint,
} from './fixture.ts';

const UPSERT = `INSERT INTO items AS t (id, version, body) VALUES (:id, :version, :body)
  ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body
  WHERE excluded.version > t.version`;

function item(id: string, version: number, body: string): SqlParameter[] {
  return [
    { name: 'id', value: { stringValue: id } },
    { name: 'version', value: { longValue: version } },
    { name: 'body', value: { stringValue: body } },
  ];
}

/** Polls a real server for a state that another backend reaches shortly (bounded: 5 s). */
async function eventually<T>(probe: () => Promise<T>, wanted: T): Promise<T> {
  let value = await probe();
  for (let i = 0; i < 100 && value !== wanted; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  return value;
}

describe('local RDS Data API: statements, through the AWS SDK', () => {
  let running: Running;
  /** A second endpoint on the same server with a short statement timeout. */
  let hasty: Endpoint;

  beforeAll(async () => {
    running = await start();
    hasty = await endpoint(running.postgres.url, { statementTimeoutMs: 300 });
    await sql(running, 'CREATE TABLE items (id text PRIMARY KEY, version bigint NOT NULL, body text)');
  }, 120_000);

  afterAll(async () => {
    await stopEndpoint(hasty);
    await stop(running);
  }, 60_000);

  it('reports an idempotent upsert with a version guard as 1 record updated, then 0', async () => {
    const first = await sql(running, UPSERT, item('a', 1, 'one'));
    expect(first).toMatchObject({ numberOfRecordsUpdated: 1, generatedFields: [] });
    expect(first.records).toBeUndefined();
    expect((await sql(running, UPSERT, item('a', 1, 'one'))).numberOfRecordsUpdated).toBe(0);
    expect((await sql(running, UPSERT, item('a', 2, 'two'))).numberOfRecordsUpdated).toBe(1);
    expect((await sql(running, UPSERT, item('a', 1, 'stale'))).numberOfRecordsUpdated).toBe(0);
    const row = await sql(running, "SELECT version, body FROM items WHERE id = 'a'");
    expect(row.records).toEqual([[{ longValue: 2 }, { stringValue: 'two' }]]);
  });

  it('runs BatchExecute once per parameter set, and all or nothing outside a transaction', async () => {
    const batch = await running.client.send(
      new BatchExecuteStatementCommand({
        ...cluster,
        sql: UPSERT,
        parameterSets: [item('b1', 1, 'x'), item('b2', 1, 'y'), item('b3', 1, 'z')],
      }),
    );
    expect(batch.updateResults).toEqual([
      { generatedFields: [] },
      { generatedFields: [] },
      { generatedFields: [] },
    ]);
    const insert = 'INSERT INTO items (id, version) VALUES (:id, :version)';
    await failure(
      running.client.send(
        new BatchExecuteStatementCommand({
          ...cluster,
          sql: insert,
          parameterSets: [item('c1', 1, '').slice(0, 2), item('b1', 1, '').slice(0, 2)],
        }),
      ),
      'DatabaseErrorException',
    );
    const count = await sql(running, "SELECT count(*) FROM items WHERE id LIKE 'b%' OR id = 'c1'");
    expect(count.records).toEqual([[{ longValue: 3 }]]);
  });

  it('answers a SQL error with DatabaseErrorException in the driver’s words and the SQLState', async () => {
    const duplicate = await failure(
      sql(running, 'INSERT INTO items (id, version) VALUES (:id, 1)', [
        { name: 'id', value: { stringValue: 'a' } },
      ]),
      'DatabaseErrorException',
    );
    expect(duplicate).toBeInstanceOf(DatabaseErrorException);
    expect(duplicate.message).toBe(
      'ERROR: duplicate key value violates unique constraint "items_pkey"\n' +
        '  Detail: Key (id)=(a) already exists.; SQLState: 23505',
    );
    const missing = await failure(sql(running, 'SELECT * FROM nowhere'), 'DatabaseErrorException');
    expect(missing.message).toBe('ERROR: relation "nowhere" does not exist\n  Position: 15; SQLState: 42P01');
    const several = await failure(sql(running, 'SELECT 1; SELECT 2'), 'DatabaseErrorException');
    expect(several.message).toContain('SQLState: 42601');
  });

  it('runs on the database a request names, on the URL’s database when it names none', async () => {
    await sql(running, 'CREATE DATABASE other');
    const named = await running.client.send(
      new ExecuteStatementCommand({ ...cluster, database: 'other', sql: 'SELECT current_database()' }),
    );
    expect(named.records).toEqual([[{ stringValue: 'other' }]]);
    expect((await sql(running, 'SELECT current_database()')).records).toEqual([
      [{ stringValue: 'postgres' }],
    ]);
    const missing = await failure(
      running.client.send(new ExecuteStatementCommand({ ...cluster, database: 'nope', sql: 'SELECT 1' })),
      'DatabaseErrorException',
    );
    expect(missing.message).toBe('FATAL: database "nope" does not exist; SQLState: 3D000');
  });

  it('reads :name only outside strings, identifiers, comments and casts', async () => {
    const result = await sql(
      running,
      `SELECT ':a' AS "x:a", E'\\':a' AS e, :a::text AS cast, :a AS again -- :nope
       /* :nope /* nested :nope */ */`,
      [{ name: 'a', value: { stringValue: 'A' } }],
    );
    expect(result.records).toEqual([
      [{ stringValue: ':a' }, { stringValue: "':a" }, { stringValue: 'A' }, { stringValue: 'A' }],
    ]);
  });

  it('refuses requests the Data API refuses, with BadRequestException', async () => {
    const missing = await failure(sql(running, 'SELECT :x'), 'BadRequestException');
    expect(missing.message).toContain('no parameter named "x"');
    await failure(
      sql(running, 'SELECT $$ :x $$', [{ name: 'x', value: { longValue: 1 } }]),
      'BadRequestException',
    );
    await failure(
      running.client.send(new ExecuteStatementCommand({ ...cluster, sql: 'SELECT 1', schema: 'public' })),
      'BadRequestException',
    );
    const legacy = await failure(
      running.client.send(
        new ExecuteSqlCommand({
          dbClusterOrInstanceArn: cluster.resourceArn,
          awsSecretStoreArn: cluster.secretArn,
          sqlStatements: 'SELECT 1',
        }),
      ),
      'BadRequestException',
    );
    expect(legacy.message).toContain('ExecuteStatement');
  });

  it('refuses a result over 1 MiB and a row over 64 KB', async () => {
    const big = await failure(
      sql(running, "SELECT repeat('x', 60000) FROM generate_series(1, 20)"),
      'UnsupportedResultException',
    );
    expect(big.message).toBe('The result exceeds the size limit 1 MB');
    const wide = await failure(sql(running, "SELECT repeat('x', 70000)"), 'UnsupportedResultException');
    expect(wide.message).toBe('Packet for query is too large');
  });

  it('cuts a statement off at the statement timeout and cancels it', async () => {
    const error = await failure(sql(hasty, 'SELECT pg_sleep(5)'), 'StatementTimeoutException');
    expect(error.message).toBe('Request timed out');
    expect(error.dbConnectionId).toBeGreaterThan(0);
    // The backend stops running it (the cancel is on its way as the answer leaves).
    const active =
      "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(5)' AND state = 'active'";
    expect(await eventually(async () => (await sql(running, active)).records?.[0]?.[0]?.longValue, 0)).toBe(
      0,
    );
    expect((await sql(hasty, 'SELECT 1')).records).toEqual([[{ longValue: 1 }]]);
  });

  it('lets the statement finish after the timeout with continueAfterTimeout', async () => {
    await failure(
      sql(hasty, "INSERT INTO items (id, version) SELECT 'late', 1 FROM pg_sleep(0.6)", [], {
        continueAfterTimeout: true,
      }),
      'StatementTimeoutException',
    );
    const late = "SELECT count(*) FROM items WHERE id = 'late'";
    expect(await eventually(async () => (await sql(running, late)).records?.[0]?.[0]?.longValue, 1)).toBe(1);
  });
});
