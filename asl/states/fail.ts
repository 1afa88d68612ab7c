/** Fail: https://states-language.net/spec.html#fail-state */
import type { FailState } from '../definition/types.ts';
import { evaluateDynamic } from '../fields/dynamic.ts';
import { failure } from '../runtime/outcome.ts';
import { bindings, evaluationFailed, type Step, type StepResult, statesBinding } from '../runtime/step.ts';

export async function runFail(step: Step<FailState>): Promise<StepResult> {
  const b = () => bindings(step, statesBinding(step));
  let error: string | undefined;
  let cause: string | undefined;
  if (step.state.error) {
    const r = await evaluateDynamic(step.state.error, b, 'Error', 'string', step.site);
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, r.query) };
    error = r.value;
  }
  if (step.state.cause) {
    const r = await evaluateDynamic(step.state.cause, b, 'Cause', 'string', step.site);
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, r.query) };
    cause = r.value;
  }
  return { kind: 'fail', failure: failure(error, cause) };
}
