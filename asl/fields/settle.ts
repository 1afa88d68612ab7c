/**
 * Assign and Output of a successful visit:
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 * Both are evaluated against the variables as they were at state entry; Assign's values are
 * applied (by exitState) only after both have been evaluated.
 */
import type { Template } from '../jsonata/template.ts';
import type { Step } from '../runtime/context.ts';
import type { Settled } from '../runtime/exit.ts';
import { byteLength, surelyWithin, toJsonText } from '../runtime/payload.ts';
import { bindings, type StatesBinding } from '../runtime/states-binding.ts';
import { type Evaluated, evaluateTemplate, queryFailure } from './evaluate.ts';

/** Evaluates Assign and Output; each assigned value must fit the variable size limit. */
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
