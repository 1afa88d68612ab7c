/**
 * `wf up` as a process, through bin/wf.js as users start it: signals stop the whole tree cleanly,
 * a data directory serves one local cloud at a time, and what it prints is enough to use it.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../local/lock.ts';

const wf = join(import.meta.dirname, '..', '..', 'bin', 'wf.js');
/** Starting PostgreSQL and every service takes seconds, many on a loaded 2-core machine. */
const START_MS = 180_000;

interface Run {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

const runs: Run[] = [];

function startWf(dataDir: string): Run {
  const child = spawn(process.execPath, [wf, 'up', '--data-dir', dataDir, '--quiet', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const run = { child, exited, stdout: () => out, stderr: () => err };
  runs.push(run);
  return run;
}

/** Resolves once the cloud says it is ready; rejects if `wf` exits first. */
async function ready(run: Run): Promise<void> {
  let exited: { code: number | null } | undefined;
  void run.exited.then((result) => {
    exited = result;
  });
  while (!run.stdout().includes('Ctrl-C stops it')) {
    if (exited) throw new Error(`wf up exited (${exited.code}) before it was ready:\n${run.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every process whose command line names `dir` (the CLI, PostgreSQL and its workers). */
function processesOf(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

/** pid → its process group, and its children: `ps` as the test sees the tree. */
function tree(root: number): { pid: number; pgid: number }[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,pgid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number, number]);
  const found: { pid: number; pgid: number }[] = [];
  const visit = (pid: number): void => {
    for (const [child, parent, pgid] of rows) {
      if (child === pid) found.push({ pid, pgid });
      if (parent === pid) visit(child);
    }
  };
  visit(root);
  return found;
}

/** kill -9 of `wf`'s whole tree, group by group (the CLI has a group of its own, PostgreSQL in it). */
function killTree(root: number): void {
  const own = Number(execFileSync('ps', ['-o', 'pgid=', '-p', String(process.pid)], { encoding: 'utf8' }));
  for (const { pid, pgid } of tree(root)) {
    try {
      process.kill(pgid === own ? pid : -pgid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

async function gone(dir: string): Promise<string[]> {
  // PostgreSQL's workers leave right after the postmaster; give the process table a moment.
  for (let i = 0; i < 100 && processesOf(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  return processesOf(dir);
}

/** wf exited 0 after "Stopped.", leaving no process of the data directory and no lock. */
async function stoppedCleanly(run: ReturnType<typeof startWf>, dir: string): Promise<void> {
  expect(await run.exited).toEqual({ code: 0, signal: null });
  expect(run.stdout()).toContain('Stopped.');
  expect(await gone(dir)).toEqual([]);
  expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
}

describe('wf up, as a process', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wf-process-'));
  });
  afterEach(() => {
    // A failed test must not leave a server behind for the next one (or the machine).
    for (const run of runs.splice(0)) if (run.child.pid !== undefined) killTree(run.child.pid);
  }, 30_000);
  afterAll(() => rm(dir, { recursive: true, force: true }), 30_000);

  it(
    'stops as cleanly on SIGTERM, and a second signal during the stop does not cut it short',
    async () => {
      const run = startWf(dir);
      await ready(run);
      run.child.kill('SIGTERM');
      // What a user pressing Ctrl-C while the stop is under way sends (or, on a fast machine,
      // right after it: then the stopped process just exits).
      while (!run.stdout().includes('Stopping:')) await new Promise((resolve) => setTimeout(resolve, 5));
      run.child.kill('SIGINT');
      await stoppedCleanly(run, dir);
    },
    START_MS,
  );

  it(
    'on a signal while the services start, finishes starting them and stops them all, leaving nothing running',
    async () => {
      const run = startWf(dir);
      // PostgreSQL is up, the services after it not yet (or only just).
      while (!processesOf(dir).some((line) => /postgres -D/.test(line))) {
        if (run.child.exitCode !== null) throw new Error(`wf up exited early:\n${run.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      run.child.kill('SIGINT');
      expect(await run.exited).toEqual({ code: 0, signal: null });
      expect(run.stdout()).toContain('Stopping as soon as every service has started');
      expect(run.stdout()).toContain('Stopped.');
      expect(await gone(dir)).toEqual([]);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    },
    START_MS,
  );

  it(
    'refuses a second wf up on a data directory in use, naming the holder; after kill -9 of the first, a new one takes over',
    async () => {
      const first = startWf(dir);
      await ready(first);
      const holder = JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')) as {
        pid: number;
        since: string;
      };

      const second = startWf(dir);
      const refused = await second.exited;
      expect(refused.code).toBe(1);
      expect(second.stderr()).toContain(`The data directory ${dir} is in use`);
      expect(second.stderr()).toContain(
        `process ${holder.pid} has run a local cloud on it since ${holder.since}`,
      );
      expect(second.stderr()).toContain('wf up --data-dir <dir>');
      expect(second.stderr()).not.toMatch(/^\s+at /m);
      // The first one is untouched, its lock too.
      expect(first.child.exitCode).toBeNull();
      expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(holder.pid);

      // kill -9 of the CLI's process group (the CLI and PostgreSQL): wf reports it as a shell does.
      process.kill(-holder.pid, 'SIGKILL');
      expect(await first.exited).toEqual({ code: 128 + 9, signal: null });
      expect(await gone(dir)).toEqual([]);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(true);

      const third = startWf(dir);
      await ready(third);
      expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).not.toBe(holder.pid);
      third.child.kill('SIGINT');
      expect(await third.exited).toEqual({ code: 0, signal: null });
      expect(await gone(dir)).toEqual([]);
    },
    3 * START_MS,
  );
  it(
    'runs the pipes from the start (an item written through the printed endpoint shows up in PostgreSQL), and on SIGINT (Ctrl-C) stops the server and PostgreSQL, exits 0, leaving no process and no lock',
    async () => {
      const run = startWf(dir);
      await ready(run);
      expect(processesOf(dir).some((line) => /postgres -D/.test(line))).toBe(true);
      const out = run.stdout();
      const edge = /(http:\/\/127\.0\.0\.1:\d+)\s+\(AWS_ENDPOINT_URL\)/.exec(out)?.[1];
      const database = /database\s+(\S+)\s+\(--resource-arn (\S+) --secret-arn (\S+)\)/.exec(out);
      const table = /table\s+(\S+)\s+\(connections\)/.exec(out)?.[1];
      expect(out).toMatch(/pipe\s+wf-stream-sync-connections/);
      if (!edge || !database || !table)
        throw new Error(`wf up did not print the endpoint, database or table:\n${out}`);
      const config = {
        endpoint: edge,
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      };
      const dynamodb = new DynamoDBClient(config);
      const rds = new RDSDataClient(config);
      try {
        const started = Date.now();
        await dynamodb.send(
          new PutItemCommand({
            TableName: table,
            Item: {
              userId: { S: 'first-run' },
              connectionId: { S: 'c1' },
              provider: { S: 'example' },
              status: { S: 'active' },
              version: { N: '1' },
            },
          }),
        );
        for (;;) {
          const found = await rds.send(
            new ExecuteStatementCommand({
              resourceArn: database[2],
              secretArn: database[3],
              database: database[1],
              sql: "SELECT status FROM connections WHERE user_id = 'first-run'",
              formatRecordsAs: 'JSON',
            }),
          );
          if (JSON.parse(found.formattedRecords ?? '[]').length > 0) break;
          if (Date.now() - started > 60_000)
            throw new Error('The item did not reach PostgreSQL within 60 s.');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        console.log(`wf up: write-to-row latency ${Date.now() - started} ms`);
      } finally {
        dynamodb.destroy();
        rds.destroy();
      }
      run.child.kill('SIGINT');
      await stoppedCleanly(run, dir);
    },
    START_MS,
  );
});
