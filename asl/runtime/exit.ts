/**
 * StateExited: the end of a successful visit in the history, and the moment its assignments
 * take effect.
 */
import type { Step } from './context.ts';
import { append } from './events.ts';
import { type HistoryEventType, NOT_TRUNCATED } from './history.ts';
import { toJsonText } from './payload.ts';

/** A successful visit's output and assignments (with their JSON text, computed once). */
export interface Settled {
  readonly output: unknown;
  /** The output's JSON text, when the settling already wrote it (to check its size). */
  readonly outputJson?: string;
  readonly assigned?: Record<string, unknown> | undefined;
  readonly assignedJson?: Record<string, string> | undefined;
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
  if (assigned && step.inspection) step.inspection.assigned = assigned;
  const json =
    output === settled.output && settled.outputJson !== undefined ? settled.outputJson : toJsonText(output);
  frame.lastOutput = { value: output, json };
  const details: Record<string, unknown> = {
    name: step.state.name,
    output: json,
    outputDetails: NOT_TRUNCATED,
  };
  if (assigned) {
    details.assignedVariables =
      assignedJson ?? Object.fromEntries(Object.entries(assigned).map(([k, v]) => [k, toJsonText(v)]));
    details.assignedVariablesDetails = NOT_TRUNCATED;
  }
  append(frame, type, { stateExitedEventDetails: details });
  return output;
}
