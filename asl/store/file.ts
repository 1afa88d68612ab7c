/**
 * The durable execution store, under one data directory:
 *
 *   records.jsonl          append-only log of state machine and execution mutations, replayed at open
 *   executions/<h>.jsonl   one append-only history per execution, one event per line
 *
 * A MemoryStore is the index. Each mutation is checked against it, appended to its file and
 * fdatasync'd, and only then applied, so whatever a caller saw acknowledged survives a crash.
 * Writes to one file go through one queue, so lines never interleave; calls on one execution
 * reach the disk in call order.
 */
import { createHash } from 'node:crypto';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent } from '../runtime/history.ts';
import type { Sealer } from './cipher.ts';
import { CorruptStoreFile, StoreClosed } from './errors.ts';
import { MemoryStore } from './memory.ts';
import { type LogEntry, parseEntry, parseEvent, replay } from './private/format.ts';
import { appendDurably, jsonLines, message, readJsonLines, replaceFile, syncDir } from './private/jsonl.ts';
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
  /** fdatasync every append (default true). Off, writes still reach the OS, but a power cut may lose the last ones. */
  readonly fsync?: boolean;
  /** Rewrite the record log at open once it has more lines than this and than twice the live records (default 1000). */
  readonly compactAbove?: number;
  /**
   * Seal every line written (AES-256-GCM), as AWS encrypts execution data at rest: histories
   * hold inputs, outputs and task parameters, task tokens among them. Lines written unsealed
   * before still read.
   */
  readonly sealer?: Sealer;
}

const RECORDS = 'records.jsonl';
const HISTORIES = 'executions';

/** Opens (creating if needed) the store in `dir`; reopening a directory yields what was stored. */
export async function openFileStore(dir: string, options: FileStoreOptions = {}): Promise<ExecutionStore> {
  const fsync = options.fsync ?? true;
  await mkdir(join(dir, HISTORIES), { recursive: true });
  const path = join(dir, RECORDS);
  const memory = new MemoryStore();
  const sealer = options.sealer;
  const log = await readJsonLines(path, parseEntry, sealer);
  for (const { value, line } of log.lines) {
    await replay(memory, value).catch((e: unknown) => {
      throw new CorruptStoreFile(path, line, `cannot replay ${value.op}: ${message(e)}`, { cause: e });
    });
  }
  let size = log.size;
  const { machines, executions } = memory.snapshot();
  if (
    log.lines.length > (options.compactAbove ?? 1000) &&
    log.lines.length > 2 * (machines.length + executions.length)
  ) {
    const entries: LogEntry[] = [
      ...machines.map((record) => ({ op: 'putStateMachine' as const, record })),
      ...executions.map((record) => ({ op: 'createExecution' as const, record })),
    ];
    size = await replaceFile(path, jsonLines(entries, sealer), fsync);
  }
  const handle = await open(path, 'a');
  if (fsync) await syncDir(dir); // the log may be new
  return new FileStore(dir, memory, handle, size, fsync, sealer);
}

class FileStore implements ExecutionStore {
  /** The tail of pending tasks per file (RECORDS or an execution arn). */
  private readonly queues = new Map<string, Promise<void>>();
  /** Byte size of each history read so far. A history is read on first use, not at open. */
  private readonly historySizes = new Map<string, number>();
  private closing?: Promise<void>;

  constructor(
    private readonly dir: string,
    private readonly memory: MemoryStore,
    private readonly records: FileHandle,
    private recordsSize: number,
    private readonly fsync: boolean,
    private readonly sealer: Sealer | undefined,
  ) {}

  putStateMachine(record: StateMachineRecord): Promise<void> {
    return this.serial(RECORDS, async () => {
      await this.appendRecord({ op: 'putStateMachine', record });
      await this.memory.putStateMachine(record);
    });
  }

  getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined> {
    return this.read(() => this.memory.getStateMachine(stateMachineArn));
  }

  listStateMachines(): Promise<StateMachineRecord[]> {
    return this.read(() => this.memory.listStateMachines());
  }

  deleteStateMachine(stateMachineArn: string): Promise<boolean> {
    return this.serial(RECORDS, async () => {
      if (!(await this.memory.getStateMachine(stateMachineArn))) return false;
      await this.appendRecord({ op: 'deleteStateMachine', stateMachineArn });
      return this.memory.deleteStateMachine(stateMachineArn);
    });
  }

