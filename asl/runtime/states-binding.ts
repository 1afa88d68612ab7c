/**
 * What JSONata sees during a state visit: the variables in scope, the AWS functions, and
 * `$states` (input, result, errorOutput, and the context object, built only when an expression
 * reads it). https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
 */
import type { Bindings } from '../jsonata/expression.ts';
import type { Step } from './context.ts';

export interface StatesBinding {
  readonly input: unknown;
  readonly context: unknown;
  readonly result?: unknown;
  readonly errorOutput?: unknown;
}

/** What a context object shows beyond the visit itself: a Task attempt's, a Map item's. */
export interface ContextExtra {
  readonly retryCount?: number;
  readonly taskToken?: string | undefined;
  readonly mapItem?: { readonly index: number; readonly value: unknown };
}

/** The `$states.context` object for this visit. */
export function contextObject(step: Step, extra: ContextExtra = {}): Record<string, unknown> {
  const { info, input } = step.frame.run;
  const context: Record<string, unknown> = {
    Execution: {
      Id: info.executionArn,
      Input: input,
      StartTime: new Date(info.startTime).toISOString(),
      Name: info.name,
      RoleArn: info.roleArn,
      // A synchronous Express execution's context object has no RedriveCount (recorded; an
      // asynchronous one's has, as a Standard one's).
      ...(info.synchronous ? {} : { RedriveCount: info.redriveCount }),
    },
    StateMachine: { Id: info.stateMachineArn, Name: info.stateMachineName },
    // RetryCount only where a state can retry: AWS's context object of a Pass state has none.
    State: {
      Name: step.state.name,
      EnteredTime: new Date(step.enteredTime).toISOString(),
      ...('retry' in step.state ? { RetryCount: extra.retryCount ?? 0 } : {}),
    },
  };
  if (extra.taskToken !== undefined) context.Task = { Token: extra.taskToken };
  // Map.Item is visible only while a Map state builds each item's input (ItemSelector).
  if (extra.mapItem) context.Map = { Item: { Index: extra.mapItem.index, Value: extra.mapItem.value } };
  return context;
}

/** Variables in scope and the AWS functions (inherited, see Scope), and `$states`. */
export function bindings(step: Step, states: StatesBinding): Bindings {
  const b: Record<string, unknown> = { ...step.frame.scope.bindings() };
  b.states = states;
  return b;
}

/** `$states` for this visit; the context object is built only if an expression reads it. */
export function statesBinding(
  step: Step,
  extra: Omit<StatesBinding, 'input' | 'context'> & {
    /** A JSONPath state's effective input (after InputPath), where `$` then points. */
    readonly input?: unknown;
    /** What the context object shows beyond the visit (a Task attempt's retry count and token). */
    readonly context?: ContextExtra;
  } = {},
): StatesBinding {
  const { context } = extra;
  const input = 'input' in extra ? extra.input : step.input;
  // Inline closures: the TypeScript loader names (at a cost) each closure a variable holds.
  const states =
    step.state.queryLanguage === 'JSONata'
      ? new JsonataStates(input, () => contextObject(step, context))
      : new PathStates(input, () => contextObject(step, context));
  if (extra.result !== undefined) states.result = extra.result;
  if (extra.errorOutput !== undefined) states.errorOutput = extra.errorOutput;
  return states;
}

/** `states` with a result (a Task attempt's, once it has one); the same context object. */
export function withResult(states: StatesBinding, result: unknown): StatesBinding {
  const derived = derive(states, states.input);
  derived.result = result;
  return derived;
}

/** `states` with another input (a JSONPath Task's after InputPath); the same context object. */
export function withInput(states: StatesBinding, input: unknown): StatesBinding {
  return derive(states, input);
}

function derive(states: StatesBinding, input: unknown): LazyStates {
  return states instanceof JsonataStates
    ? new JsonataStates(input, () => states.context)
    : new PathStates(input, () => states.context);
}

/** `$states` with its context object built on first read. */
abstract class LazyStates implements StatesBinding {
  readonly input: unknown;
  abstract readonly context: unknown;
  declare result?: unknown;
  declare errorOutput?: unknown;
  // Private: JSONata sees only the members above.
  readonly #make: () => unknown;
  #built = false;
  #context: unknown;

  constructor(input: unknown, make: () => unknown) {
    this.input = input;
    this.#make = make;
  }

  /** The context object, made once. */
  contextObject(): unknown {
    if (!this.#built) {
      this.#context = this.#make();
      this.#built = true;
    }
    return this.#context;
  }
}

/**
 * A JSONata state's `$states`. JSONata may take `$states` whole (`{% $states %}`,
 * `$keys($states)`), so `context` is an own, enumerable property (a getter) after `input`, and
 * `result` and `errorOutput` exist only when the visit has them, as AWS shows them.
 */
class JsonataStates extends LazyStates {
  declare readonly context: unknown;

  constructor(input: unknown, make: () => unknown) {
    super(input, make);
    Object.defineProperty(this, 'context', CONTEXT);
  }
}

/**
 * A JSONPath state's `$states`: its paths read `$` and `$$` by name and never enumerate it, so
 * the context object's getter stays on the prototype (defining one per instance costs ~0.2 µs).
 */
class PathStates extends LazyStates {
  get context(): unknown {
    return this.contextObject();
  }
}

function readContext(this: LazyStates): unknown {
  return this.contextObject();
}

/** One descriptor for every instance: defining the getter allocates nothing per visit but the slot. */
const CONTEXT: PropertyDescriptor = Object.freeze({ enumerable: true, configurable: true, get: readContext });
