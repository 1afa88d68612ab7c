import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPostgres, startPostgres } from '../../../local/postgres/index.ts';

async function query(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('startPostgres', () => {
  let dir: string;
  let server: LocalPostgres | undefined;
  /** These tests are about the embedded server: a DATABASE_URL in the environment is set aside. */
  const external = process.env.DATABASE_URL;

  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    dir = await mkdtemp(join(tmpdir(), 'postgres-test-'));
    server = await startPostgres({ dataDir: dir });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    if (external === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = external;
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('starts a real PostgreSQL server on 127.0.0.1 with its cluster in <dataDir>/pgdata', async () => {
    const url = new URL(server?.url ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.username).toBe('postgres');
    const [row] = await query(url.href, "SELECT version(), current_setting('data_directory') AS data");
    expect(String(row?.version)).toMatch(/^PostgreSQL 17\./);
    expect(row?.data).toBe(join(dir, 'pgdata'));
    expect((await stat(join(dir, 'postgres.password'))).mode & 0o777).toBe(0o600);
  });

  it('runs the server as the postgres OS user when the process is root', async () => {
    if (process.getuid?.() !== 0) return;
    const { stdout } = await promisify(execFile)('id', ['-u', 'postgres']);
    expect((await stat(join(dir, 'pgdata'))).uid).toBe(Number(stdout.trim()));
  });

  it('refuses a wrong password: the cluster uses scram-sha-256', async () => {
    const url = new URL(server?.url ?? '');
    url.password = 'wrong';
    await expect(query(url.href, 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('keeps the cluster and its data across a restart', async () => {
    await query(server?.url ?? '', 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
    await server?.close();
    await server?.close(); // twice is safe
    server = await startPostgres({ dataDir: dir });
    expect(await query(server.url, 'SELECT n FROM kept')).toEqual([{ n: 42 }]);
  }, 120_000);

  it('uses the server in DATABASE_URL instead of starting one', async () => {
    process.env.DATABASE_URL = server?.url ?? '';
    try {
      const external = await startPostgres({ dataDir: join(dir, 'unused') });
      expect(external.url).toBe(server?.url);
      await external.close();
      // close() ended nothing: the server still answers.
      expect(await query(external.url, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      await expect(stat(join(dir, 'unused'))).rejects.toThrow();
    } finally {
      delete process.env.DATABASE_URL;
    }
  });
});
