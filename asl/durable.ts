/**
 * Executions that outlive the process: each execution's record and every history event (with
 * the engine's thread key) go to an {@link ExecutionStore} as they happen; after a restart,
 * `resumeAll()` carries every RUNNING execution on from its recorded history, so a waiting
 * task token is accepted again and a Wait state still fires at its original time.
 */
import type { StateMachineDefinition } from './definition/types.ts';
import { AslError } from './errors.ts';
import type { EngineEnvironment } from './runtime/context.ts';
import { type ExecutionResult, execute, executionInfo, type StartOptions } from './runtime/execution.ts';
import type { HistoryEvent, RecordedEvent } from './runtime/history.ts';
import { boundCause, StatesError } from './runtime/outcome.ts';
import { toJsonText } from './runtime/payload.ts';
import { redrivePlan } from './runtime/redrive.ts';
import type { ExecutionPatch, ExecutionRecord, ExecutionStore } from './store/types.ts';

/** The thread key is kept inside the stored event under this name and removed when read back. */
const THREAD_KEY = 'engineThread';

/** What StopExecution says about why. */
export interface StopReason {
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
  /** A shutdown, not a StopExecution: nothing is recorded. */
  readonly suspended?: boolean;
}

export class ResumeError extends AslError {
  override name = 'ResumeError';
}

/** Finds the parsed definition of a state machine (the local cloud reads it from the store). */
export type DefinitionLoader = (stateMachineArn: string) => Promise<StateMachineDefinition>;

export interface RunningExecution {
  readonly executionArn: string;
  /** Resolves when the execution ends and its final record and events are stored. */
  readonly done: Promise<ExecutionResult>;
  /** StopExecution: aborts every running state; `error` and `cause` go into ExecutionAborted. */
  stop(reason?: StopReason): void;
}

export class DurableExecutions {
  private readonly writes = new Map<string, Promise<void>>();
  private readonly running = new Map<string, RunningExecution>();
  private readonly writeFailures = new Map<string, unknown>();
  private suspended = false;

  constructor(
    private readonly env: EngineEnvironment,
    private readonly store: ExecutionStore,
    private readonly loadDefinition: DefinitionLoader,
  ) {}

  /** Starts an execution: stores its record, then runs it, storing each event as it happens. */
  async start(options: StartOptions): Promise<RunningExecution> {
    if (this.suspended)
      throw new ResumeError('the engine is shutting down; start the execution after it restarts');
    const info = executionInfo(this.env, options);
    const record: ExecutionRecord = {
      executionArn: info.executionArn,
      stateMachineArn: info.stateMachineArn,
      name: info.name,
      type: info.type,
      status: 'RUNNING',
      startDate: new Date(info.startTime),
      input: toJsonText(options.input),
      redriveCount: info.redriveCount,
    };
    await this.store.createExecution(record);
    return this.launch(
      { ...options, name: info.name, stateMachineArn: info.stateMachineArn, startTime: info.startTime },
      info.executionArn,
    );
  }

  /**
   * RedriveExecution: the closed execution runs again from its unsuccessful states, under the
   * same ARN and input, its redriveCount one higher. The record goes back to RUNNING only if it
   * still has the status `record` shows (ExecutionStatusMismatch otherwise: a concurrent redrive).
   * The caller checks that the execution is redrivable; `patch` adds to the record's change
   * (its redriveDate, the caller's own bookkeeping), made in the same update.
   */
  async redrive(record: ExecutionRecord, patch: ExecutionPatch = {}): Promise<RunningExecution> {
    if (this.suspended)
      throw new ResumeError('the engine is shutting down; redrive the execution after it restarts');
    const definition = await this.loadDefinition(record.stateMachineArn);
    const { events } = await this.store.getHistory(record.executionArn);
    const redriveDate = patch.redriveDate ?? new Date(this.env.clock.now());
    const redriven = await this.store.updateExecution(
      record.executionArn,
      {
        status: 'RUNNING',
        redriveCount: record.redriveCount + 1,
        stopDate: undefined,
        output: undefined,
        error: undefined,
        cause: undefined,
        ...patch,
        redriveDate,
      },
      { ifStatus: record.status },
    );
    return this.launch(
      { ...this.optionsOf(redriven, definition, redrivePlan(events.map(fromStored), true)), redrive: true },
      record.executionArn,
    );
  }

  /** Carries on every execution the store has as RUNNING. Answers how many were resumed. */
  async resumeAll(): Promise<RunningExecution[]> {
    const resumed: RunningExecution[] = [];
    for (const record of await this.store.listResumable()) {
      if (this.running.has(record.executionArn)) continue;
      resumed.push(await this.resume(record));
    }
    return resumed;
  }

  /**
   * Shutdown: stops every execution of this process without recording an end, so each stays
   * RUNNING in the store and the next process resumes it. Waits for the writes already made.
   */
  async suspend(): Promise<void> {
    this.suspended = true;
    for (const running of this.running.values()) running.stop({ suspended: true });
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
    await this.flush();
  }

  /** Waits until every event appended so far is in the store (before closing it at shutdown). */
  async flush(): Promise<void> {
    await Promise.all(this.writes.values());
  }

  /** The execution if it is running in this process. */
  get(executionArn: string): RunningExecution | undefined {
    return this.running.get(executionArn);
  }

