/** Succeed: https://states-language.net/spec.html#succeed-state */
import type { SucceedState } from '../definition/types.ts';
import { leave, type Step, type StepResult, statesBinding } from '../runtime/step.ts';

export function runSucceed(step: Step<SucceedState>): Promise<StepResult> {
  return leave(step, step.state, statesBinding(step), undefined);
}
