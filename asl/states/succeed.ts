/** Succeed: https://states-language.net/spec.html#succeed-state */
import type { SucceedState } from '../definition/types.ts';
import { leave } from '../fields/leave.ts';
import { effectiveInput } from '../fields/paths.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import { statesBinding } from '../runtime/states-binding.ts';

export function runSucceed(step: Step<SucceedState>): Promise<StepResult> {
  const { state } = step;
  if (!state.io) return leave(step, state, statesBinding(step), undefined);
  const input = effectiveInput(step, state.io);
  if (!input.ok)
    return Promise.resolve({ kind: 'fail', failure: evaluationFailed(step.frame, step.site, input.query) });
  return leave(step, state, statesBinding(step), undefined, input.value);
}
