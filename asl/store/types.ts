/**
 * What the local Step Functions service keeps: state machines, executions and their histories.
 * Records carry what DescribeStateMachine / DescribeExecution return; histories are AWS's
 * HistoryEvent objects, appended in id order and never changed.
 */
import type {
  EncryptionConfiguration,
  LoggingConfiguration,
  TracingConfiguration,
} from '@aws-sdk/client-sfn';
import type { HistoryEvent } from '../runtime/history.ts';

/** AWS's execution statuses (the SDK's ExecutionStatus), RUNNING included. */
export type ExecutionStatus =
  | 'RUNNING'
  | 'SUCCEEDED'
  | 'FAILED'
  | 'TIMED_OUT'
  | 'ABORTED'
  | 'PENDING_REDRIVE';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

export interface StateMachineRecord {
  readonly stateMachineArn: string;
  readonly name: string;
  /** The definition as created (substitutions not applied), as DescribeStateMachine returns it. */
  readonly definition: string;
  readonly roleArn: string;
  readonly type: StateMachineType;
  readonly creationDate: Date;
  readonly status: 'ACTIVE' | 'DELETING';
  readonly revisionId?: string;
  readonly description?: string;
  /** `${Token}` values the local cloud substitutes into the definition before it runs. */
  readonly substitutions?: Readonly<Record<string, string>>;
  readonly loggingConfiguration?: LoggingConfiguration;
  readonly tracingConfiguration?: TracingConfiguration;
  readonly encryptionConfiguration?: EncryptionConfiguration;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  /** JSON text, as AWS returns it. */
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount: number;
  readonly redriveDate?: Date;
  /**
   * RedriveExecution's client tokens, newest last, each with its redrive's date (epoch ms): a
   * repeated token answers that redrive again instead of redriving anew.
   */
  readonly redriveTokens?: readonly { readonly token: string; readonly redriveDate: number }[];
  readonly traceHeader?: string;
  /** State transitions as AWS bills them. */
  readonly transitions?: number;
  /**
   * Engine data needed to resume the execution after a restart: opaque to the store. JSON
   * values only: the file store keeps JSON, so a Date inside would come back as a string.
   */
  readonly resume?: unknown;
}

/** A change to an execution. A key set to `undefined` removes that field (a redrive clears stopDate). */
export type ExecutionPatch = Partial<Omit<ExecutionRecord, 'executionArn'>>;

export interface UpdateCondition {
  /** Apply the patch only if the execution has this status, atomically (StopExecution racing the end). */
  readonly ifStatus?: ExecutionStatus;
}

/**
 * Paging, for listExecutions and getHistory. `maxResults` omitted means everything; otherwise a
 * positive integer (the endpoint applies AWS's default of 100 and its maximum of 1000). A page
 * with more after it carries `nextToken`, opaque and bound to the query that issued it.
 */
export interface PageQuery {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface ExecutionFilter extends PageQuery {
  readonly stateMachineArn?: string;
  readonly status?: ExecutionStatus;
  /** ListExecutions' redriveFilter: true, only executions redriven at least once; false, never redriven. */
  readonly redriven?: boolean;
}

export interface ExecutionPage {
  readonly executions: ExecutionRecord[];
  readonly nextToken?: string;
}

export interface HistoryQuery extends PageQuery {
  /** Newest event first, as GetExecutionHistory's reverseOrder. */
  readonly reverseOrder?: boolean;
}

export interface HistoryPage {
  readonly events: HistoryEvent[];
  readonly nextToken?: string;
}

/**
 * The store. Every method returns copies: changing a returned object never changes the store.
 * A mutation takes effect when called (the next call sees it) and its promise resolves once it
 * is stored; a read answers once what it returns is stored. Failures are the named errors of
 * `./errors.ts`.
 */
export interface ExecutionStore {
  /** Creates or replaces (UpdateStateMachine) a state machine. */
  putStateMachine(record: StateMachineRecord): Promise<void>;
  getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined>;
  /** In creation order. */
  listStateMachines(): Promise<StateMachineRecord[]>;
  /** Removes the state machine, not its executions (AWS keeps them readable); false if there was none. */
  deleteStateMachine(stateMachineArn: string): Promise<boolean>;

  /** Fails with ExecutionAlreadyExists if the arn is taken. */
  createExecution(record: ExecutionRecord): Promise<void>;
  /** Applies the patch and returns the updated record; ExecutionNotFound, ExecutionStatusMismatch. */
  updateExecution(
    executionArn: string,
    patch: ExecutionPatch,
    condition?: UpdateCondition,
  ): Promise<ExecutionRecord>;
  getExecution(executionArn: string): Promise<ExecutionRecord | undefined>;
  /** Newest first (by startDate, then creation order), as ListExecutions; InvalidPageToken, InvalidPageSize. */
  listExecutions(filter?: ExecutionFilter): Promise<ExecutionPage>;

  /**
   * Appends events to an execution's history. Ids must continue the history: 1 first, then
   * previous + 1 (EventSequenceError). Checked and applied in call order when called, so
   * appends need not wait for each other; the promise resolves exactly when the events are
   * stored (on disk, for the file store, which syncs appends that arrive together once).
   */
  appendEvents(executionArn: string, events: readonly HistoryEvent[]): Promise<void>;
  /** Oldest first unless reverseOrder; ExecutionNotFound, InvalidPageToken, InvalidPageSize. */
  getHistory(executionArn: string, query?: HistoryQuery): Promise<HistoryPage>;

  /** RUNNING executions in creation order, for the engine to resume after a restart. */
  listResumable(): Promise<ExecutionRecord[]>;
  /** Waits for pending writes, then releases files. Later calls fail with StoreClosed. */
  close(): Promise<void>;
}