  private async resume(record: ExecutionRecord): Promise<RunningExecution> {
    const definition = await this.loadDefinition(record.stateMachineArn);
    const { events } = await this.store.getHistory(record.executionArn);
    // A redriven execution replays its earlier attempts as the redrive did.
    const recorded = redrivePlan(events.map(fromStored), false);
    return this.launch(this.optionsOf(record, definition, recorded), record.executionArn);
  }

  /**
   * The engine could not carry the execution on (an engine fault, or a resumed history that the
   * state machine's current definition no longer produces): the execution is failed, in its
   * history and its record, with the reason, instead of staying RUNNING with nothing to end it.
   */
  private async failUnfinished(executionArn: string, error: unknown): Promise<ExecutionResult> {
    this.running.delete(executionArn);
    if (this.suspended) throw error;
    await this.writes.get(executionArn);
    this.writes.delete(executionArn);
    const { events } = await this.store.getHistory(executionArn);
    const last = events.at(-1)?.id ?? 0;
    const reason = error instanceof Error ? error.message : String(error);
    const cause = boundCause(`The engine could not carry the execution on: ${reason}`);
    const failed: HistoryEvent = {
      timestamp: new Date(this.env.clock.now()),
      type: 'ExecutionFailed',
      id: last + 1,
      previousEventId: last,
      executionFailedEventDetails: { error: StatesError.Runtime, cause },
    };
    await this.store.appendEvents(executionArn, [failed]);
    await this.store.updateExecution(executionArn, {
      status: 'FAILED',
      stopDate: new Date(this.env.clock.now()),
      error: StatesError.Runtime,
      cause,
    });
    return {
      status: 'FAILED',
      error: StatesError.Runtime,
      cause,
      events: [...events.map(publicEvent), failed],
      transitions: 0,
    };
  }

  /** How a stored execution runs again from its recorded history (resume, redrive). */
  private optionsOf(
    record: ExecutionRecord,
    definition: StateMachineDefinition,
    recorded: readonly RecordedEvent[],
  ): StartOptions {
    const stateMachineName = record.stateMachineArn.slice(record.stateMachineArn.lastIndexOf(':') + 1);
    return {
      definition,
      input: JSON.parse(record.input),
      name: record.name,
      stateMachineArn: record.stateMachineArn,
      stateMachineName,
      type: record.type,
      redriveCount: record.redriveCount,
      startTime: record.startDate.getTime(),
      ...(record.redriveDate ? { attemptStart: record.redriveDate.getTime() } : {}),
      recorded,
    };
  }

  private launch(options: StartOptions, executionArn: string): RunningExecution {
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const done = execute(this.env, {
      ...options,
      signal,
      onEvent: (event, thread) => {
        options.onEvent?.(event, thread);
        this.persist(executionArn, toStored(event, thread));
      },
      // Everything appended so far, on disk: what the engine waits for before a side effect.
      durable: () => this.writes.get(executionArn) ?? Promise.resolve(),
    }).then(
      async (result) => {
        await this.writes.get(executionArn);
        if (this.suspended) {
          this.running.delete(executionArn);
          return result;
        }
        const writeFailure = this.writeFailures.get(executionArn);
        if (writeFailure !== undefined) {
          this.writeFailures.delete(executionArn);
          throw new ResumeError(
            `the history of ${executionArn} could not be stored, so it cannot be resumed`,
            {
              cause: writeFailure,
            },
          );
        }
        await this.store.updateExecution(executionArn, {
          status: result.status,
          stopDate: new Date(this.env.clock.now()),
          transitions: result.transitions,
          ...(result.status === 'SUCCEEDED' ? { output: toJsonText(result.output) } : {}),
          ...(result.error !== undefined ? { error: result.error } : {}),
          ...(result.cause !== undefined ? { cause: result.cause } : {}),
        });
        this.running.delete(executionArn);
        this.writes.delete(executionArn);
        return result;
      },
      (error: unknown) => this.failUnfinished(executionArn, error),
    );
    const running: RunningExecution = { executionArn, done, stop: (reason) => stop.abort(reason ?? {}) };
    this.running.set(executionArn, running);
    return running;
  }

  /**
   * Issues the append at once (the store keeps one execution's appends in call order and commits
   * concurrent ones together); `writes` holds the promise that every append so far is durable.
   * The first failure is kept for the end.
   */
  private persist(executionArn: string, event: HistoryEvent): void {
    if (this.suspended) return;
    const previous = this.writes.get(executionArn) ?? Promise.resolve();
    const written = this.store.appendEvents(executionArn, [event]).catch((error: unknown) => {
      if (!this.writeFailures.has(executionArn)) this.writeFailures.set(executionArn, error);
    });
    this.writes.set(
      executionArn,
      Promise.all([previous, written]).then(() => undefined),
    );
  }
}

function toStored(event: HistoryEvent, thread: string): HistoryEvent {
  return thread === '' ? event : ({ ...event, [THREAD_KEY]: thread } as HistoryEvent);
}

function fromStored(stored: HistoryEvent): RecordedEvent {
  const { [THREAD_KEY]: thread, ...event } = stored as HistoryEvent & { [THREAD_KEY]?: unknown };
  if (thread !== undefined && typeof thread !== 'string') {
    throw new ResumeError(
      `event ${stored.id} has a malformed thread key ${JSON.stringify(thread)}; the history file is damaged`,
    );
  }
  return { event, thread: thread ?? '' };
}

/** Removes the engine's thread key from stored events before they are shown (GetExecutionHistory). */
export function publicEvent(stored: HistoryEvent): HistoryEvent {
  return fromStored(stored).event;
}
