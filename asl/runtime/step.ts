/**
 * What every state shares: the `$states` bindings, the context object, the StateExited event,
 * and how a state hands control back to the runner.
 */
import type { State } from '../definition/types.ts';
import {
  type Evaluated,
  evaluateTemplate,
  type QueryFailure,
  queryFailure,
  type Site,
} from '../fields/evaluate.ts';
import type { Bindings } from '../jsonata/expression.ts';
import type { Template } from '../jsonata/template.ts';
import type { Frame } from './context.ts';
import type { HistoryEventType } from './history.ts';
import { NOT_TRUNCATED, payload } from './history.ts';
import { type Failure, StatesError } from './outcome.ts';
import { byteLength, surelyWithin, toJsonText } from './payload.ts';

/** A successful visit's output and assignments (with their JSON text, computed once). */
export interface Settled {
  readonly output: unknown;
  readonly assigned?: Record<string, unknown> | undefined;
  readonly assignedJson?: Record<string, string> | undefined;
}

/** What a state hands back to the runner. */
export type StepResult =
  | { readonly kind: 'next'; readonly next: string; readonly output: unknown }
  | { readonly kind: 'end'; readonly output: unknown }
  | { readonly kind: 'fail'; readonly failure: Failure }
  /** The thread was told to stop (its signal aborted); the state has recorded that it was aborted. */
  | { readonly kind: 'aborted' };

/** Everything a state module needs for one visit. */
export interface Step<S extends State = State> {
  readonly state: S;
  readonly frame: Frame;
  readonly input: unknown;
  readonly site: Site;
  readonly enteredTime: number;
}

export interface StatesBinding {
  readonly input: unknown;
  readonly context: unknown;
  readonly result?: unknown;
  readonly errorOutput?: unknown;
}

/** The `$states.context` object for this visit. */
export function contextObject(
  step: Step,
  extra: { retryCount?: number; taskToken?: string; mapItem?: { index: number; value: unknown } } = {},
): Record<string, unknown> {
  const { info, input } = step.frame.run;
  const context: Record<string, unknown> = {
    Execution: {
      Id: info.executionArn,
      Input: input,
      StartTime: new Date(info.startTime).toISOString(),
      Name: info.name,
      RoleArn: info.roleArn,
      RedriveCount: info.redriveCount,
    },
    StateMachine: { Id: info.stateMachineArn, Name: info.stateMachineName },
    State: {
      Name: step.state.name,
      EnteredTime: new Date(step.enteredTime).toISOString(),
      RetryCount: extra.retryCount ?? 0,
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
  extra: Omit<StatesBinding, 'input' | 'context'> = {},
): StatesBinding {
  const states = new LazyStates(step);
  if (extra.result !== undefined) states.result = extra.result;
  if (extra.errorOutput !== undefined) states.errorOutput = extra.errorOutput;
  return states;
}

class LazyStates implements StatesBinding {
  readonly input: unknown;
  result?: unknown;
  errorOutput?: unknown;
  // Private fields: JSONata must see only input, result, errorOutput and context.
  readonly #step: Step;
  #context: Record<string, unknown> | undefined;

  constructor(step: Step) {
    this.#step = step;
    this.input = step.input;
  }

  get context(): Record<string, unknown> {
    this.#context ??= contextObject(this.#step);
    return this.#context;
  }
}

/**
 * Evaluates Assign and Output of a successful visit, against the variables as they were at state
 * entry. Assign's values are applied only after both have been evaluated.
 */
export async function settle(
  step: Step,
  fields: { readonly output?: Template | undefined; readonly assign?: Template | undefined },
  states: StatesBinding,
  defaultOutput: unknown,
): Promise<Evaluated<Settled>> {
  const b = bindings(step, states);
  let assigned: Record<string, unknown> | undefined;
  if (fields.assign) {
    const r = await evaluateTemplate(fields.assign, b, 'Assign', step.site);
    if (!r.ok) return r;
    assigned = r.value as Record<string, unknown>;
  }
  let output = defaultOutput;
  if (fields.output) {
    const r = await evaluateTemplate(fields.output, b, 'Output', step.site);
    if (!r.ok) return r;
    output = r.value;
  }
  if (!assigned) return { ok: true, value: { output } };
  const limit = step.frame.run.env.limits.maxVariableBytes;
  const assignedJson: Record<string, string> = {};
  for (const [name, value] of Object.entries(assigned)) {
    const json = toJsonText(value);
    if (!surelyWithin(json, limit) && byteLength(json) > limit) {
      return queryFailure(
        step.site,
        `Assign/${name}`,
        `The variable '${name}' exceeds the maximum size of ${limit} bytes.`,
      );
    }
    assignedJson[name] = json;
  }
  return { ok: true, value: { output, assigned, assignedJson } };
}

/**
 * Applies assignments and appends `<Type>StateExited`; answers the state's output. When the
 * execution is being resumed and this exit was recorded, the recorded output and variables are
 * the ones that count: a re-evaluation (of `$uuid()`, say) must not change what already happened.
 */
export function exitState(
  step: Step,
  settled: Settled,
  type: HistoryEventType = `${step.state.type}StateExited` as HistoryEventType,
): unknown {
  const { frame } = step;
  let { output, assigned, assignedJson } = settled;
  const recorded = frame.run.history.peek(frame.thread);
  if (recorded?.type === type && recorded.stateExitedEventDetails) {
    const details = recorded.stateExitedEventDetails;
    output = details.output === undefined ? output : JSON.parse(details.output);
    assignedJson = details.assignedVariables;
    assigned = assignedJson
      ? Object.fromEntries(Object.entries(assignedJson).map(([k, v]) => [k, JSON.parse(v)]))
      : undefined;
  }
  if (assigned) frame.scope.assignAll(assigned);
  const json = toJsonText(output);
  frame.lastOutput = { value: output, json };
  const details: Record<string, unknown> = { name: step.state.name, ...payload('output', json) };
  if (assigned) {
    details.assignedVariables =
      assignedJson ?? Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, toJsonText(v)]));
    details.assignedVariablesDetails = NOT_TRUNCATED;
  }
  append(frame, type, { stateExitedEventDetails: details });
  return output;
}

