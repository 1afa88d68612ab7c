/**
 * The durable execution store, under one data directory:
 *
 *   wal/<n>.jsonl          the write-ahead log: every mutation (records and events of all
 *                          executions), one group commit per line, in commit order
 *   records.jsonl          the last checkpoint: live state machines and execution records, where
 *                          each execution's events are, and the first log segment not covered
 *   histories/<n>.jsonl    history packs: the events each checkpoint took from the log, one line
 *                          per execution
 *
 * The index is a StoreState in memory. A mutation is checked and applied to it at once (so the
 * next call sees it), and its promise resolves when its log line is on disk: the log writes and
 * syncs everything that arrived during the previous sync together (private/wal.ts). Reads wait
 * until what they return is on disk. Calls on one execution reach the log in call order.
 *
 * A checkpoint (when the active segment passes `checkpointBytes`, after replaying a log at open,
 * and at close) ends the segment, writes the events it held into a new pack (one sync), rewrites
 * records.jsonl, then deletes the segments it covers. Memory then keeps records and the events
 * not yet filed; a history is read back from its packs when asked for. Opening reads
 * records.jsonl and replays the segments after it; a torn last line (a crash mid-write, never
 * acknowledged) is cut off. A data directory written before the log (records.jsonl a list of
 * mutations, `executions/<hash>.jsonl` one history per execution) is migrated at open.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent } from '../runtime/history.ts';
import type { Sealer } from './cipher.ts';
import { CorruptStoreFile, ExecutionNotFound, StoreClosed } from './errors.ts';
import { type LogEntry, parseEntries, parseEvents, patchOf, updateEntry } from './private/format.ts';
import { line, message, readJsonLines, replaceFile, syncDir } from './private/jsonl.ts';
import { buildPack, listPacks, readSlices, removePacks, type Slice, writePack } from './private/pack.ts';
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
const PACKS = 'histories';
const LOG = 'wal';
/** One history file per execution, in a store written before the log. */
const LEGACY = 'executions';
/** Records per line of records.jsonl: one seal per line, and a turn of the event loop between lines. */
const RECORDS_PER_LINE = 256;

