/**
 * The schema-migrations custom resource's handler, called as the provider framework calls it, on
 * the local RDS Data API over a real PostgreSQL: Create and Update migrate, Delete touches
 * nothing, a failing file fails the event with its name and the database's error, and a resuming
 * database is waited for.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseResumingException, ExecuteStatementCommand } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DataApiClient,
  DatabaseResumeError,
  MigrationError,
  migrationsHash,
  readMigrations,
} from '../../db/migrate.ts';
import { type MigrationsEvent, migrationsHandler } from '../../db/migrate-handler.ts';
import { cluster, type Running, start, stop } from '../local/rds-data/fixture.ts';

const START = 120_000;

describe('the schema-migrations custom resource handler', () => {
  let running: Running;
  let files: string;
  const sql = async (database: string, text: string) =>
    JSON.parse(
      (
        await running.client.send(
          new ExecuteStatementCommand({ ...cluster, database, sql: text, formatRecordsAs: 'JSON' }),
        )
      ).formattedRecords ?? '[]',
    ) as Record<string, unknown>[];
  /** The client the handler gets: the real endpoint, with every call it makes counted. */
  const counting = () => {
    const calls: string[] = [];
    const client: DataApiClient = {
      send: ((command: { constructor: { name: string } }) => {
        calls.push(command.constructor.name);
        return (running.client.send as (c: unknown) => Promise<unknown>)(command);
      }) as DataApiClient['send'],
    };
    return { client, calls };
  };
  const properties = (database: string, dir?: string) => ({
    ServiceToken: 'arn:aws:lambda:us-east-1:111111111111:function:framework-onEvent',
    ResourceArn: cluster.resourceArn,
    SecretArn: cluster.secretArn,
    Database: database,
    MigrationsHash: migrationsHash(readMigrations(dir)),
  });
  /** What CloudFormation sends, through the framework (its ResponseURL stays with the framework). */
  const event = (
    RequestType: 'Create' | 'Update' | 'Delete',
    props: Record<string, string>,
    PhysicalResourceId?: string,
    old: Record<string, string> = props,
  ): MigrationsEvent =>
    ({
      RequestType,
      ServiceToken: props.ServiceToken,
      ResponseURL: '...',
      StackId: 'arn:aws:cloudformation:us-east-1:111111111111:stack/test-data/1',
      RequestId: 'r1',
      LogicalResourceId: 'SchemaMigrationsA6E9AE51',
      ResourceType: 'Custom::SchemaMigrations',
      ResourceProperties: props,
      ...(PhysicalResourceId === undefined ? {} : { PhysicalResourceId, OldResourceProperties: old }),
    }) as MigrationsEvent;
  const quiet = () => undefined;

  beforeAll(async () => {
    running = await start();
    files = await mkdtemp(join(tmpdir(), 'migrations-'));
    for (const name of ['h1', 'h2', 'h3', 'h4', 'h5']) {
      await running.client.send(
        new ExecuteStatementCommand({ ...cluster, database: 'postgres', sql: `CREATE DATABASE ${name}` }),
      );
    }
  }, START);
  afterAll(async () => {
    await stop(running);
    if (files !== undefined) await rm(files, { recursive: true, force: true });
  }, START);

  it('on Create applies every migration and answers the database as its id, with what it applied', async () => {
    const log: string[] = [];
    const handler = migrationsHandler({ client: running.client, log: (line) => log.push(line) });
    const names = readMigrations().map((m) => m.name);
    expect(await handler(event('Create', properties('h1')))).toEqual({
      PhysicalResourceId: `${cluster.resourceArn}/h1`,
      Data: {
        Applied: String(names.length),
        Latest: names.at(-1),
        MigrationsHash: migrationsHash(readMigrations()),
      },
    });
    expect((await sql('h1', 'SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name)).toEqual(
      names,
    );
    expect(await sql('h1', "SELECT to_regclass('connections') IS NOT NULL AS created")).toEqual([
      { created: true },
    ]);
    expect(log).toEqual([`Applied to database h1: ${names.join(', ')}.`]);
  });

  it('changes nothing on a second Create or an Update with the same set', async () => {
    const handler = migrationsHandler({ client: running.client, log: quiet });
    const first = await handler(event('Create', properties('h2')));
    const before = await sql('h2', 'SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name');
    const again = await handler(event('Create', properties('h2')));
    const update = await handler(event('Update', properties('h2'), first.PhysicalResourceId));
    for (const response of [again, update]) {
      expect(response).toEqual({ ...first, Data: { ...first.Data, Applied: '0' } });
    }
    expect(await sql('h2', 'SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name')).toEqual(
      before,
    );
  });

  it('applies an added file on Update, and fails on a broken one with its name and the database error', async () => {
    const handler = (dir: string) =>
      migrationsHandler({ client: running.client, migrations: () => readMigrations(dir), log: quiet });
    await writeFile(join(files, '0001_notes.sql'), 'CREATE TABLE notes (id int PRIMARY KEY);\n');
    const created = await handler(files)(event('Create', properties('h3', files)));
    expect(created.Data?.Applied).toBe('1');

    await writeFile(join(files, '0002_notes_text.sql'), 'ALTER TABLE notes ADD COLUMN text text;\n');
    // The second statement fails: the first (table `tags`) must be rolled back with it.
    await writeFile(
      join(files, '0003_index_missing.sql'),
      'CREATE TABLE tags (id int);\nCREATE INDEX notes_missing ON notes (missing);\n',
    );
    const failure = await handler(files)(event('Update', properties('h3', files), created.PhysicalResourceId))
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as MigrationError).migration).toBe('0003_index_missing.sql');
    expect((failure as Error).message).toMatch(
      /^0003_index_missing\.sql: ERROR: column "missing" does not exist.*\(rolled back, nothing of 0003_index_missing\.sql was applied: fix the file and deploy again\)$/s,
    );
    // The files before it are applied (each is its own transaction); nothing of the failed one.
    expect((await sql('h3', 'SELECT name FROM schema_migrations ORDER BY name')).map((r) => r.name)).toEqual([
      '0001_notes.sql',
      '0002_notes_text.sql',
    ]);
    expect(await sql('h3', "SELECT to_regclass('tags') IS NULL AS gone")).toEqual([{ gone: true }]);

    // Fixed, the next deployment applies it.
    await writeFile(join(files, '0003_index_missing.sql'), 'CREATE INDEX notes_text ON notes (text);\n');
    const fixed = await handler(files)(event('Update', properties('h3', files), created.PhysicalResourceId));
    expect(fixed.Data).toMatchObject({ Applied: '1', Latest: '0003_index_missing.sql' });
  });

  it('fails when the bundled set is not the one the template carries', async () => {
    const handler = migrationsHandler({ client: running.client, log: quiet });
    await expect(
      handler(event('Create', { ...properties('h4'), MigrationsHash: 'a'.repeat(64) })),
    ).rejects.toThrow(
      /bundled migrations \(hash [0-9a-f]{64}\) are not the set the template was synthesized with/,
    );
    await expect(handler(event('Create', { ...properties('h4'), Database: '' }))).rejects.toThrow();
  });

  it('on Delete makes no call to the database at all, whatever the properties', async () => {
    const handler = migrationsHandler({ client: running.client, log: quiet });
    await handler(event('Create', properties('h4')));
    const tables =
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1";
    const before = await sql('h4', tables);
    const { client, calls } = counting();
    const deleting = migrationsHandler({ client, log: quiet });
    const id = `${cluster.resourceArn}/h4`;
    expect(await deleting(event('Delete', properties('h4'), id))).toEqual({ PhysicalResourceId: id });
    expect(await deleting({ RequestType: 'Delete', PhysicalResourceId: id, ResourceProperties: {} })).toEqual(
      {
        PhysicalResourceId: id,
      },
    );
    expect(calls).toEqual([]);
    expect(await sql('h4', tables)).toEqual(before);
  });

  it("on a rollback's Update (back from this function's set to the one before) makes no call and succeeds", async () => {
    const { client, calls } = counting();
    const handler = migrationsHandler({ client, log: quiet });
    const id = `${cluster.resourceArn}/h4`;
    const previous = { ...properties('h4'), MigrationsHash: 'b'.repeat(64) };
    expect(await handler(event('Update', previous, id, properties('h4')))).toEqual({
      PhysicalResourceId: id,
      Data: { Applied: '0', Latest: '', MigrationsHash: 'b'.repeat(64) },
    });
    expect(calls).toEqual([]);
    // Any other pair of sets that are not the bundle's is refused, not skipped.
    await expect(
      handler(event('Update', previous, id, { ...previous, MigrationsHash: 'c'.repeat(64) })),
    ).rejects.toThrow(MigrationError);
  });

  it('waits with backoff while the database resumes, then migrates', async () => {
    const { client, calls } = counting();
    let resuming = 3;
    const resumingClient: DataApiClient = {
      send: ((command: unknown) => {
        if (resuming-- > 0) {
          return Promise.reject(
            new DatabaseResumingException({ message: 'The database is resuming.', $metadata: {} }),
          );
        }
        return (client.send as (c: unknown) => Promise<unknown>)(command);
      }) as DataApiClient['send'],
    };
    const waits: number[] = [];
    const log: string[] = [];
    const handler = migrationsHandler({
      client: resumingClient,
      resume: { sleep: async (ms) => void waits.push(ms) },
      log: (line) => log.push(line),
    });
    const response = await handler(event('Create', properties('h5')));
    expect(response.Data?.Applied).toBe(String(readMigrations().length));
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    expect(log.slice(0, 3)).toEqual(
      [1, 2, 3].map(
        (call, i) =>
          `The Data API answered DatabaseResumingException (call ${call}): the database is resuming; retrying in ${waits[i]} ms.`,
      ),
    );
    expect(calls[0]).toBe('ExecuteStatementCommand');
  });

  it('gives up with the reason once the database has not resumed within the timeout', async () => {
    let now = 0;
    const waits: number[] = [];
    const handler = migrationsHandler({
      client: {
        send: (() =>
          Promise.reject(
            new DatabaseResumingException({ message: 'The database is resuming.', $metadata: {} }),
          )) as DataApiClient['send'],
      },
      resume: {
        timeoutMs: 60_000,
        now: () => now,
        sleep: async (ms) => {
          waits.push(ms);
          now += ms;
        },
      },
      log: quiet,
    });
    const failure = await handler(event('Create', properties('h5')))
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseResumeError);
    expect((failure as Error).message).toMatch(
      /^The database did not resume within 60 s \(\d+ calls, the last answered DatabaseResumingException: The database is resuming\.\)/,
    );
    // 1, 2, 4, 8, 16 s, then 20 s each, the last one cut to the deadline.
    expect(waits.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 20_000]);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(60_000);
  });
});
