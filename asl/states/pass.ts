/** Pass: https://states-language.net/spec.html#pass-state */
import type { PassState } from '../definition/types.ts';
import { leave, nextOf, type Step, type StepResult, statesBinding } from '../runtime/step.ts';

export function runPass(step: Step<PassState>): Promise<StepResult> {
  return leave(step, step.state, statesBinding(step), nextOf(step.state));
}
