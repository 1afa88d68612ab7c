/**
 * Assign and Output of a successful visit:
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 * Both are evaluated against the variables as they were at state entry; Assign's values are
 * applied (by exitState) only after both have been evaluated.
 */
import type { JsonPathFields } from '../definition/types.ts';
import type { Template } from '../jsonata/template.ts';
import type { Step } from '../runtime/context.ts';
import type { Settled } from '../runtime/exit.ts';
import { StatesError } from '../runtime/outcome.ts';
import { byteLength, checkPayload, surelyWithin, toJsonText } from '../runtime/payload.ts';
import { bindings, type StatesBinding } from '../runtime/states-binding.ts';
import { type Evaluated, evaluateTemplate, queryFailure } from './evaluate.ts';
import { evaluatePayloadField, pathData, placeResult, selectPath } from './paths.ts';

/** The fields that settle a visit: Output and Assign, or a JSONPath state's data-flow fields. */
export interface SettleFields {
  readonly output?: Template | undefined;
  readonly assign?: Template | undefined;
  readonly io?: JsonPathFields | undefined;
}

/**
 * Evaluates Assign and Output (JSONata) or Assign, ResultSelector, ResultPath and OutputPath
 * (JSONPath, with `result` as the state's result); each assigned value must fit the variable size limit.
 */
export function settle(
  step: Step,
  fields: SettleFields,
  states: StatesBinding,
  defaultOutput: unknown,
): Evaluated<Settled> | Promise<Evaluated<Settled>> {
  // JSONPath settles synchronously: no promise, no turn of the microtask queue, per visit.
  if (step.state.queryLanguage === 'JSONPath') return settleJsonPath(step, fields.io, states, defaultOutput);
  return settleJsonata(step, fields, states, defaultOutput);
}

async function settleJsonata(
  step: Step,
  fields: SettleFields,
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
  return withAssigned(step, output, assigned);
}

/**
 * A JSONPath state's end of visit, in AWS's order: Assign (`$` is the result), ResultSelector
 * (on the result), ResultPath (into the raw input), OutputPath.
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
function settleJsonPath(
  step: Step,
  io: JsonPathFields | undefined,
  states: StatesBinding,
  result: unknown,
): Evaluated<Settled> {
  const roots = pathData(step, result, states);
  let assigned: Record<string, unknown> | undefined;
  if (io?.assign) {
    const r = evaluatePayloadField(step, io.assign, roots);
    if (!r.ok) return r;
    // An empty Assign assigns nothing: AWS records no assignedVariables for it.
    if (Object.keys(r.value as object).length > 0) assigned = r.value as Record<string, unknown>;
  }
  let selected = result;
  if (io?.resultSelector) {
    const r = evaluatePayloadField(step, io.resultSelector, roots);
    if (!r.ok) return r;
    selected = r.value;
  }
  if (io?.resultSelector && step.inspection) step.inspection.afterResultSelector = selected;
  const placed = placeResult(step, io?.resultPath, selected);
  if (!placed.ok) return placed;
  if (step.inspection) step.inspection.afterResultPath = placed.value;
  const output = selectPath(step.site, io?.outputPath, pathData(step, placed.value, states));
  if (!output.ok) return output;
  return withAssigned(step, output.value, assigned);
}

/** The settled visit, each assigned value checked against the variable size limit. */
function withAssigned(
  step: Step,
  output: unknown,
  assigned: Record<string, unknown> | undefined,
): Evaluated<Settled> {
  // An output over the payload limit fails the state before it exits (no StateExited, as recorded).
  const outputJson = unchangedInput(step, output) ?? toJsonText(output);
  const tooLarge = checkPayload(step, outputJson);
  if (tooLarge) {
    const { error = StatesError.DataLimitExceeded, cause = '' } = tooLarge;
    return { ok: false, query: { error, cause, unrecorded: true } };
  }
  if (!assigned) return { ok: true, value: { output, outputJson } };
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
  return { ok: true, value: { output, outputJson, assigned, assignedJson } };
}

/**
 * The input's JSON text when the output is the input itself (a Choice passing its input on, a
 * Pass without fields), in a state that hands its input to no integration: a Task's, a Map's or a
 * Parallel's input went to code that could have changed it since it was serialised.
 */
function unchangedInput(step: Step, output: unknown): string | undefined {
  if (output !== step.input || step.inputJson === undefined) return undefined;
  const { type } = step.state;
  return type === 'Choice' || type === 'Pass' || type === 'Wait' || type === 'Succeed'
    ? step.inputJson
    : undefined;
}
