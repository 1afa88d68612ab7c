/**
 * The explicit context of a running execution: clock, services, limits, the event sink and the
 * variable scope of the current thread (top level, a Parallel branch or a Map iteration), down
 * to one state visit (Step) and what the visit hands back (StepResult).
 */
import type { Clock } from '../clock.ts';
import type { State } from '../definition/types.ts';
import type { ExecutionInfo, TaskRegistry } from '../services/types.ts';
import type { History } from './history.ts';
import type { Failure } from './outcome.ts';
import type { Scope } from './scope.ts';
import type { TaskTokens } from './tokens.ts';

export interface Limits {
  /** Largest state input/output, task result or execution input, in bytes (AWS: 256 KiB). */
  readonly maxPayloadBytes: number;
  /** Events in one execution's history (AWS: 25,000). */
  readonly maxHistoryEvents: number;
  /** Largest value of one variable, and of all variables assigned by one Assign (AWS: 256 KiB). */
  readonly maxVariableBytes: number;
  /** Deepest nesting of one JSONata evaluation (AST nodes, recursion included) before it is stopped. */
  readonly maxExpressionDepth: number;
  /** Longest one JSONata evaluation may run, in wall-clock milliseconds, before it is stopped. */
  readonly maxExpressionMillis: number;
}

export const AWS_LIMITS: Limits = {
  maxPayloadBytes: 256 * 1024,
  maxHistoryEvents: 25_000,
  maxVariableBytes: 256 * 1024,
  // AWS documents no numbers for these guardrails; these stop runaway recursion and loops well
  // before they could hang the local cloud, and leave room for any realistic expression.
  maxExpressionDepth: 1_000,
  maxExpressionMillis: 2_000,
};

/** Random values ($uuid, $random, task tokens, jitter), injectable so tests are repeatable. */
export interface Entropy {
  uuid(): string;
  random(): number;
  /**
   * The task token of one attempt of one `.waitForTaskToken` state visit, named by `key`. The
   * same key must give the same token (a resumed execution waits on the token it handed out),
   * and a token must not be guessable.
   */
  token(key: string): string;
}

export interface EngineEnvironment {
  readonly clock: Clock;
  readonly tasks: TaskRegistry;
  readonly entropy: Entropy;
  readonly limits: Limits;
  readonly tokens: TaskTokens;
  /** How each state type runs a visit (asl/states/), injected: the runtime imports no state module. */
  readonly stateRunners: StateRunners;
  /** The functions AWS adds to JSONata that draw on this environment's entropy ($uuid, $random). */
  readonly functions: Readonly<Record<string, unknown>>;
  readonly region: string;
  readonly account: string;
}

export interface ExecutionRun {
  readonly env: EngineEnvironment;
  readonly info: ExecutionInfo;
  /** The execution input as the context object shows it. */
  readonly input: unknown;
  readonly history: History;
  readonly signal: AbortSignal;
  /** State transitions as AWS bills them: each state entered and each retry. */
  transitions: number;
  /**
   * Resolves when every event appended so far is in durable storage (at once without a store).
   * A side effect that depends on an event (a Task's call on its TaskScheduled) waits for it.
   */
  readonly durable: () => Promise<void>;
}

/** One sequential thread of states: the top level, a Parallel branch or a Map iteration. */
export interface Frame {
  readonly run: ExecutionRun;
  readonly scope: Scope;
  /** The id of the last event this thread appended; the next event's previousEventId. */
  cursor: number;
  /** Aborted when this thread must stop: the execution was stopped, or a sibling branch failed. */
  readonly signal: AbortSignal;
  /** This thread's key in the history: "" at the top level, then `<state>@<entered id>/<branch or index>`. */
  readonly thread: string;
  /** The last StateExited output and its JSON text: the next state's input, serialised once. */
  lastOutput?: { readonly value: unknown; readonly json: string };
}

/** Where an evaluation happens: the state, and the id of its StateEntered event. */
export interface Site {
  readonly stateName: string;
  readonly enteredEventId: number;
  /** The previousEventId of the StateEntered event: AWS links EvaluationFailed to it. */
  readonly enteredPrevious: number;
}

/** Everything a state module needs for one visit. */
export interface Step<S extends State = State> {
  readonly state: S;
  readonly frame: Frame;
  readonly input: unknown;
  /** The input's JSON text, as StateEntered recorded it. */
  readonly inputJson?: string;
  readonly site: Site;
  readonly enteredTime: number;
  /** Where the state modules note what TestState reports of the visit; absent in executions. */
  readonly inspection?: Inspection;
  /**
   * Retries made before this visit, which `$states.context.State.RetryCount` counts from: set
   * only by TestState (its retrierRetryCount, or its context's State.RetryCount); 0 otherwise.
   */
  readonly retriesBefore?: number;
}

/**
 * What AWS's TestState reports of a visit besides its outcome (its inspectionData), noted by the
 * state modules as the visit goes.
 */
export interface Inspection {
  /** What the resource or the branches received: Arguments evaluated (Task, Parallel). */
  afterArguments?: unknown;
  /** JSONPath: the input after InputPath, and after Parameters. */
  afterInputPath?: unknown;
  afterParameters?: unknown;
  /** JSONPath: the result after ResultSelector, and the output-to-be after ResultPath. */
  afterResultSelector?: unknown;
  afterResultPath?: unknown;
  /** The raw result before Output (Task, Parallel, Map). */
  result?: unknown;
  /** What the visit's Assign (or its catcher's) assigned. */
  assigned?: Readonly<Record<string, unknown>>;
}

/** What a state hands back to the runner. */
export type StepResult =
  | { readonly kind: 'next'; readonly next: string; readonly output: unknown }
  | { readonly kind: 'end'; readonly output: unknown }
  | { readonly kind: 'fail'; readonly failure: Failure }
  /** The thread was told to stop (its signal aborted); the state has recorded that it was aborted. */
  | { readonly kind: 'aborted' };

/** How one state type runs a visit. */
export type StateRunner<S extends State = State> = (step: Step<S>) => Promise<StepResult>;

/** One runner per state type, keyed by `Type`. */
export type StateRunners = { readonly [T in State['type']]: StateRunner<Extract<State, { type: T }>> };