/** Opens (creating if needed) the store in `dir`; reopening a directory yields what was stored. */
export async function openFileStore(dir: string, options: FileStoreOptions = {}): Promise<ExecutionStore> {
  await mkdir(join(dir, PACKS), { recursive: true });
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

/** The events of an execution that packs hold: where, and how many. */
interface Filed {
  readonly slices: Slice[];
  count: number;
}

class FileStore implements ExecutionStore {
  private readonly state = new StoreState();
  private readonly filed = new Map<string, Filed>();
  /** Executions with events in the log that no pack has yet. */
  private readonly unfiled = new Set<string>();
  /** Executions holding events in memory that packs have too; the next checkpoint drops them. */
  private readonly resident = new Set<string>();
  /** Histories being read back from their packs. */
  private readonly loading = new Map<string, Promise<void>>();
  /** The last write not yet durable, per execution or state machine arn. */
  private readonly writes = new Map<string, Promise<void>>();
  private wal!: WriteAheadLog;
  private nextPack = 1;
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
    return this.mutate(() => {
      this.state.checkAppend(executionArn, events);
      if (events.length === 0) return Promise.resolve();
      const texts = this.state.appendEvents(executionArn, events);
      this.unfiled.add(executionArn);
      const json = `{"op":"appendEvents","executionArn":${JSON.stringify(executionArn)},"events":[${texts.join(',')}]}`;
      return this.commit(executionArn, json);
    });
  }

  getHistory(executionArn: string, query?: HistoryQuery): Promise<HistoryPage> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    if (this.state.statusOf(executionArn) === undefined) {
      return Promise.reject(new ExecutionNotFound(executionArn));
    }
    const loading =
      this.loading.get(executionArn) ??
      (this.state.dropped(executionArn) > 0 ? this.restore(executionArn) : undefined);
    if (loading) return loading.then(() => this.getHistory(executionArn, query));
    return this.read(executionArn, () => this.state.getHistory(executionArn, query));
  }

  listResumable(): Promise<ExecutionRecord[]> {
    return this.read(undefined, () => this.state.listResumable());
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.wal.pending) await this.wal.pending.catch(noop);
      await Promise.allSettled(this.loading.values());
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
    let first: number | undefined;
    for (const { value, line: at } of (await readJsonLines(records, parseEntries, this.sealer)).lines) {
      for (const entry of value) {
        if (entry.op === 'checkpoint') first = entry.wal;
        else await this.replay(entry, records, at);
      }
    }
    const packs = await listPacks(join(this.dir, PACKS));
    this.nextPack = (packs.at(-1) ?? 0) + 1;
    // Packs no checkpoint names: a crash came before records.jsonl was replaced.
    const named = new Set([...this.filed.values()].flatMap((f) => f.slices.map(([pack]) => pack)));
    await removePacks(
      join(this.dir, PACKS),
      packs.filter((pack) => !named.has(pack)),
    );
    const legacy = first === undefined && existsSync(join(this.dir, LEGACY));
    if (legacy) await this.readLegacyHistories();
    else await rm(join(this.dir, LEGACY), { recursive: true, force: true }); // a migration's leftovers
    const logDir = join(this.dir, LOG);
    const segments = await listSegments(logDir);
    const replayed = segments.filter((n) => n >= (first ?? 0));
    for (const n of replayed) {
      const file = join(logDir, segmentName(n));
      for (const { value, line: at } of (await readJsonLines(file, parseEntries, this.sealer)).lines) {
        for (const entry of value) await this.replay(entry, file, at);
      }
    }
    if (this.fsync) await syncDir(this.dir); // the folders may be new
    this.wal = await WriteAheadLog.open(logDir, (segments.at(-1) ?? first ?? 0) + 1, {
      fsync: this.fsync,
      sealer: this.sealer,
    });
    // Covered by the checkpoint: a crash came between replacing records.jsonl and deleting them.
    await this.wal.removeBefore(first ?? 0);
    if (legacy || replayed.length > 0) await this.checkpoint();
  }

  private async replay(entry: LogEntry, file: string, at: number): Promise<void> {
    try {
      switch (entry.op) {
        case 'putStateMachine':
          return this.state.putStateMachine(entry.record);
        case 'deleteStateMachine':
          return void this.state.deleteStateMachine(entry.stateMachineArn);
        case 'createExecution': {
          const slices = [...(entry.history ?? [])];
          const count = slices.reduce((sum, [, , , n]) => sum + n, 0);
          this.state.createExecution(entry.record, count);
          if (count > 0) this.filed.set(entry.record.executionArn, { slices, count });
          return;
        }
        case 'updateExecution':
          return void this.state.updateExecution(entry.executionArn, patchOf(entry) as ExecutionPatch);
        case 'appendEvents': {
          const length = this.state.historyLength(entry.executionArn);
          this.state.appendEvents(
            entry.executionArn,
            entry.events.filter((e) => (e.id ?? 0) > length),
          );
          this.unfiled.add(entry.executionArn);
          return;
        }
        case 'checkpoint':
          throw new TypeError('a checkpoint header inside the log');
      }
    } catch (e) {
      throw new CorruptStoreFile(file, at, `cannot replay ${entry.op}: ${message(e)}`, { cause: e });
    }
  }

  /** The history files of a store written before the log, into memory, for the first checkpoint to pack. */
  private async readLegacyHistories(): Promise<void> {
    for (const { executionArn } of this.state.records().executions) {
      const hash = createHash('sha256').update(executionArn).digest('hex').slice(0, 32);
      let next = 1;
      const log = await readJsonLines(
        join(this.dir, LEGACY, `${hash}.jsonl`),
        (json) => {
          const events = parseEvents(json, next);
          if (typeof events !== 'string') next += events.length;
          return events;
        },
        this.sealer,
      );
      const events = log.lines.flatMap((l) => l.value);
      if (events.length === 0) continue;
      this.state.appendEvents(executionArn, events);
      this.unfiled.add(executionArn);
    }
  }

  /** Reads an execution's filed events back from its packs. */
  private restore(executionArn: string): Promise<void> {
    const slices = [...(this.filed.get(executionArn)?.slices ?? [])];
    const loading = readSlices(join(this.dir, PACKS), executionArn, slices, this.sealer)
      .then((events) => {
        this.state.restoreEvents(executionArn, events);
        this.resident.add(executionArn);
      })
      .finally(() => this.loading.delete(executionArn));
    this.loading.set(executionArn, loading);
    return loading;
  }

  private checkpoint(): Promise<void> {
    this.checkpointing ??= this.runCheckpoint().finally(() => {
      this.checkpointing = undefined;
    });
    return this.checkpointing;
  }

  /**
   * Moves the log into a pack and records.jsonl. The cut is synchronous: what memory holds now
   * is exactly what the segments before the next one say, and what is taken is never changed.
   */
  private async runCheckpoint(): Promise<void> {
    const parts = [...this.unfiled].map((executionArn) => ({
      executionArn,
      events: this.state.eventsFrom(executionArn, this.filed.get(executionArn)?.count ?? 0),
    }));
    this.unfiled.clear();
    const { machines, executions } = this.state.records();
    const histories = executions.map((r) => [...(this.filed.get(r.executionArn)?.slices ?? [])]);
    const rotated = this.wal.rotate();
    rotated.catch(noop); // awaited below
    const pack = this.nextPack++;
    let first: number;
    let slices: Slice[];
    try {
      const built = await buildPack(pack, parts, this.sealer);
      slices = built.slices;
      const index = new Map(executions.map((r, i) => [r.executionArn, i]));
      parts.forEach(({ executionArn }, i) => {
        histories[index.get(executionArn) ?? -1]?.push(slices[i] as Slice);
      });
      const text = await this.recordsText(machines, executions, histories);
      first = await rotated;
      if (parts.length > 0) await writePack(join(this.dir, PACKS), pack, built.data, this.fsync);
      const header = line(JSON.stringify({ op: 'checkpoint', wal: first }), this.sealer);
      await replaceFile(join(this.dir, RECORDS), header + text, this.fsync);
    } catch (e) {
      for (const { executionArn } of parts) this.unfiled.add(executionArn);
      throw e;
    }
    parts.forEach(({ executionArn, events }, i) => {
      const filed = this.filed.get(executionArn) ?? { slices: [], count: 0 };
      filed.slices.push(slices[i] as Slice);
      filed.count += events.length;
      this.filed.set(executionArn, filed);
      this.resident.add(executionArn);
    });
    await this.wal.removeBefore(first);
    await rm(join(this.dir, LEGACY), { recursive: true, force: true });
    // Memory keeps only what no pack has.
    for (const executionArn of this.resident) {
      if (this.loading.has(executionArn)) continue;
      this.state.dropEvents(executionArn, this.filed.get(executionArn)?.count ?? 0);
      this.resident.delete(executionArn);
    }
  }

  /** records.jsonl after the header, a few hundred records per line, a line per turn of the event loop. */
  private async recordsText(
    machines: readonly StateMachineRecord[],
    executions: readonly ExecutionRecord[],
    histories: readonly Slice[][],
  ): Promise<string> {
    const entries = [
      ...machines.map((record) => ({ op: 'putStateMachine', record })),
      ...executions.map((record, i) => ({ op: 'createExecution', record, history: histories[i] })),
    ];
    let text = '';
    for (let i = 0; i < entries.length; i += RECORDS_PER_LINE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      text += line(JSON.stringify(entries.slice(i, i + RECORDS_PER_LINE)), this.sealer);
    }
    return text;
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

  private refusal(): Error | undefined {
    if (this.closing) return new StoreClosed();
    return this.wal.failed;
  }
}

function noop(): void {}
