/** What the Step Functions operations work on: the store, the engine, and where they run. */
import type { DurableExecutions } from '../../asl/durable.ts';
import type { EngineEnvironment, StateMachineDefinition } from '../../asl/index.ts';
import type { ExecutionStore, StateMachineRecord } from '../../asl/store/index.ts';
import type { Account } from './state-machines.ts';

export interface SfnBackend {
  readonly store: ExecutionStore;
  readonly env: EngineEnvironment;
  readonly executions: DurableExecutions;
  readonly at: Account;
  /** The parsed definition of a state machine, with its substitutions applied. */
  definitionOf(machine: StateMachineRecord): StateMachineDefinition;
  /** The same, by ARN (reads the machine first): what resuming executions uses. */
  loadDefinition(stateMachineArn: string): Promise<StateMachineDefinition>;
}
