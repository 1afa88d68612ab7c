/**
 * The runtime: the explicit context of an execution (environment, run, thread, state visit),
 * the history, running a graph and an execution, and what every state visit shares. It imports
 * neither fields/ nor states/: the state types reach it through EngineEnvironment.stateRunners.
 */
export {
  AWS_LIMITS,
  type EngineEnvironment,
  type Entropy,
  type ExecutionRun,
  type Frame,
  type Inspection,
  type Limits,
  type Site,
  type StateRunner,
  type StateRunners,
  type Step,
  type StepResult,
} from './context.ts';
export { createEntropy, defaultEntropy } from './entropy.ts';
export { append, childThread, evaluationFailed, note } from './events.ts';
export {
  type ExecutionResult,
  type ExecutionStatus,
  execute,
  executionInfo,
  type StartOptions,
} from './execution.ts';
export { exitState, type Settled } from './exit.ts';
export { type GraphOutcome, runGraph, type StateHooks, visit } from './graph.ts';
export {
  type EventDetails,
  History,
  type HistoryEvent,
  type HistoryEventType,
  type HistorySink,
  NOT_TRUNCATED,
  payload,
  type RecordedEvent,
} from './history.ts';
export {
  errorOutput,
  type Failure,
  failure,
  type Outcome,
  type QueryFailure,
  StatesError,
} from './outcome.ts';
export { pause } from './pause.ts';
export { byteLength, checkPayload, surelyWithin, toJsonText } from './payload.ts';
export { redrivePlan, settledLength } from './redrive.ts';
export { Scope } from './scope.ts';
export { bindings, contextObject, type StatesBinding, statesBinding } from './states-binding.ts';
export { TaskTokens, type TokenAnswer } from './tokens.ts';
export { nextOf, transitionResult } from './transition.ts';
