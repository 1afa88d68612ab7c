/**
 * The data directory is readable by its owner only: it holds Cognito's users (passwords, codes),
 * DynamoDB's tables, the SES outbox, Step Functions histories (task tokens) and keys.
 *
 * Services write with whatever mode their libraries choose (LevelDB, StormDB, the SES emulator),
 * so the process umask is 0o077 while the local cloud runs, and what is already there is made
 * owner-only when it starts and when it stops. The PostgreSQL folder is left as its module keeps
 * it: as root the server runs as the OS user `postgres`, which owns `pgdata` (mode 0700).
 */
import { chmod, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Sets the umask to 0o077 and answers the previous one; undefined where a process cannot set it (worker threads). */
export function ownerOnlyUmask(): number | undefined {
  try {
    return process.umask(0o077);
  } catch {
    return undefined;
  }
}

/** Removes group and other permissions from `dir` and everything under it, except `skip` and below. */
export async function restrictToOwner(dir: string, skip: readonly string[] = []): Promise<void> {
  if (skip.includes(dir)) return;
  const info = await lstat(dir).catch(() => undefined);
  // Symbolic links are not followed: their target's mode is not the data directory's to change.
  if (info === undefined || info.isSymbolicLink()) return;
  if ((info.mode & 0o077) !== 0) await chmod(dir, info.mode & 0o700);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(dir)) await restrictToOwner(join(dir, entry), skip);
}
