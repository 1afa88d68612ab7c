/**
 * The in-memory execution store: the store's semantics (private/state.ts) behind the async
 * ExecutionStore interface, for tests and for executions that need not outlive the process.
 */
import type { HistoryEvent } from '../runtime/history.ts';
import { StoreClosed } from './errors.ts';
import { StoreState } from './private/state.ts';
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

export class MemoryStore implements ExecutionStore {
  private readonly state = new StoreState();
  private closed = false;

  async putStateMachine(record: StateMachineRecord): Promise<void> {
    this.open().putStateMachine(record);
  }

  async getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined> {
    return this.open().getStateMachine(stateMachineArn);
  }

  async listStateMachines(): Promise<StateMachineRecord[]> {
    return this.open().listStateMachines();
  }

  async deleteStateMachine(stateMachineArn: string): Promise<boolean> {
    return this.open().deleteStateMachine(stateMachineArn);
  }

  async createExecution(record: ExecutionRecord): Promise<void> {
    this.open().createExecution(record);
  }

  async updateExecution(
    executionArn: string,
    patch: ExecutionPatch,
    condition?: UpdateCondition,
  ): Promise<ExecutionRecord> {
    return this.open().updateExecution(executionArn, patch, condition);
  }

  async getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    return this.open().getExecution(executionArn);
  }

  async listExecutions(filter?: ExecutionFilter): Promise<ExecutionPage> {
    return this.open().listExecutions(filter);
  }

  async appendEvents(executionArn: string, events: readonly HistoryEvent[]): Promise<void> {
    this.open().appendEvents(executionArn, events);
  }

  async getHistory(executionArn: string, query?: HistoryQuery): Promise<HistoryPage> {
    return this.open().getHistory(executionArn, query);
  }

  async listResumable(): Promise<ExecutionRecord[]> {
    return this.open().listResumable();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): StoreState {
    if (this.closed) throw new StoreClosed();
    return this.state;
  }
}
