/**
 * The write-ahead log: every mutation of the store, records and events of all executions
 * alike, appended to one file, the active segment `wal/<n>.jsonl`, with group commit. Entries
 * that arrive while a write is in progress wait together; the next write puts all of them on
 * one line (sealed once) and makes it durable with one fdatasync, then resolves all their
 * promises. So an append resolves exactly when its entry is on disk, in call order, and the
 * cost of a sync is shared by everything that arrived during the previous one.
 *
 * A checkpoint ends the active segment (`rotate`); once the segments before the new one are
 * covered by the checkpoint, `removeBefore` deletes them.
 */
import { type FileHandle, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sealer } from '../cipher.ts';
import { StoreWriteFailed } from '../errors.ts';
import { line, syncDir, writeAll } from './jsonl.ts';

const SEGMENT = /^(\d{10})\.jsonl$/;

export function segmentName(n: number): string {
  return `${String(n).padStart(10, '0')}.jsonl`;
}

/** The segment numbers in `dir`, ascending. */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir);
  return names
    .map((name) => SEGMENT.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

interface Batch {
  /** JSON of each entry, in append order. */
  readonly entries: string[];
  bytes: number;
  readonly done: Promise<void>;
  /** `done` has settled (the batch stays queued while a rotate after it finishes). */
  settled: boolean;
  resolve(): void;
  reject(error: unknown): void;
  /** End the segment after this batch; resolves with the number of the next one. */
  rotate?: { resolve(segment: number): void; reject(error: unknown): void };
}

export interface LogOptions {
  readonly fsync: boolean;
  readonly sealer: Sealer | undefined;
}

export class WriteAheadLog {
  /** Batches not yet on disk, oldest first: the first may be being written, only the last takes appends. */
  private readonly batches: Batch[] = [];
  private draining: Promise<void> | undefined;
  private written = 0;
  private failure: StoreWriteFailed | undefined;

  private constructor(
    private readonly dir: string,
    private segment: number,
    private handle: FileHandle,
    private readonly options: LogOptions,
  ) {}

  /** Starts segment `first` (a new file) in `dir`. */
  static async open(dir: string, first: number, options: LogOptions): Promise<WriteAheadLog> {
    const handle = await openSegment(dir, first, options.fsync);
    return new WriteAheadLog(dir, first, handle, options);
  }

  /** Why every append fails from now on: a write or sync that did not complete. */
  get failed(): StoreWriteFailed | undefined {
    return this.failure;
  }

  /** Bytes in the active segment, queued ones included: what a checkpoint would take off. */
  get size(): number {
    let size = this.written;
    for (const batch of this.batches) size += batch.bytes;
    return size;
  }

  /**
   * Settles when everything appended so far is durable; undefined when it already is. Never an
   * already settled promise: a caller looping `while (pending) await pending` would otherwise spin
   * on microtasks and starve the very I/O it waits for (a rotating batch stays queued after its
   * entries are durable).
   */
  get pending(): Promise<void> | undefined {
    const last = this.batches.at(-1);
    return last && !last.settled ? last.done : undefined;
  }

  /** Queues the JSON text of one entry; resolves once it is on disk. */
  append(json: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const batch = this.open();
    batch.entries.push(json);
    batch.bytes += json.length + 1;
    return batch.done;
  }

  /**
   * Ends the active segment after the entries queued now: later appends go to the next
   * segment. Resolves with that segment's number once every segment before it is on disk.
   */
  rotate(): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.written === 0 && this.batches.length === 0) return Promise.resolve(this.segment);
    const batch = this.open();
    return new Promise((resolve, reject) => {
      batch.rotate = { resolve, reject }; // closes the batch: appends from now on start another
    });
  }

  /** Deletes the segments before `segment` (a checkpoint holds what they said). */
  async removeBefore(segment: number): Promise<void> {
    for (const n of await listSegments(this.dir)) {
      if (n < segment) await unlink(join(this.dir, segmentName(n)));
    }
    if (this.options.fsync) await syncDir(this.dir);
  }

  /** Waits for every queued write (failed ones included), then closes the segment. */
  async close(): Promise<void> {
    while (this.draining) await this.draining;
    await this.handle.close();
  }

  /** The batch that takes appends: the last one, unless a rotate closed it. */
  private open(): Batch {
    const last = this.batches.at(-1);
    if (last && !last.rotate && last !== this.writing) return last;
    let resolve = noop;
    let reject: (error: unknown) => void = noop;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    done.catch(noop); // the callers get the rejection; the log need not report it again
    const batch: Batch = { entries: [], bytes: 0, done, settled: false, resolve, reject };
    this.batches.push(batch);
    // Start writing after this turn of the event loop, so the calls it makes join the batch.
    this.draining ??= new Promise((go) => setImmediate(go)).then(() => this.drain());
    return batch;
  }

  /** The batch being written: it takes no more appends. */
  private writing: Batch | undefined;

  private async drain(): Promise<void> {
    for (let batch = this.batches[0]; batch; batch = this.batches[0]) {
      this.writing = batch;
      try {
        await this.write(batch);
      } catch (error) {
        this.fail(error);
        break;
      }
      this.batches.shift();
      this.writing = undefined;
    }
    this.writing = undefined;
    this.draining = undefined;
  }

  private async write(batch: Batch): Promise<void> {
    if (batch.entries.length > 0) {
      const data = Buffer.from(line(`[${batch.entries.join(',')}]`, this.options.sealer));
      await writeAll(this.handle, data);
      if (this.options.fsync) await this.handle.datasync();
      this.written += data.length;
      batch.bytes = 0;
    }
    batch.settled = true;
    batch.resolve();
    if (batch.rotate) {
      const next = this.segment + 1;
      const handle = await openSegment(this.dir, next, this.options.fsync);
      await this.handle.close();
      this.handle = handle;
      this.segment = next;
      this.written = 0;
      batch.rotate.resolve(next);
    }
  }

  /** A write that did not complete: cut the partial line off, and refuse everything after. */
  private fail(error: unknown): void {
    this.failure = new StoreWriteFailed(join(this.dir, segmentName(this.segment)), { cause: error });
    void this.handle.truncate(this.written).catch(noop);
    for (const batch of this.batches.splice(0)) {
      batch.settled = true;
      batch.reject(this.failure);
      batch.rotate?.reject(this.failure);
    }
  }
}

async function openSegment(dir: string, n: number, fsync: boolean): Promise<FileHandle> {
  const handle = await open(join(dir, segmentName(n)), 'a');
  if (fsync) await syncDir(dir); // the new file's name
  return handle;
}

function noop(): void {}
