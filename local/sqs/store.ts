/**
 * Queues and their messages, kept in memory and in `<dataDir>/journal.jsonl`: one JSON record a
 * line, appended and fsynced before the request that made the change is answered (several
 * requests share one fsync when they arrive together). Opening replays the journal, then writes
 * the live state as a fresh journal (temporary file, fsync, rename); a running store does the same
 * once it has appended `compactAfter` records (and more than twice its live ones), so the journal
 * stays proportional to what it holds. A torn last line (a crash mid-append, never acknowledged)
 * is dropped.
 */
import type { FileHandle } from 'node:fs/promises';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { replaceFileDurably } from '../files.ts';
import { SqsDataError } from './errors.ts';

const MessageAttributeValue = z.object({
  DataType: z.string(),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
});
export type MessageAttributeValue = z.infer<typeof MessageAttributeValue>;

const StoredMessage = z.object({
  id: z.string(),
  body: z.string(),
  attributes: z.record(z.string(), MessageAttributeValue),
  /** Message system attributes given on send (AWSTraceHeader). */
  system: z.record(z.string(), MessageAttributeValue),
  /** Epoch milliseconds. */
  sent: z.number(),
  visibleAt: z.number(),
  receiveCount: z.number().int(),
  firstReceive: z.number().optional(),
  /** The nonce of the latest receipt handle; a delete with an older one does nothing (as AWS). */
  receipt: z.string().optional(),
  /** Set while received and not yet visible again. */
  inflight: z.boolean(),
  /** The ARN of the queue a redrive moved it from (for StartMessageMoveTask without destination). */
  deadLetterSource: z.string().optional(),
});
export type StoredMessage = z.infer<typeof StoredMessage>;

const StoredQueue = z.object({
  name: z.string(),
  created: z.number(),
  modified: z.number(),
  attributes: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
});
export type StoredQueue = z.infer<typeof StoredQueue>;

const Entry = z.discriminatedUnion('t', [
  z.object({ t: z.literal('queue'), queue: StoredQueue }),
  z.object({ t: z.literal('dropQueue'), name: z.string() }),
  z.object({ t: z.literal('message'), queue: z.string(), message: StoredMessage }),
  z.object({ t: z.literal('remove'), queue: z.string(), id: z.string() }),
  z.object({ t: z.literal('purge'), queue: z.string() }),
]);
export type Entry = z.infer<typeof Entry>;

export interface Queue {
  meta: StoredQueue;
  /** In send order. */
  readonly messages: Map<string, StoredMessage>;
}

const JOURNAL = 'journal.jsonl';
const COMPACT_AFTER = 10_000;

export interface StoreOptions {
  /** Appended records after which the journal is rewritten from the live state (default 10,000). */
  readonly compactAfter?: number;
}

function apply(queues: Map<string, Queue>, entry: Entry): void {
  switch (entry.t) {
    case 'queue': {
      const existing = queues.get(entry.queue.name);
      if (existing) existing.meta = entry.queue;
      else queues.set(entry.queue.name, { meta: entry.queue, messages: new Map() });
      return;
    }
    case 'dropQueue':
      queues.delete(entry.name);
      return;
    case 'message':
      queues.get(entry.queue)?.messages.set(entry.message.id, entry.message);
      return;
    case 'remove':
      queues.get(entry.queue)?.messages.delete(entry.id);
      return;
    case 'purge':
      queues.get(entry.queue)?.messages.clear();
      return;
  }
}

export class QueueStore {
  private pending: { lines: string; count: number; done: () => void; failed: (error: unknown) => void }[] =
    [];
  private writing: Promise<void> | undefined;
  private appended = 0;

  private constructor(
    private readonly file: string,
    private handle: FileHandle | undefined,
    readonly queues: Map<string, Queue>,
    private readonly compactAfter: number,
  ) {}

  static async open(dataDir: string, options: StoreOptions = {}): Promise<QueueStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const file = join(dataDir, JOURNAL);
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SqsDataError(`Cannot read ${file}.`, file, { cause: error });
      }
    }
    const queues = new Map<string, Queue>();
    const lines = text.split('\n');
    lines.forEach((line, index) => {
      if (line.trim() === '') return;
      let entry: Entry;
      try {
        entry = Entry.parse(JSON.parse(line));
      } catch (error) {
        // Only the last line can be torn by a crash, and it was never acknowledged.
        if (index >= lines.length - 2) return;
        throw new SqsDataError(
          `${file} line ${index + 1} is not an SQS journal record: restore the file, or move it away to start empty.`,
          file,
          { cause: error },
        );
      }
      apply(queues, entry);
    });
    await QueueStore.compact(dataDir, file, queues);
    return new QueueStore(file, await QueueStore.append(file), queues, options.compactAfter ?? COMPACT_AFTER);
  }

  private static append(file: string): Promise<FileHandle> {
    return open(file, 'a', 0o600).catch((error: unknown) => {
      throw new SqsDataError(`Cannot open ${file} for appending.`, file, { cause: error });
    });
  }

  private liveRecords(): number {
    let count = 0;
    for (const queue of this.queues.values()) count += 1 + queue.messages.size;
    return count;
  }

  /**
   * Rewrites the journal from memory. Memory may already hold entries still pending: they are
   * appended after the rewrite too, and replaying them over a state that has them changes nothing
   * (each entry sets, removes or clears).
   */
  private async compactNow(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    try {
      await QueueStore.compact(dirname(this.file), this.file, this.queues);
      this.appended = 0;
    } finally {
      // A failed rewrite leaves the old journal whole: keep appending to it.
      this.handle = await QueueStore.append(this.file);
    }
  }

  private static async compact(_dataDir: string, file: string, queues: Map<string, Queue>): Promise<void> {
    const parts: string[] = [];
    for (const queue of queues.values()) {
      parts.push(`${JSON.stringify({ t: 'queue', queue: queue.meta } satisfies Entry)}\n`);
      for (const message of queue.messages.values()) {
        parts.push(`${JSON.stringify({ t: 'message', queue: queue.meta.name, message } satisfies Entry)}\n`);
      }
    }
    try {
      await replaceFileDurably(file, parts.join(''));
    } catch (error) {
      throw new SqsDataError(`Cannot write ${file}.`, file, { cause: error });
    }
  }

  /**
   * Applies the entries in memory at once (so concurrent requests see them: two receives never
   * get the same message) and resolves once they are on disk.
   */
  commit(...entries: Entry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    for (const entry of entries) apply(this.queues, entry);
    const lines = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    const written = new Promise<void>((done, failed) =>
      this.pending.push({ lines, count: entries.length, done, failed }),
    );
    this.writing ??= this.drain();
    return written;
  }

  /** Writes what is pending, one append and one fsync per round, until nothing is left. */
  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const round = this.pending;
      this.pending = [];
      try {
        if (this.handle === undefined) throw new SqsDataError('The SQS store is closed.', this.file);
        await this.handle.appendFile(round.map((item) => item.lines).join(''), 'utf8');
        await this.handle.datasync();
        this.appended += round.reduce((sum, item) => sum + item.count, 0);
        for (const item of round) item.done();
        if (this.appended >= this.compactAfter && this.appended > 2 * this.liveRecords())
          await this.compactNow();
      } catch (error) {
        const failure = new SqsDataError(`Cannot append to ${this.file}.`, this.file, { cause: error });
        for (const item of round) item.failed(failure);
      }
    }
    this.writing = undefined;
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
