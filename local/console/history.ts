/**
 * The execution page's model of one execution, built from its history as GetExecutionHistory
 * returns it (the SDK's HistoryEvent), and the machine's definition: every state entered with
 * its scope (Map iteration, Parallel branch), attempts, input/output, variables in scope and the
 * context object it saw; the transitions AWS bills; the states waiting on a callback.
 *
 * A pure function of its inputs: no AWS call, nothing of the local engine. Events of concurrent
 * branches and iterations interleave in a history; each is put in its thread by following
 * previousEventId, as AWS links them (see history/builder.ts, history/threads.ts).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { ModelBuilder } from './history/builder.ts';

export { stateNamed } from './history/definition.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
export type RunStatus = 'succeeded' | 'failed' | 'caught' | 'running' | 'waiting' | 'aborted';
export type ChildStatus = 'succeeded' | 'failed' | 'aborted' | 'running';

/** One attempt of a Task (and of a Map or Parallel with Retry): the first, then each retry. */
export interface Attempt {
  scheduledAt: Date;
  endedAt?: Date;
  /** `aborted`: the execution (or a failing sibling branch) stopped the attempt. */
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'running' | 'aborted';
  error?: string;
  cause?: string;
  /** What was called: `lambda:invoke`, `sqs:sendMessage.waitForTaskToken`, a function or activity ARN. */
  resource?: string;
}

/** One enclosing scope of a run, outermost first. */
export interface ScopeStep {
  readonly kind: 'iteration' | 'branch';
  /** The Map or Parallel state's name. */
  readonly state: string;
  readonly index: number;
}

/** A Map iteration or a Parallel branch of one Map/Parallel run. */
export interface ChildRun {
  kind: 'iteration' | 'branch';
  index: number;
  /** Which attempt of the Map/Parallel (1 = first; more when it was retried). */
  attempt: number;
  status: ChildStatus;
  runs: StateRun[];
}

export interface StateRun {
  /** Stable id for links: the StateEntered event's id. */
  id: string;
  name: string;
  /** The state's Type (Task, Choice, Map...). */
  type: string;
  /** `Name`, `MapName/Inner` (every iteration), `ParName/<branch index>/Inner`. */
  path: string;
  /** The nearest enclosing Map iteration, if any. */
  iteration?: { map: string; index: number };
  /** The nearest enclosing Parallel branch, if any. */
  branch?: { parallel: string; index: number };
  /** Every enclosing scope, outermost first. */
  scopes: readonly ScopeStep[];
  /** `''` at the top level, `Process#3` in iteration 3 of Process, `Both#1` in branch 1; nested joined by `/`. */
  scope: string;
  enteredEventId: number;
  exitedEventId?: number;
  enteredAt: Date;
  exitedAt?: Date;
  status: RunStatus;
  input?: unknown;
  output?: unknown;
  /** What the resource received (the latest attempt's): TaskScheduled parameters, a Lambda's or activity's input. */
  arguments?: unknown;
  /** The raw result: a task's output; a Map's or Parallel's array of its iterations' or branches' outputs. */
  result?: unknown;
  attempts: Attempt[];
  /** The state's failure, caught or not (not the failures of attempts it retried). */
  error?: string;
  cause?: string;
  /** stateExitedEventDetails.assignedVariables, each value parsed. */
  assigned?: Record<string, unknown>;
  /**
   * The variables in scope when the state was entered and after it exited. A Map iteration or
   * Parallel branch sees the outer variables as they were when the Map/Parallel was entered;
   * its own assignments stay in it.
   */
  variablesBefore: Readonly<Record<string, unknown>>;
  variablesAfter: Readonly<Record<string, unknown>>;
  /** Map iterations or Parallel branches, for Map and Parallel runs. */
  children?: ChildRun[];
  /**
   * The context object as `$states.context` showed it: Execution, StateMachine, State (RetryCount
   * of the latest attempt), Map.Item inside an iteration (Value when the history tells it),
   * Task.Token for a callback task (when its arguments carry it, the only place it is recorded).
   */
  context: Record<string, unknown>;
}

export interface ExecutionModel {
  /** Every state entered, in history order. */
  runs: StateRun[];
  /** The runs of each state path (see StateRun.path). */
  byPath: Map<string, StateRun[]>;
  /** The top-level runs, in order (the rest hang under their Map/Parallel run's children). */
  top: StateRun[];
  /** State transitions as AWS bills a Standard workflow: each state entered and each retry. */
  transitions: number;
  /**
   * What the transitions cost a Standard workflow at list price: USD 0.000025 per state
   * transition (us-east-1, $0.025 per 1,000), free tier ignored. Express workflows are billed
   * by requests and duration instead; this figure does not apply to them.
   */
  costUsd: number;
  status: ExecutionStatus;
  startDate?: Date;
  stopDate?: Date;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Task states waiting on an outside answer: a `.waitForTaskToken` callback or an activity worker. */
  waiting: StateRun[];
}

/** What the history does not say about the execution (DescribeExecution's answer fits). */
export interface ExecutionFacts {
  readonly executionArn?: string;
  readonly stateMachineArn?: string;
  readonly name?: string;
  readonly startDate?: Date;
  readonly redriveCount?: number;
}

/**
 * The model of one execution from its history events (in id order, as GetExecutionHistory pages
 * them) and its machine's definition (parsed ASL JSON). `execution` adds what the context object
 * shows and the history lacks (ARNs, name).
 */
export function buildExecutionModel(
  events: readonly HistoryEvent[],
  definition: unknown,
  execution: ExecutionFacts = {},
): ExecutionModel {
  const builder = new ModelBuilder(definition, execution);
  for (const event of events) builder.add(event);
  const model = builder.finish();
  // 25 / 1e6 rather than n * 0.000025: the nearest double to the exact amount.
  return { ...model, costUsd: (model.transitions * 25) / 1_000_000 };
}
