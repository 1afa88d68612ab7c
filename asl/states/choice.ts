/** Choice (JSONata Condition rules): https://states-language.net/spec.html#choice-state */
import type { ChoiceState } from '../definition/types.ts';
import { evaluateDynamic } from '../fields/dynamic.ts';
import { StatesError } from '../runtime/outcome.ts';
import {
  bindings,
  evaluationFailed,
  exitState,
  type Step,
  type StepResult,
  settle,
  statesBinding,
} from '../runtime/step.ts';

export async function runChoice(step: Step<ChoiceState>): Promise<StepResult> {
  const { state, frame, site } = step;
  const states = statesBinding(step);
  const b = () => bindings(step, states);
  for (const [i, rule] of state.choices.entries()) {
    const r = await evaluateDynamic(rule.condition, b, `Choices/${i}/Condition`, 'boolean', site);
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, r.query) };
    if (r.value) {
      // The matching rule's Output and Assign apply, not the state's own.
      const settled = await settle(step, rule, states, step.input);
      if (!settled.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, settled.query) };
      return {
        kind: 'next',
        next: rule.next,
        output: exitState(step, settled.value),
      };
    }
  }
  if (state.default === undefined) {
    return {
      kind: 'fail',
      failure: {
        error: StatesError.NoChoiceMatched,
        cause: `An error occurred while executing the state '${state.name}' (entered at the event id #${site.enteredEventId}). Failed to transition to next state.`,
      },
    };
  }
  const settled = await settle(step, state, states, step.input);
  if (!settled.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, settled.query) };
  return {
    kind: 'next',
    next: state.default,
    output: exitState(step, settled.value),
  };
}
