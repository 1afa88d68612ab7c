/**
 * Durable JSON Lines files: one value per line, appended and synced, read back with a torn
 * last line (a crash mid-append) cut off. Internal to the file store.
 */
import { type FileHandle, open, readFile, rename, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Sealer } from '../cipher.ts';
import { CorruptStoreFile } from '../errors.ts';

export interface Line<T> {
  readonly value: T;
  /** 1-based line number, for error messages. */
  readonly line: number;
}

/**
 * Reads a JSON Lines file (missing: empty). The last line may be torn, without its newline or
 * not JSON, when a crash cut an append short: it was never acknowledged, so it is cut off the
 * file. Any other unreadable line is corruption. `parse` returns the value or what is wrong.
 */
export async function readJsonLines<T>(
  file: string,
  parse: (json: unknown, line: number) => T | string,
  sealer?: Sealer,
): Promise<{ lines: Line<T>[]; size: number }> {
  const data = await readFile(file).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  });
  const lines: Line<T>[] = [];
  for (let start = 0; start < data.length; ) {
    const line = lines.length + 1;
    const end = data.indexOf(0x0a, start);
    const read = parseLine(data, start, end, sealer);
    if ('problem' in read) {
      // Only a torn last line is cut off; a whole line that does not open never is (wrong key).
      if (read.whole || (end >= 0 && end + 1 < data.length))
        throw new CorruptStoreFile(file, line, read.problem);
      await truncate(file, start);
      return { lines, size: start };
    }
    const value = parse(read.json, line);
    if (typeof value === 'string') throw new CorruptStoreFile(file, line, value);
    lines.push({ value, line });
    start = end + 1;
  }
  return { lines, size: data.length };
}

/**
 * One line's value. With a sealer, a line is a JSON string holding the sealed JSON; a line that
 * is plain JSON (written before the store was sealed) still reads, so an old data directory
 * opens, and its new lines are sealed.
 */
function parseLine(
  data: Buffer,
  start: number,
  end: number,
  sealer: Sealer | undefined,
): { json: unknown } | { problem: string; whole?: boolean } {
  if (end < 0) return { problem: 'the line has no newline' };
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8', start, end));
  } catch (e) {
    return { problem: `the line is not JSON (${message(e)})` };
  }
  if (typeof json !== 'string') return { json };
  if (!sealer)
    return { problem: 'the line is sealed, and the store was opened without its key', whole: true };
  try {
    return { json: JSON.parse(sealer.open(json)) };
  } catch (e) {
    return { problem: `the sealed line does not open (${message(e)})`, whole: true };
  }
}

/** One line holding `json`, sealed when a sealer is given. */
export function line(json: string, sealer?: Sealer): string {
  // A sealed value is base64, which needs no escaping inside a JSON string.
  return sealer ? `"${sealer.seal(json)}"\n` : `${json}\n`;
}

/** Values as JSON Lines, each sealed when a sealer is given. */
export function jsonLines(values: readonly unknown[], sealer?: Sealer): string {
  return values.map((value) => line(JSON.stringify(value), sealer)).join('');
}

/** Writes all of `data` at the end of an append-mode file. */
export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  for (let at = 0; at < data.length; ) {
    const { bytesWritten } = await handle.write(data, at, data.length - at);
    at += bytesWritten;
  }
}

/** Writes a new file beside the old one and renames it over: a crash leaves one or the other whole. */
export async function replaceFile(file: string, text: string, fsync: boolean): Promise<number> {
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text);
    if (fsync) await handle.datasync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  if (fsync) await syncDir(dirname(file));
  return Buffer.byteLength(text);
}

/** A created or renamed file survives a crash only once its directory is synced (POSIX). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
