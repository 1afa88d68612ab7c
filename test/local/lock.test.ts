import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, LOCK_FILE, lockDataDir } from '../../local/lock.ts';

/** A pid that ran and has exited: a holder killed with kill -9 looks like this. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('node did not start');
  return child.pid;
}

function lockText(holder: Record<string, unknown>): string {
  return `${JSON.stringify({ since: '2026-01-02T03:04:05.000Z', host: hostname(), ...holder })}\n`;
}

describe('lockDataDir', () => {
  let dir: string;
  let sleeper: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lock-'));
  });
  afterEach(async () => {
    sleeper?.kill('SIGKILL');
    sleeper = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a lock file readable by its owner only, naming this process, and removes it on release', async () => {
    const lock = await lockDataDir(dir);
    expect(lock.file).toBe(join(dir, LOCK_FILE));
    expect((await stat(lock.file)).mode & 0o777).toBe(0o600);
    const holder = JSON.parse(await readFile(lock.file, 'utf8')) as {
      pid: number;
      since: string;
      host: string;
    };
    expect(holder.pid).toBe(process.pid);
    expect(holder.host).toBe(hostname());
    expect(Date.now() - Date.parse(holder.since)).toBeLessThan(60_000);
    // Only the lock is left in the directory: the drafts it was written through are gone.
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second lock while the first is held, saying who holds it, since when, and the fix', async () => {
    const first = await lockDataDir(dir);
    const refused = await lockDataDir(dir).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirLockedError);
    const error = refused as DataDirLockedError;
    expect(error.dataDir).toBe(dir);
    expect(error.holder?.pid).toBe(process.pid);
    expect(error.message).toContain(`The data directory ${dir} is in use`);
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.message).toContain(`since ${error.holder?.since}`);
    await first.release();
    const again = await lockDataDir(dir);
    await again.release();
  });

  it('refuses while another live process holds it, naming its pid and how to stop it or use another directory', async () => {
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const pid = sleeper.pid ?? -1;
    await writeFile(join(dir, LOCK_FILE), lockText({ pid }), { mode: 0o600 });
    const error = (await lockDataDir(dir).catch((e: unknown) => e)) as DataDirLockedError;
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error.message).toContain(
      `process ${pid} has run a local cloud on it since 2026-01-02T03:04:05.000Z`,
    );
    expect(error.message).toContain(`kill -INT ${pid}`);
    expect(error.message).toContain('wf up --data-dir <dir>');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(pid);
  });

  it('takes over the lock of a holder that died without releasing it (kill -9)', async () => {
    await writeFile(join(dir, LOCK_FILE), lockText({ pid: await deadPid() }), { mode: 0o600 });
    const lock = await lockDataDir(dir);
    expect(JSON.parse(await readFile(lock.file, 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it.runIf(process.platform === 'linux')(
    'takes over when the holder’s pid now belongs to a later process (another start time)',
    async () => {
      sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
      await writeFile(join(dir, LOCK_FILE), lockText({ pid: sleeper.pid, started: '1' }), { mode: 0o600 });
      const lock = await lockDataDir(dir);
      expect(JSON.parse(await readFile(lock.file, 'utf8')).pid).toBe(process.pid);
      await lock.release();
    },
  );

  it('refuses a lock taken on another host, whose holder it cannot check', async () => {
    await writeFile(join(dir, LOCK_FILE), lockText({ pid: await deadPid(), host: 'elsewhere.example' }));
    const error = (await lockDataDir(dir).catch((e: unknown) => e)) as DataDirLockedError;
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error.message).toContain('on host elsewhere.example');
  });

  it('refuses a lock file it did not write, with the fix', async () => {
    await writeFile(join(dir, LOCK_FILE), 'garbage');
    const error = (await lockDataDir(dir).catch((e: unknown) => e)) as DataDirLockedError;
    expect(error).toBeInstanceOf(DataDirLockedError);
    expect(error.message).toContain(`delete ${join(dir, LOCK_FILE)}`);
  });

  it('with fresh, empties the directory once it holds it, and leaves a store in use untouched', async () => {
    await mkdir(join(dir, 'sfn'));
    await writeFile(join(dir, 'sfn', 'store.jsonl'), '{}\n');
    await writeFile(join(dir, 'ports.json'), '{}\n');
    const first = await lockDataDir(dir);
    await expect(lockDataDir(dir, { fresh: true })).rejects.toBeInstanceOf(DataDirLockedError);
    expect((await readdir(dir)).sort()).toEqual(['ports.json', 'sfn', LOCK_FILE]);
    await first.release();

    const fresh = await lockDataDir(dir, { fresh: true });
    expect(await readdir(dir)).toEqual([LOCK_FILE]);
    await fresh.release();
  });

  it('does not remove a lock that is no longer its own', async () => {
    const lock = await lockDataDir(dir);
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    const other = lockText({ pid: sleeper.pid });
    await writeFile(lock.file, other);
    await lock.release();
    expect(await readFile(lock.file, 'utf8')).toBe(other);
  });
});
