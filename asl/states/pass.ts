/** Pass: https://states-language.net/spec.html#pass-state */
import type { PassState } from '../definition/types.ts';
import {
  evaluationFailed,
  exitState,
  type Step,
  type StepResult,
  settle,
  statesBinding,
  transitionResult,
} from '../runtime/step.ts';

export async function runPass(step: Step<PassState>): Promise<StepResult> {
  const settled = await settle(step, step.state, statesBinding(step), step.input);
  if (!settled.ok) return { kind: 'fail', failure: evaluationFailed(step.frame, step.site, settled.query) };
  const output = exitState(step, settled.value);
  return transitionResult(step.state, output);
}