/** Sleeps on the engine's clock, unless this thread is being resumed past the sleep already. */
export async function pause(frame: Frame, ms: number): Promise<boolean> {
  if (ms <= 0 || frame.run.history.replaying(frame.thread)) return true;
  try {
    await frame.run.env.clock.sleep(ms, frame.signal);
    return true;
  } catch {
    return false;
  }
}

/** Appends an event on this thread, chaining previousEventId. */
export function append(
  frame: Frame,
  type: HistoryEventType,
  details: Record<string, unknown> = {},
  previous = frame.cursor,
): number {
  frame.cursor = frame.run.history.append(type, previous, details, frame.thread);
  return frame.cursor;
}

/** Appends an event on this thread without moving it (AWS's Map/Parallel *Succeeded events). */
export function note(
  frame: Frame,
  type: HistoryEventType,
  details: Record<string, unknown> = {},
  previous = frame.cursor,
): number {
  return frame.run.history.append(type, previous, details, frame.thread);
}

/** The key of a child thread (a Parallel branch or a Map iteration) of the state visit `step`. */
export function childThread(step: Step, key: number): string {
  return `${step.frame.thread}/${step.state.name}@${step.site.enteredEventId}/${key}`;
}

/**
 * Appends EvaluationFailed and answers the failure the state fails with. AWS links the event
 * to the one before the state's StateEntered, not to StateEntered itself.
 */
export function evaluationFailed(
  frame: Frame,
  site: Site,
  query: QueryFailure,
  previous = site.enteredPrevious,
): Failure {
  append(
    frame,
    'EvaluationFailed',
    {
      evaluationFailedEventDetails: {
        error: query.error,
        cause: query.cause,
        ...(query.location !== undefined ? { location: query.location } : {}),
        state: site.stateName,
      },
    },
    previous,
  );
  return { error: query.error, cause: query.cause };
}

/**
 * The end of a successful visit: settles Output and Assign, records StateExited, and moves on to
 * `next`, or ends the graph when `next` is undefined. A failed evaluation fails the state.
 */
export async function leave(
  step: Step,
  fields: { readonly output?: Template | undefined; readonly assign?: Template | undefined },
  states: StatesBinding,
  next: string | undefined,
  defaultOutput: unknown = step.input,
): Promise<StepResult> {
  const settled = await settle(step, fields, states, defaultOutput);
  if (!settled.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, settled.query) };
  const output = exitState(step, settled.value);
  return next === undefined ? { kind: 'end', output } : { kind: 'next', next, output };
}

/** The state a transition leads to, or undefined at an End. */
export function nextOf(state: {
  transition: { end: true } | { end: false; next: string };
}): string | undefined {
  return state.transition.end ? undefined : state.transition.next;
}

/** Where a successful visit goes next. */
export function transitionResult(
  state: { transition: { end: true } | { end: false; next: string } },
  output: unknown,
): StepResult {
  return state.transition.end
    ? { kind: 'end', output }
    : { kind: 'next', next: state.transition.next, output };
}

/** A payload over the limit fails the state with States.DataLimitExceeded. */
export function checkPayload(step: Step, json: string, what: string): Failure | undefined {
  const limit = step.frame.run.env.limits.maxPayloadBytes;
  if (surelyWithin(json, limit) || byteLength(json) <= limit) return undefined;
  return {
    error: StatesError.DataLimitExceeded,
    cause: `The state/task '${step.state.name}' returned a result with a size exceeding the maximum number of bytes service limit (${what}).`,
  };
}
