/**
 * The typed tree of a state machine definition. A definition is parsed and validated into this
 * tree once (definition/parse.ts); the evaluator reads only this tree, never raw JSON.
 * https://states-language.net/spec.html
 */
import type { Template } from '../jsonata/template.ts';

export type QueryLanguage = 'JSONata' | 'JSONPath';

/** A value that is either a literal or a JSONata expression producing it (e.g. `Seconds`). */
export type Dynamic<T> = { kind: 'literal'; value: T } | { kind: 'template'; template: Template };

export interface StateMachineDefinition {
  readonly comment?: string;
  readonly startAt: string;
  readonly states: ReadonlyMap<string, State>;
  readonly queryLanguage: QueryLanguage;
  readonly timeoutSeconds?: number;
  readonly version?: string;
  /** The raw text the definition was parsed from (kept for DescribeStateMachine). */
  readonly source: string;
}

/** A Map processor or Parallel branch: its own set of states. */
export interface StateGraph {
  readonly startAt: string;
  readonly states: ReadonlyMap<string, State>;
}

/** Where a state goes after it succeeds. */
export type Transition = { readonly end: true } | { readonly end: false; readonly next: string };

interface StateCommon {
  readonly name: string;
  readonly comment?: string;
  readonly queryLanguage: QueryLanguage;
  /** Output when the state succeeds; absent means the default for the state type. */
  readonly output?: Template;
  readonly assign?: Template;
}

export interface Retrier {
  readonly errorEquals: readonly string[];
  readonly intervalSeconds: number;
  readonly maxAttempts: number;
  readonly backoffRate: number;
  readonly maxDelaySeconds?: number;
  readonly jitterStrategy: 'FULL' | 'NONE';
}

export interface Catcher {
  readonly errorEquals: readonly string[];
  readonly next: string;
  readonly output?: Template;
  readonly assign?: Template;
}

export interface PassState extends StateCommon {
  readonly type: 'Pass';
  readonly transition: Transition;
}

export interface SucceedState extends StateCommon {
  readonly type: 'Succeed';
}

export interface FailState extends StateCommon {
  readonly type: 'Fail';
  readonly error?: Dynamic<string>;
  readonly cause?: Dynamic<string>;
}

export interface WaitState extends StateCommon {
  readonly type: 'Wait';
  readonly transition: Transition;
  readonly wait: { readonly seconds: Dynamic<number> } | { readonly timestamp: Dynamic<string> };
}

export interface ChoiceRule {
  readonly condition: Dynamic<boolean>;
  readonly next: string;
  readonly output?: Template;
  readonly assign?: Template;
  readonly comment?: string;
}

export interface ChoiceState extends StateCommon {
  readonly type: 'Choice';
  readonly choices: readonly ChoiceRule[];
  readonly default?: string;
}

/** The parts of a Task resource ARN the engine dispatches on. */
export interface TaskResource {
  readonly arn: string;
  /**
   * `lambda-function`: a Lambda ARN as the resource (legacy, emits LambdaFunction* events);
   * `activity`: an activity ARN; `service`: `arn:aws:states:::<service>:<action>[.<pattern>]`.
   */
  readonly kind: 'service' | 'lambda-function' | 'activity';
  /** e.g. `lambda`, `aws-sdk:dynamodb`, `states`, `sqs`; for lambda-function `lambda`. */
  readonly service: string;
  /** e.g. `invoke`, `putItem`, `startExecution`. */
  readonly action: string;
  readonly pattern: 'request-response' | 'sync' | 'sync:2' | 'waitForTaskToken';
  readonly region?: string;
  readonly account?: string;
}

export interface TaskState extends StateCommon {
  readonly type: 'Task';
  readonly transition: Transition;
  readonly resource: TaskResource;
  readonly arguments?: Template;
  readonly credentials?: Template;
  readonly timeoutSeconds?: Dynamic<number>;
  readonly heartbeatSeconds?: Dynamic<number>;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

export interface ParallelState extends StateCommon {
  readonly type: 'Parallel';
  readonly transition: Transition;
  readonly branches: readonly StateGraph[];
  readonly arguments?: Template;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

export interface ItemBatcher {
  readonly maxItemsPerBatch?: Dynamic<number>;
  readonly maxInputBytesPerBatch?: Dynamic<number>;
  readonly batchInput?: Template;
}

export interface ItemReader {
  readonly resource: TaskResource;
  readonly arguments?: Template;
  readonly readerConfig?: {
    readonly inputType?: string;
    readonly csvHeaderLocation?: string;
    readonly csvHeaders?: readonly string[];
    readonly maxItems?: Dynamic<number>;
  };
}

export interface MapState extends StateCommon {
  readonly type: 'Map';
  readonly transition: Transition;
  readonly processor: StateGraph;
  readonly mode: 'INLINE' | 'DISTRIBUTED';
  readonly executionType?: 'STANDARD' | 'EXPRESS';
  readonly items?: Template;
  readonly itemSelector?: Template;
  readonly itemReader?: ItemReader;
  readonly itemBatcher?: ItemBatcher;
  readonly maxConcurrency: Dynamic<number>;
  readonly toleratedFailureCount?: Dynamic<number>;
  readonly toleratedFailurePercentage?: Dynamic<number>;
  readonly label?: string;
  readonly retry: readonly Retrier[];
  readonly catch: readonly Catcher[];
}

export type State =
  | PassState
  | SucceedState
  | FailState
  | WaitState
  | ChoiceState
  | TaskState
  | ParallelState
  | MapState;

export type StateType = State['type'];
