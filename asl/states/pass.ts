/** Pass: https://states-language.net/spec.html#pass-state */
import type { PassState } from '../definition/types.ts';
import { leave } from '../fields/leave.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { statesBinding } from '../runtime/states-binding.ts';
import { nextOf } from '../runtime/transition.ts';

export function runPass(step: Step<PassState>): Promise<StepResult> {
  return leave(step, step.state, statesBinding(step), nextOf(step.state));
}
