/** Succeed: https://states-language.net/spec.html#succeed-state */
import type { SucceedState } from '../definition/types.ts';
import { leave } from '../fields/leave.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { statesBinding } from '../runtime/states-binding.ts';

export function runSucceed(step: Step<SucceedState>): Promise<StepResult> {
  return leave(step, step.state, statesBinding(step), undefined);
}
