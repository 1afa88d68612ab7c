/**
 * Migrations through the RDS Data API on the local PostgreSQL: applied in order and once, each
 * whole or not at all; the migrated schema is the one workflows/projections.ts declares.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, MigrationError, migrate, readMigrations, splitStatements } from '../../db/migrate.ts';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { PROJECTIONS, ROW_COLUMNS } from '../../workflows/projections.ts';

const START = 120_000;

describe('schema migrations', () => {
  let dir: string;
  let files: string;
  let cloud: LocalCloud;
  let client: RDSDataClient;
  const db = (database: string): Database => ({
    resourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:c',
    secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s',
    database,
  });
  const sql = async (database: string, text: string) =>
    JSON.parse(
      (
        await client.send(
          new ExecuteStatementCommand({ ...db(database), sql: text, formatRecordsAs: 'JSON' }),
        )
      ).formattedRecords ?? '[]',
    ) as Record<string, unknown>[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'migrate-'));
    files = await mkdtemp(join(tmpdir(), 'migrations-'));
    cloud = await startLocalCloud({ dataDir: dir });
    client = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
    for (const name of ['m1', 'm2']) await sql('postgres', `CREATE DATABASE ${name}`);
  }, START);
  afterAll(async () => {
    client?.destroy();
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(files, { recursive: true, force: true });
  }, START);

  it('creates every projected table with the declared columns and types, once', async () => {
    expect(await migrate(client, db('m1'))).toEqual(readMigrations().map((m) => m.name));
    expect(await migrate(client, db('m1'))).toEqual([]);
    for (const projection of Object.values(PROJECTIONS)) {
      const columns = await sql(
        'm1',
        `SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_name = '${projection.sqlTable}' ORDER BY ordinal_position`,
      );
      const declared = [...projection.key, ...projection.columns, ...ROW_COLUMNS].map((c) => ({
        name: c.column,
        type: {
          text: 'text',
          bigint: 'bigint',
          numeric: 'numeric',
          boolean: 'boolean',
          jsonb: 'jsonb',
          timestamptz: 'timestamp with time zone',
        }[c.type],
      }));
      expect(columns).toEqual(declared);
    }
  });

  it('rolls a failing migration back whole, names the file and the error, and refuses an edited one', async () => {
    await writeFile(join(files, '0001_good.sql'), 'CREATE TABLE a (id int);\n');
    await writeFile(join(files, '0002_bad.sql'), 'CREATE TABLE b (id int);\nCREATE TABLE a (id int);\n');
    await expect(migrate(client, db('m2'), readMigrations(files))).rejects.toThrow(
      /^0002_bad\.sql: .*"a" already exists.*\(rolled back, nothing of 0002_bad\.sql was applied/s,
    );
    // 0001 stays applied; nothing of 0002 (not even table b) was.
    expect(await sql('m2', "SELECT to_regclass('b') IS NULL AS gone")).toEqual([{ gone: true }]);
    await writeFile(join(files, '0002_bad.sql'), 'CREATE TABLE b (id int);\n');
    expect(await migrate(client, db('m2'), readMigrations(files))).toEqual(['0002_bad.sql']);
    await writeFile(join(files, '0001_good.sql'), 'CREATE TABLE a (id bigint);\n');
    await expect(migrate(client, db('m2'), readMigrations(files))).rejects.toThrow(MigrationError);
    await expect(migrate(client, db('m2'), readMigrations(files))).rejects.toThrow(
      /0001_good\.sql changed after it was applied/,
    );
  });

  it('splits a file into its statements at a ; that ends a line, leaving comment lines out', () => {
    expect(splitStatements("-- note\nCREATE TABLE a (x text DEFAULT ';');\n\nSELECT 1;\n")).toEqual([
      "CREATE TABLE a (x text DEFAULT ';')",
      'SELECT 1',
    ]);
  });
});
