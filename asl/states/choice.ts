/** Choice (JSONata Condition rules): https://states-language.net/spec.html#choice-state */
import type { ChoiceState } from '../definition/types.ts';
import { evaluateDynamic } from '../fields/dynamic.ts';
import { causePrefix } from '../fields/evaluate.ts';
import { leave } from '../fields/leave.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import { StatesError } from '../runtime/outcome.ts';
import { bindings, statesBinding } from '../runtime/states-binding.ts';

export async function runChoice(step: Step<ChoiceState>): Promise<StepResult> {
  const { state, frame, site } = step;
  const states = statesBinding(step);
  const b = () => bindings(step, states);
  for (const [i, rule] of state.choices.entries()) {
    const r = await evaluateDynamic(rule.condition, b, `Choices/${i}/Condition`, 'boolean', site);
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, r.query) };
    // The matching rule's Output and Assign apply, not the state's own.
    if (r.value) return leave(step, rule, states, rule.next);
  }
  if (state.default === undefined) {
    return {
      kind: 'fail',
      failure: {
        error: StatesError.NoChoiceMatched,
        cause: `${causePrefix(site)}Failed to transition to next state.`,
      },
    };
  }
  return leave(step, state, states, state.default);
}
