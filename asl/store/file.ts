/**
 * The durable execution store, under one data directory:
 *
 *   wal/<n>.jsonl          the write-ahead log: every mutation (records and events of all
 *                          executions), one group commit per line, in commit order
 *   records.jsonl          the last checkpoint: live state machines and execution records, and
 *                          the first log segment it does not cover
 *   executions/<h>.jsonl   each execution's history as of the last checkpoint, in id order
 *
 * The index is a StoreState in memory. A mutation is checked and applied to it at once (so the
 * next call sees it), and its promise resolves when its log line is on disk: the log writes and
 * syncs everything that arrived during the previous sync together (private/wal.ts). Reads wait
 * until what they return is on disk. Appends on one execution reach the log in call order.
 *
 * A checkpoint, when the active segment passes `checkpointBytes`, after replaying a log at open,
 * and at close, moves the log into the other files: it ends the segment, appends each
 * execution's new events to its history file, rewrites records.jsonl, and deletes the segments
 * it covers. Then the histories of ended executions are dropped from memory and read back from
 * their files when asked for. Opening reads records.jsonl and replays the segments after it; a
 * torn last line (a crash mid-write, never acknowledged) is cut off. A data directory written
 * before the log (records.jsonl as a list of mutations, one history file per execution) opens
 * as it is.
 */
import { createHash } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent } from '../runtime/history.ts';
import type { Sealer } from './cipher.ts';
import { CorruptStoreFile, ExecutionNotFound, StoreClosed } from './errors.ts';
import { type LogEntry, parseEntries, parseEvents, patchOf, updateEntry } from './private/format.ts';
import { appendToFile, line, message, readJsonLines, replaceFile, syncDir } from './private/jsonl.ts';
import { StoreState } from './private/state.ts';
import { listSegments, segmentName, WriteAheadLog } from './private/wal.ts';
import type {
  ExecutionFilter,
  ExecutionPage,
  ExecutionPatch,
  ExecutionRecord,
  ExecutionStore,
  HistoryPage,
  HistoryQuery,
  StateMachineRecord,
  UpdateCondition,
} from './types.ts';

export interface FileStoreOptions {
  /** fdatasync every group commit (default true). Off, writes still reach the OS, but a power cut may lose the last ones. */
  readonly fsync?: boolean;
  /** Checkpoint once the active log segment has this many bytes (default 16 MiB). */
  readonly checkpointBytes?: number;
  /**
   * Seal every line written (AES-256-GCM), as AWS encrypts execution data at rest: histories
   * hold inputs, outputs and task parameters, task tokens among them. Lines written unsealed
   * before still read.
   */
  readonly sealer?: Sealer;
}

const RECORDS = 'records.jsonl';
const HISTORIES = 'executions';
const LOG = 'wal';
/** Records per line of a checkpoint: one seal per line, lines of a few hundred KiB. */
const RECORDS_PER_LINE = 256;
/** History files written at once by a checkpoint: fewer than libuv's 4 threads, so log syncs still get one. */
const HISTORY_WRITERS = 2;

/** Opens (creating if needed) the store in `dir`; reopening a directory yields what was stored. */
export async function openFileStore(dir: string, options: FileStoreOptions = {}): Promise<ExecutionStore> {
  await mkdir(join(dir, HISTORIES), { recursive: true });
  await mkdir(join(dir, LOG), { recursive: true });
  const store = new FileStore(
    dir,
    options.fsync ?? true,
    options.sealer,
    options.checkpointBytes ?? 16 << 20,
  );
  await store.recover();
  return store;
}

/** A history held in memory, and how much of it its file already has. */
interface Held {
  filed: number;
  bytes: number;
}

