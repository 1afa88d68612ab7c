/** Succeed: https://states-language.net/spec.html#succeed-state */
import type { SucceedState } from '../definition/types.ts';
import {
  evaluationFailed,
  exitState,
  type Step,
  type StepResult,
  settle,
  statesBinding,
} from '../runtime/step.ts';

export async function runSucceed(step: Step<SucceedState>): Promise<StepResult> {
  const settled = await settle(step, step.state, statesBinding(step), step.input);
  if (!settled.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, settled.query) };
  const output = exitState(step, settled.value);
  return { kind: 'end', output };
}