  createExecution(record: ExecutionRecord): Promise<void> {
    const task = async () => {
      this.memory.checkCreate(record);
      await this.appendRecord({ op: 'createExecution', record });
      await this.memory.createExecution(record);
    };
    return this.serial(RECORDS, task, record.executionArn);
  }

  updateExecution(
    executionArn: string,
    patch: ExecutionPatch,
    condition?: UpdateCondition,
  ): Promise<ExecutionRecord> {
    return this.serial(
      RECORDS,
      async () => {
        this.memory.checkUpdate(executionArn, condition);
        // JSON drops undefined values, so the keys a patch removes are listed apart.
        const fields = Object.entries(patch);
        const set = Object.fromEntries(fields.filter(([, value]) => value !== undefined));
        const unset = fields.filter(([, value]) => value === undefined).map(([key]) => key);
        await this.appendRecord({ op: 'updateExecution', executionArn, set, unset });
        return this.memory.updateExecution(executionArn, patch, condition);
      },
      executionArn,
    );
  }

  getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    return this.read(() => this.memory.getExecution(executionArn));
  }

  listExecutions(filter?: ExecutionFilter): Promise<ExecutionPage> {
    return this.read(() => this.memory.listExecutions(filter));
  }

  appendEvents(executionArn: string, events: readonly HistoryEvent[]): Promise<void> {
    return this.serial(
      executionArn,
      async () => {
        await this.loadHistory(executionArn);
        this.memory.checkAppend(executionArn, events);
        if (events.length === 0) return;
        const size = this.historySizes.get(executionArn) ?? 0;
        this.historySizes.set(
          executionArn,
          await appendDurably(
            this.historyFile(executionArn),
            size,
            jsonLines(events, this.sealer),
            this.fsync,
          ),
        );
        await this.memory.appendEvents(executionArn, events);
      },
      RECORDS,
    );
  }

  getHistory(executionArn: string, query?: HistoryQuery): Promise<HistoryPage> {
    // Queued behind the execution's appends: a read sees every event appended before it.
    return this.serial(
      executionArn,
      async () => {
        await this.loadHistory(executionArn);
        return this.memory.getHistory(executionArn, query);
      },
      RECORDS,
    );
  }

  listResumable(): Promise<ExecutionRecord[]> {
    return this.read(() => this.memory.listResumable());
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all(this.queues.values());
      await this.records.close();
      await this.memory.close();
    })();
    return this.closing;
  }

  private read<T>(task: () => Promise<T>): Promise<T> {
    return this.closing ? Promise.reject(new StoreClosed()) : task();
  }

  /**
   * Runs `task` after every task already queued under `key`, and under `after` too: a task on
   * an execution waits for both the record log and that execution's history, so calls on one
   * execution take effect, and reach the disk, in call order, awaited or not (the final
   * events before the final status). A failed task does not block later ones.
   */
  private serial<T>(key: string, task: () => Promise<T>, after?: string): Promise<T> {
    if (this.closing) return Promise.reject(new StoreClosed());
    const run = Promise.all([this.queues.get(key), after && this.queues.get(after)]).then(task);
    const tail = run.then(noop, noop);
    this.queues.set(key, tail);
    // Forget idle queues, so there is not one entry per execution ever touched.
    void tail.then(() => this.queues.get(key) === tail && this.queues.delete(key));
    return run;
  }

  private async loadHistory(executionArn: string): Promise<void> {
    if (this.historySizes.has(executionArn)) return;
    this.memory.checkAppend(executionArn, []); // ExecutionNotFound before touching the disk
    const log = await readJsonLines(this.historyFile(executionArn), parseEvent, this.sealer);
    await this.memory.appendEvents(
      executionArn,
      log.lines.map((l) => l.value),
    );
    this.historySizes.set(executionArn, log.size);
  }

  /** Execution names may hold any Unicode letter and arns pass 255 bytes: a hash is a safe file name. */
  private historyFile(executionArn: string): string {
    const hash = createHash('sha256').update(executionArn).digest('hex').slice(0, 32);
    return join(this.dir, HISTORIES, `${hash}.jsonl`);
  }

  private async appendRecord(entry: LogEntry): Promise<void> {
    const file = join(this.dir, RECORDS);
    this.recordsSize = await appendDurably(
      file,
      this.recordsSize,
      jsonLines([entry], this.sealer),
      this.fsync,
      this.records,
    );
  }
}

function noop(): void {}
