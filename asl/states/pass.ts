/** Pass: https://states-language.net/spec.html#pass-state */
import type { PassState } from '../definition/types.ts';
import { leave } from '../fields/leave.ts';
import { effectiveInput } from '../fields/paths.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import { statesBinding } from '../runtime/states-binding.ts';
import { nextOf } from '../runtime/transition.ts';

export function runPass(step: Step<PassState>): Promise<StepResult> {
  const { state } = step;
  if (!state.io) return leave(step, state, statesBinding(step), nextOf(state));
  // JSONPath: the result is Result as written, else the effective input (InputPath, Parameters).
  const input = effectiveInput(step, state.io);
  if (!input.ok)
    return Promise.resolve({ kind: 'fail', failure: evaluationFailed(step.frame, step.site, input.query) });
  const result = state.io.result ? state.io.result.value : input.value;
  return leave(step, state, statesBinding(step), nextOf(state), result);
}
