/**
 * The Amazon States Language runtime: parse and validate a definition into a typed tree,
 * run executions with AWS's semantics and history, derive IAM.
 */
import { createEnvironment, type EnvironmentOptions } from './environment.ts';
import { type ExecutionResult, execute, type StartOptions } from './runtime/execution.ts';

export { type Clock, systemClock, VirtualClock } from './clock.ts';
export { type ParseOptions, parseDefinition, parseState } from './definition/parse.ts';
export type * from './definition/types.ts';
export { createEnvironment, type EnvironmentOptions } from './environment.ts';
export {
  AslError,
  DefinitionError,
  DefinitionErrors,
  EngineBug,
  InvalidExecutionInput,
  TaskTokenError,
} from './errors.ts';
export { AWS_LIMITS, type EngineEnvironment, type Entropy, type Limits } from './runtime/context.ts';
export { createEntropy, defaultEntropy } from './runtime/entropy.ts';
export {
  type ExecutionResult,
  type ExecutionStatus,
  execute,
  type StartOptions,
} from './runtime/execution.ts';
export type { HistoryEvent, HistoryEventType } from './runtime/history.ts';
export type { Failure } from './runtime/outcome.ts';
export { TaskTokens } from './runtime/tokens.ts';
export {
  type ExecutionInfo,
  RoutingRegistry,
  type TaskHandler,
  type TaskRegistry,
  type TaskRequest,
  type TaskResult,
} from './services/types.ts';
export {
  type TestStateContext,
  type TestStateInspection,
  type TestStateMock,
  type TestStateOptions,
  type TestStateResult,
  testState,
} from './states/index.ts';

/** Runs one execution in a fresh environment: the simplest way to run a definition. */
export function runExecution(options: EnvironmentOptions & StartOptions): Promise<ExecutionResult> {
  return execute(createEnvironment(options), options);
}
