/**
 * One local cloud per data directory: `<data dir>/wf.lock` names the process that holds it (pid,
 * since when, host), and a second start on the same directory is refused with that and the fix.
 * A holder that died without releasing (kill -9, a crash, a power cut) is seen to be gone by its
 * pid, and its lock is taken over at once.
 *
 * Written here rather than taken from proper-lockfile (the usual npm choice): that library tells
 * a dead holder only by a lock whose mtime is older than its stale period (10 s by default), so it
 * refuses right after a kill -9, naming no one, since it records no pid; while held it rewrites
 * the mtime on a timer and declares the lock compromised (an exception, by default) when a loaded
 * machine stalls the event loop past that period; and it hooks SIGINT/SIGTERM/SIGHUP through
 * signal-exit 3, which re-raises a signal once the process's own handlers are gone, cutting
 * `wf up`'s clean stop short. The local cloud serves one machine's loopback: whether its holder
 * lives is a question for that machine's process table.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'wf.lock';

/** Who holds a data directory, as its lock file says. */
export interface LockHolder {
  readonly pid: number;
  /** When it took the lock (ISO 8601). */
  readonly since: string;
  readonly host: string;
  /** The process's start time in clock ticks since boot (Linux), to tell a reused pid apart. */
  readonly started?: string | undefined;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still this one's; later calls do nothing. */
  release(): Promise<void>;
}

/** The data directory is in use by another local cloud (or cannot be locked). */
export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DataDirLockedError';
  }
}

/**
 * Takes the data directory's lock, or throws DataDirLockedError naming its holder. With `fresh`,
 * then empties the directory (all but the lock): a second `wf up --fresh` must not wipe a store
 * that a running cloud uses.
 */
export async function lockDataDir(dataDir: string, options: { fresh?: boolean } = {}): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  const mine = `${JSON.stringify({
    pid: process.pid,
    since: new Date().toISOString(),
    host: hostname(),
    started: procStat(process.pid)?.started,
  } satisfies LockHolder)}\n`;
  // Two contenders that both found the same dead holder race once; a third pass is a failure.
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await create(file, mine)) return held(dataDir, file, mine, options.fresh === true);
    const found = await readFile(file, 'utf8').catch((error: unknown) => {
      if (code(error) === 'ENOENT') return undefined; // released meanwhile: try again
      throw error;
    });
    if (found === undefined) continue;
    const holder = parse(found);
    if (holder === undefined) {
      throw new DataDirLockedError(
        `The lock file ${file} is not one the local cloud wrote (${JSON.stringify(found.slice(0, 80))}). If no local cloud runs on ${dataDir}, delete ${file} and start again.`,
        dataDir,
        undefined,
      );
    }
    if (alive(holder)) throw locked(dataDir, file, holder);
    await takeOver(file, found);
  }
  throw new DataDirLockedError(
    `Another process took the lock ${file} each time it was free: is another local cloud starting on ${dataDir}? Stop it, or use another data directory (wf up --data-dir <dir>).`,
    dataDir,
    undefined,
  );
}

/**
 * Creates the lock file whole or not at all: written under a private name, then hard-linked to
 * `file`, which fails if `file` exists. A reader never sees a half-written lock.
 */
async function create(file: string, content: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomUUID()}`;
  await writeFile(draft, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (code(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(draft, { force: true });
  }
}

/**
 * Removes a dead holder's lock. It is moved aside first and checked: if what was moved is not the
 * dead holder's (another contender's fresh lock, taken between our read and our move), it is put
 * back.
 */
async function takeOver(file: string, dead: string): Promise<void> {
  const aside = `${file}.dead.${process.pid}.${randomUUID()}`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (code(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readFile(aside, 'utf8');
  if (moved !== dead) await link(aside, file).catch(() => {});
  await unlink(aside);
}

function held(dataDir: string, file: string, content: string, fresh: boolean): Promise<DataDirLock> {
  // A process that exits without release() (an uncaught error, process.exit) leaves no lock.
  const onExit = (): void => {
    try {
      if (readFileSync(file, 'utf8') === content) unlinkSync(file);
    } catch {
      // Gone already: nothing to release.
    }
  };
  process.once('exit', onExit);
  let released: Promise<void> | undefined;
  const lock: DataDirLock = {
    file,
    release: () => {
      released ??= (async () => {
        process.off('exit', onExit);
        const current = await readFile(file, 'utf8').catch(() => undefined);
        if (current === content) await rm(file, { force: true });
      })();
      return released;
    },
  };
  if (!fresh) return Promise.resolve(lock);
  return (async () => {
    try {
      for (const entry of await readdir(dataDir)) {
        if (entry !== LOCK_FILE) await rm(join(dataDir, entry), { recursive: true, force: true });
      }
      return lock;
    } catch (error) {
      await lock.release();
      throw error;
    }
  })();
}

function locked(dataDir: string, file: string, holder: LockHolder): DataDirLockedError {
  const who =
    holder.pid === process.pid && holder.host === hostname()
      ? `this process (pid ${holder.pid}) has run a local cloud on it since ${holder.since}`
      : `process ${holder.pid}${holder.host === hostname() ? '' : ` on host ${holder.host}`} has run a local cloud on it since ${holder.since}`;
  const fix =
    holder.pid === process.pid
      ? 'close() that one first, or use another data directory'
      : `stop that one (Ctrl-C in its terminal, or kill -INT ${holder.pid}), or start this one on another data directory (wf up --data-dir <dir>)`;
  return new DataDirLockedError(
    `The data directory ${dataDir} is in use: ${who} (lock ${file}). Two local clouds must not share one store: ${fix}.`,
    dataDir,
    holder,
  );
}

/** Whether the holder may still run. On another host it cannot be checked, so it counts as alive. */
function alive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the pid exists, run by another user.
    if (code(error) === 'ESRCH') return false;
  }
  const stat = procStat(holder.pid);
  if (stat === undefined) return true; // no /proc (macOS): the pid's existence is all there is
  // A zombie has exited (its parent has not collected it yet: a container's pid 1 may never);
  // a different start time means a later process got the dead holder's number.
  if (stat.state === 'Z' || stat.state === 'X') return false;
  return holder.started === undefined || stat.started === holder.started;
}

/** Fields 3 (state) and 22 (starttime) of /proc/<pid>/stat, counted after the command name, which may hold spaces. */
function procStat(pid: number): { state: string | undefined; started: string | undefined } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], started: fields[19] };
  } catch {
    return undefined;
  }
}

function parse(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder> | null;
    if (
      typeof value?.pid === 'number' &&
      Number.isInteger(value.pid) &&
      value.pid > 0 &&
      typeof value.since === 'string' &&
      typeof value.host === 'string'
    ) {
      return {
        pid: value.pid,
        since: value.since,
        host: value.host,
        started: typeof value.started === 'string' ? value.started : undefined,
      };
    }
  } catch {
    // Not JSON: not a lock file this module wrote.
  }
  return undefined;
}

function code(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}
