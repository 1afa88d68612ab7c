/**
 * Runs a graph of states (the machine's top level, a Parallel branch or a Map iteration) from
 * StartAt to an end, one state after another on one thread (Frame). Each state type runs through
 * the environment's stateRunners, so Map and Parallel can run their own graphs with runGraph
 * without an import cycle.
 */
import type { State, StateGraph } from '../definition/types.ts';
import { EngineBug } from '../errors.ts';
import type { Frame, StateRunner, Step, StepResult } from './context.ts';
import { append } from './events.ts';
import { NOT_TRUNCATED } from './history.ts';
import { causePrefix, type Failure, StatesError } from './outcome.ts';
import { checkPayload, toJsonText } from './payload.ts';

export type GraphOutcome =
  | { readonly kind: 'succeeded'; readonly output: unknown }
  /** `state` is the state whose failure ended the graph. */
  | { readonly kind: 'failed'; readonly failure: Failure; readonly state?: State }
  | { readonly kind: 'aborted' };

/** Hooks for callers that watch states go by (the console, tests). */
export interface StateHooks {
  onStateEntered?(state: State, input: unknown): void;
}

export async function runGraph(graph: StateGraph, input: unknown, frame: Frame): Promise<GraphOutcome> {
  let state = graph.states.get(graph.startAt);
  let current = input;
  while (state) {
    if (frame.signal.aborted) return { kind: 'aborted' };
    const result = await visit(state, current, frame);
    switch (result.kind) {
      case 'fail':
        return { kind: 'failed', failure: result.failure, state };
      case 'aborted':
        return { kind: 'aborted' };
      case 'end':
        return { kind: 'succeeded', output: result.output };
      case 'next': {
        const next = graph.states.get(result.next);
        if (!next) throw new EngineBug(`state '${state.name}' transitions to unknown state '${result.next}'`);
        state = next;
        current = result.output;
      }
    }
  }
  throw new EngineBug(`graph has no state '${graph.startAt}'`);
}

/**
 * One visit of `state` on this thread: StateEntered, the size checks of its input and output, and
 * the visit itself by the state type's runner, or by `runner` (TestState runs the state its way).
 */
export async function visit(
  state: State,
  input: unknown,
  frame: Frame,
  runner: StateRunner = dispatch,
): Promise<StepResult> {
  const { run } = frame;
  run.transitions++;
  // The previous state's output, serialised as it exited, is this state's input.
  const last = frame.lastOutput;
  const inputJson = last !== undefined && last.value === input ? last.json : toJsonText(input);
  const enteredPrevious = frame.cursor;
  const enteredEventId = append(frame, `${state.type}StateEntered`, {
    // Written out rather than spread from payload(): a visit's hottest allocation.
    stateEnteredEventDetails: { name: state.name, input: inputJson, inputDetails: NOT_TRUNCATED },
  });
  // A resumed state keeps the entry time it was recorded with (Wait deadlines, context object).
  const enteredTime = run.history.timestampOf(enteredEventId) ?? run.env.clock.now();
  const step: Step = {
    state,
    frame,
    input,
    inputJson,
    site: { stateName: state.name, enteredEventId, enteredPrevious },
    enteredTime,
  };
  const tooLarge = checkPayload(step, inputJson);
  if (tooLarge) return { kind: 'fail', failure: tooLarge };
  // The output's size is checked as the state settles it (fields/settle.ts), before StateExited.
  try {
    return await runner(step);
  } catch (error) {
    // Data within the payload limit can still be nested deeper than recursion goes (20,000 levels
    // fit in 40 KB): the state fails, as any state whose data cannot be processed, rather than
    // the exception escaping the execution.
    if (!(error instanceof RangeError)) throw error;
    const cause = `${causePrefix(step.site)}The state's data is nested too deeply or is too large to process (${error.message}).`;
    return { kind: 'fail', failure: { error: StatesError.Runtime, cause } };
  }
}

/** Runs the visit with its state type's runner (EngineEnvironment.stateRunners). */
function dispatch(step: Step): Promise<StepResult> {
  // The runners are keyed by state type, so the one for `step.state.type` accepts this step.
  const run = step.frame.run.env.stateRunners[step.state.type] as StateRunner;
  return run(step);
}
