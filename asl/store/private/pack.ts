/**
 * History packs: `histories/<n>.jsonl`, one written by each checkpoint, holding the events the
 * log gave it, one line per execution (`{ executionArn, events }`, sealed when the store has a
 * key). A pack is written whole and synced once, then never changed; records.jsonl says where
 * each execution's events are (a list of slices), so a history is read back with one positioned
 * read per checkpoint that filed some of it.
 */
import { open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sealer } from '../cipher.ts';
import { CorruptStoreFile } from '../errors.ts';
import { line, message, syncDir, writeAll } from './jsonl.ts';

/** Where some events of one execution are: pack, byte offset and length of the line, event count. */
export type Slice = readonly [pack: number, offset: number, bytes: number, count: number];

export interface PackPart {
  readonly executionArn: string;
  /** JSON text of each event, in id order. */
  readonly events: readonly string[];
}

const PACK = /^(\d{10})\.jsonl$/;
/** Parts sealed between two turns of the event loop while a pack is built. */
const PARTS_PER_TURN = 64;

export function packFile(dir: string, pack: number): string {
  return join(dir, `${String(pack).padStart(10, '0')}.jsonl`);
}

/** The pack numbers in `dir`, ascending. */
export async function listPacks(dir: string): Promise<number[]> {
  return (await readdir(dir))
    .map((name) => PACK.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The text of pack `pack` holding `parts`, and where each part lands (in the order of `parts`).
 * Builds it a few parts per turn of the event loop, so the store keeps answering meanwhile.
 */
export async function buildPack(
  pack: number,
  parts: readonly PackPart[],
  sealer: Sealer | undefined,
): Promise<{ data: Buffer; slices: Slice[] }> {
  const lines: Buffer[] = [];
  const slices: Slice[] = [];
  let offset = 0;
  for (const [i, part] of parts.entries()) {
    if (i > 0 && i % PARTS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    const json = `{"executionArn":${JSON.stringify(part.executionArn)},"events":[${part.events.join(',')}]}`;
    const bytes = Buffer.from(line(json, sealer));
    lines.push(bytes);
    slices.push([pack, offset, bytes.length, part.events.length]);
    offset += bytes.length;
  }
  return { data: Buffer.concat(lines), slices };
}

/** Writes a pack and syncs it and its name. A pack left by a crash before records.jsonl named it is removed at open. */
export async function writePack(dir: string, pack: number, data: Buffer, fsync: boolean): Promise<void> {
  const handle = await open(packFile(dir, pack), 'w');
  try {
    await writeAll(handle, data);
    if (fsync) await handle.datasync();
  } finally {
    await handle.close();
  }
  if (fsync) await syncDir(dir);
}

export async function removePacks(dir: string, packs: readonly number[]): Promise<void> {
  for (const pack of packs) await unlink(packFile(dir, pack));
}

/**
 * The JSON text of the events in `slices`, which must be the history of `executionArn` from
 * event 1 on, in order.
 */
export async function readSlices(
  dir: string,
  executionArn: string,
  slices: readonly Slice[],
  sealer: Sealer | undefined,
): Promise<string[]> {
  const events: string[] = [];
  for (const [pack, offset, bytes, count] of slices) {
    const file = packFile(dir, pack);
    const fail = (problem: string, cause?: unknown) =>
      new CorruptStoreFile(file, 0, `at byte ${offset}: ${problem}`, cause ? { cause } : undefined);
    const buffer = Buffer.alloc(bytes);
    const handle = await open(file, 'r');
    try {
      const { bytesRead } = await handle.read(buffer, 0, bytes, offset);
      if (bytesRead !== bytes) throw fail(`the pack ends after ${bytesRead} of ${bytes} bytes`);
    } finally {
      await handle.close();
    }
    let part: unknown;
    try {
      part = JSON.parse(buffer.toString('utf8', 0, bytes - 1));
      if (typeof part === 'string') {
        if (!sealer) throw fail('the line is sealed, and the store was opened without its key');
        part = JSON.parse(sealer.open(part));
      }
    } catch (e) {
      throw e instanceof CorruptStoreFile ? e : fail(`the line does not read (${message(e)})`, e);
    }
    const { executionArn: arn, events: list } = (part ?? {}) as { executionArn?: unknown; events?: unknown };
    if (arn !== executionArn || !Array.isArray(list) || list.length !== count) {
      throw fail(`expected ${count} events of ${executionArn}`);
    }
    for (const event of list) {
      const id = events.length + 1;
      if ((event as { id?: unknown } | null)?.id !== id) throw fail(`expected event ${id}`);
      events.push(JSON.stringify(event));
    }
  }
  return events;
}