class FileStore implements ExecutionStore {
  private readonly state = new StoreState();
  /** Executions whose whole history is in memory; the others' is in their file alone. */
  private readonly held = new Map<string, Held>();
  /** Held histories with events their file does not have yet. */
  private readonly unfiled = new Set<string>();
  /** Calls on an execution whose history is being read from its file, in call order. */
  private readonly loading = new Map<string, Promise<void>>();
  /** The last write not yet durable, per execution or state machine arn. */
  private readonly writes = new Map<string, Promise<void>>();
  private wal!: WriteAheadLog;
  private checkpointing: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly dir: string,
    private readonly fsync: boolean,
    private readonly sealer: Sealer | undefined,
    private readonly checkpointBytes: number,
  ) {}

  putStateMachine(record: StateMachineRecord): Promise<void> {
    return this.mutate(() => {
      const json = JSON.stringify({ op: 'putStateMachine', record });
      this.state.putStateMachine(record);
      return this.commit(record.stateMachineArn, json);
    });
  }

  getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined> {
    return this.read(stateMachineArn, () => this.state.getStateMachine(stateMachineArn));
  }

  listStateMachines(): Promise<StateMachineRecord[]> {
    return this.read(undefined, () => this.state.listStateMachines());
  }

  deleteStateMachine(stateMachineArn: string): Promise<boolean> {
    return this.mutate(async () => {
      if (!this.state.deleteStateMachine(stateMachineArn)) return false;
      await this.commit(stateMachineArn, JSON.stringify({ op: 'deleteStateMachine', stateMachineArn }));
      return true;
    });
  }

  createExecution(record: ExecutionRecord): Promise<void> {
    return this.mutate(() => {
      const json = JSON.stringify({ op: 'createExecution', record });
      this.state.createExecution(record);
      this.held.set(record.executionArn, { filed: 0, bytes: 0 });
      return this.commit(record.executionArn, json);
    });
  }

  updateExecution(
    executionArn: string,
    patch: ExecutionPatch,
    condition?: UpdateCondition,
  ): Promise<ExecutionRecord> {
    return this.mutate(async () => {
      const json = JSON.stringify(updateEntry(executionArn, patch));
      const record = this.state.updateExecution(executionArn, patch, condition);
      await this.commit(executionArn, json);
      return record;
    });
  }

  getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    return this.read(executionArn, () => this.state.getExecution(executionArn));
  }

  listExecutions(filter?: ExecutionFilter): Promise<ExecutionPage> {
    return this.read(undefined, () => this.state.listExecutions(filter));
  }

  appendEvents(executionArn: string, events: readonly HistoryEvent[]): Promise<void> {
    return this.withHistory(executionArn, () =>
      this.mutate(() => {
        this.state.checkAppend(executionArn, events);
        if (events.length === 0) return Promise.resolve();
        const texts = this.state.appendEvents(executionArn, events);
        this.unfiled.add(executionArn);
        const json = `{"op":"appendEvents","executionArn":${JSON.stringify(executionArn)},"events":[${texts.join(',')}]}`;
        return this.commit(executionArn, json);
      }),
    );
  }

  getHistory(executionArn: string, query?: HistoryQuery): Promise<HistoryPage> {
    return this.withHistory(executionArn, () =>
      this.read(executionArn, () => this.state.getHistory(executionArn, query)),
    );
  }

  listResumable(): Promise<ExecutionRecord[]> {
    return this.read(undefined, () => this.state.listResumable());
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.wal.pending) await this.wal.pending.catch(noop);
      await Promise.all(this.loading.values());
      await this.checkpointing?.catch(noop);
      try {
        // The next open then has no log to replay.
        if (!this.wal.failed && (this.wal.size > 0 || this.unfiled.size > 0)) await this.checkpoint();
      } finally {
        await this.wal.close();
      }
    })();
    return this.closing;
  }

  /** Reads records.jsonl and replays the log segments after it; checkpoints if there were any. */
  async recover(): Promise<void> {
    const records = join(this.dir, RECORDS);
    let first = 0;
    for (const { value, line: at } of (await readJsonLines(records, parseEntries, this.sealer)).lines) {
      for (const entry of value) {
        if (entry.op === 'checkpoint') first = entry.wal;
        else await this.replay(entry, records, at);
      }
    }
    const logDir = join(this.dir, LOG);
    const segments = await listSegments(logDir);
    for (const n of segments) {
      const file = join(logDir, segmentName(n));
      // Covered by the checkpoint: a crash came between writing records.jsonl and deleting it.
      if (n < first) await unlink(file);
      else {
        for (const { value, line: at } of (await readJsonLines(file, parseEntries, this.sealer)).lines) {
          for (const entry of value) await this.replay(entry, file, at);
        }
      }
    }
    if (this.fsync) await syncDir(this.dir); // the folders may be new
    this.wal = await WriteAheadLog.open(logDir, Math.max(first, (segments.at(-1) ?? -1) + 1), {
      fsync: this.fsync,
      sealer: this.sealer,
    });
    if (segments.some((n) => n >= first)) await this.checkpoint();
  }

  private async replay(entry: LogEntry, file: string, at: number): Promise<void> {
    try {
      switch (entry.op) {
        case 'putStateMachine':
          return this.state.putStateMachine(entry.record);
        case 'deleteStateMachine':
          return void this.state.deleteStateMachine(entry.stateMachineArn);
        case 'createExecution':
          // Not held: its history file may already have events, from a checkpoint cut short.
          return this.state.createExecution(entry.record);
        case 'updateExecution':
          return void this.state.updateExecution(entry.executionArn, patchOf(entry) as ExecutionPatch);
        case 'appendEvents': {
          const arn = entry.executionArn;
          if (!this.held.has(arn)) await this.loadHistory(arn);
          const length = this.state.historyLength(arn);
          const fresh = entry.events.filter((e) => (e.id ?? 0) > length); // filed by a checkpoint cut short
          this.state.appendEvents(arn, fresh);
          if (fresh.length > 0) this.unfiled.add(arn);
          return;
        }
        case 'checkpoint':
          throw new TypeError('a checkpoint header inside the log');
      }
    } catch (e) {
      if (e instanceof CorruptStoreFile) throw e;
      throw new CorruptStoreFile(file, at, `cannot replay ${entry.op}: ${message(e)}`, { cause: e });
    }
  }

  /**
   * Moves the log into records.jsonl and the history files. The cut is synchronous: what memory
   * holds now is exactly what the segments before the next one say.
   */
  private checkpoint(): Promise<void> {
    this.checkpointing ??= this.runCheckpoint().finally(() => {
      this.checkpointing = undefined;
    });
    return this.checkpointing;
  }

  private async runCheckpoint(): Promise<void> {
    const slices = [...this.unfiled].map((arn) => {
      const held = this.held.get(arn) as Held;
      return { arn, held, events: this.state.eventsFrom(arn, held.filed) };
    });
    this.unfiled.clear();
    const { machines, executions } = this.state.records();
    const entries = [
      ...machines.map((record) => ({ op: 'putStateMachine', record })),
      ...executions.map((record) => ({ op: 'createExecution', record })),
    ];
    const next = this.wal.rotate();
    let text = '';
    for (let i = 0; i < entries.length; i += RECORDS_PER_LINE) {
      text += line(JSON.stringify(entries.slice(i, i + RECORDS_PER_LINE)), this.sealer);
    }
    const first = await next;
    try {
      await pool(slices, HISTORY_WRITERS, async ({ arn, held, events }) => {
        const text = line(`[${events.join(',')}]`, this.sealer);
        held.bytes = await appendToFile(this.historyFile(arn), held.bytes, text, this.fsync);
        held.filed += events.length;
      });
    } catch (e) {
      for (const { arn, held } of slices)
        if (this.state.historyLength(arn) > held.filed) this.unfiled.add(arn);
      throw e;
    }
    if (this.fsync) await syncDir(join(this.dir, HISTORIES)); // new history files
    const header = line(JSON.stringify({ op: 'checkpoint', wal: first }), this.sealer);
    await replaceFile(join(this.dir, RECORDS), header + text, this.fsync);
    await this.wal.removeBefore(first);
    this.evict();
  }

  /** Drops from memory the histories of ended executions that their files have whole. */
  private evict(): void {
    for (const [arn, held] of this.held) {
      const status = this.state.statusOf(arn);
      if (
        status !== 'RUNNING' &&
        held.filed === this.state.historyLength(arn) &&
        !this.writes.has(arn) &&
        !this.loading.has(arn)
      ) {
        this.state.dropHistory(arn);
        this.held.delete(arn);
      }
    }
  }

  /** Applies a mutation now (it throws what the mutation would); its promise resolves once it is on disk. */
  private mutate<T>(apply: () => Promise<T>): Promise<T> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    try {
      return apply();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  private commit(key: string, json: string): Promise<void> {
    const durable = this.wal.append(json);
    if (this.writes.get(key) !== durable) {
      this.writes.set(key, durable);
      const forget = () => this.writes.get(key) === durable && this.writes.delete(key);
      durable.then(forget, forget);
    }
    if (!this.checkpointing && this.wal.size >= this.checkpointBytes) {
      // A failed checkpoint loses nothing: the log keeps it all, and the next one (at the
      // latest, close's) takes it again, and reports its failure.
      this.checkpoint().catch(noop);
    }
    return durable;
  }

  /** What a read returns is taken now, and handed over once it is on disk (`key`: its arn; none: everything). */
  private read<T>(key: string | undefined, take: () => T): Promise<T> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    let value: T;
    try {
      value = take();
    } catch (e) {
      return Promise.reject(e);
    }
    const pending = key === undefined ? this.wal.pending : this.writes.get(key);
    return pending ? pending.then(() => value) : Promise.resolve(value);
  }

  /** Runs `use` once the execution's history is in memory, after the calls on it before. */
  private withHistory<T>(executionArn: string, use: () => Promise<T>): Promise<T> {
    let chain = this.loading.get(executionArn);
    if (!chain) {
      if (this.held.has(executionArn)) return use();
      if (this.closing) return Promise.reject(new StoreClosed());
      if (this.state.statusOf(executionArn) === undefined)
        return Promise.reject(new ExecutionNotFound(executionArn));
      chain = this.loadHistory(executionArn);
    }
    // The chain waits for each call to be applied, not to be on disk.
    const applied = chain.then(() => ({ result: use() }));
    const tail = applied.then(noop, noop);
    this.loading.set(executionArn, tail);
    void tail.then(() => this.loading.get(executionArn) === tail && this.loading.delete(executionArn));
    return applied.then(({ result }) => result);
  }

  private async loadHistory(executionArn: string): Promise<void> {
    let next = 1;
    const log = await readJsonLines(
      this.historyFile(executionArn),
      (json) => {
        const events = parseEvents(json, next);
        if (typeof events !== 'string') next += events.length;
        return events;
      },
      this.sealer,
    );
    const events = log.lines.flatMap((l) => l.value);
    this.state.appendEvents(executionArn, events);
    this.held.set(executionArn, { filed: events.length, bytes: log.size });
  }

  private refusal(): Error | undefined {
    if (this.closing) return new StoreClosed();
    return this.wal.failed;
  }

  /** Execution names may hold any Unicode letter and arns pass 255 bytes: a hash is a safe file name. */
  private historyFile(executionArn: string): string {
    const hash = createHash('sha256').update(executionArn).digest('hex').slice(0, 32);
    return join(this.dir, HISTORIES, `${hash}.jsonl`);
  }
}

/** Runs `work` on every item, at most `width` at a time; rejects with the first failure. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

function noop(): void {}
