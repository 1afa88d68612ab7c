/**
 * The typed tree of a state machine definition. A definition is parsed and validated into this
 * tree once (definition/parse.ts); the evaluator reads only this tree, never raw JSON.
 * https://states-language.net/spec.html
 */
import type { Template } from '../jsonata/template.ts';
import type { ChoiceCondition } from '../jsonpath/choice.ts';
import type { JsonPath } from '../jsonpath/path.ts';
import type { PayloadTemplate } from '../jsonpath/payload.ts';

export type QueryLanguage = 'JSONata' | 'JSONPath';

/**
 * A value that is a literal, a JSONata expression producing it (e.g. `Seconds`), or in a JSONPath
 * state the path (or intrinsic function) of its `...Path` field (`SecondsPath`, `ErrorPath`).
 */
export type Dynamic<T> =
  | { kind: 'literal'; value: T }
  | { kind: 'template'; template: Template }
  | { kind: 'jsonpath'; field: string; template: PayloadTemplate };

/**
 * A JSONPath state's data flow, each field absent when the definition leaves it out (its default
 * then applies: `$` for the paths, no selection for the templates).
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-input-output-filtering.html
 */
export interface JsonPathFields {
  /** `null`: the state's input is `{}`. */
  readonly inputPath?: JsonPath | null;
  readonly parameters?: PayloadTemplate;
  /** Pass's `Result`, as written. */
  readonly result?: { readonly value: unknown };
  readonly resultSelector?: PayloadTemplate;
  /** `null`: the result is discarded and the output is the input. */
  readonly resultPath?: JsonPath | null;
  /** `null`: the output is `{}`. */
  readonly outputPath?: JsonPath | null;
  readonly assign?: PayloadTemplate;
}

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
  /** Present when the state is a JSONPath state (then output and assign are not). */
  readonly io?: JsonPathFields;
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
  /** A JSONPath state's catcher: its ResultPath and Assign. */
  readonly io?: JsonPathFields;
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
  /** A JSONata Condition, or a JSONPath rule (Variable and comparison operators, And/Or/Not). */
  readonly condition: Dynamic<boolean> | { readonly kind: 'rule'; readonly rule: ChoiceCondition };
  readonly next: string;
  readonly output?: Template;
  readonly assign?: Template;
  readonly comment?: string;
  /** A JSONPath rule's Assign. */
  readonly io?: JsonPathFields;
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
  /** JSONPath: Credentials with `.$` keys. */
  readonly credentialsPayload?: PayloadTemplate;
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
  /** JSONPath: BatchInput with `.$` keys. */
  readonly batchInputPayload?: PayloadTemplate;
}

export interface ItemReader {
  readonly resource: TaskResource;
  readonly arguments?: Template;
  /** JSONPath: the reader's Parameters. */
  readonly parameters?: PayloadTemplate;
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
  /** JSONPath: ItemsPath (default `$`). */
  readonly itemsPath?: JsonPath;
  /** JSONPath: ItemSelector, or the legacy Parameters that did its job. */
  readonly itemSelectorPayload?: PayloadTemplate;
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
