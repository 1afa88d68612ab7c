/** Choice: https://states-language.net/spec.html#choice-state */
import type { ChoiceRule, ChoiceState } from '../definition/types.ts';
import { evaluateDynamic } from '../fields/dynamic.ts';
import { causePrefix, type Evaluated } from '../fields/evaluate.ts';
import { leave } from '../fields/leave.ts';
import { payloadScope, runtimeFailure, statesRoots, workingInput } from '../fields/paths.ts';
import { evaluateChoice } from '../jsonpath/choice.ts';
import type { Step, StepResult } from '../runtime/context.ts';
import { evaluationFailed } from '../runtime/events.ts';
import { StatesError } from '../runtime/outcome.ts';
import { type StatesBinding, statesBinding } from '../runtime/states-binding.ts';

export async function runChoice(step: Step<ChoiceState>): Promise<StepResult> {
  const { state, frame, site } = step;
  // JSONPath: the rules, Assign and OutputPath see the effective input (after InputPath).
  const input = workingInput(step);
  if (!input.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, input.query) };
  const states = statesBinding(step, { input: input.value });
  const { choices } = state;
  for (let i = 0; i < choices.length; i++) {
    const rule = choices[i] as ChoiceRule;
    // A JSONPath rule is decided at once; a JSONata Condition is awaited.
    const decided = matches(step, rule, i, states);
    const r = decided instanceof Promise ? await decided : decided;
    if (!r.ok) return { kind: 'fail', failure: evaluationFailed(frame, site, r.query) };
    // The matching rule's Output and Assign apply, not the state's own (JSONPath: with the state's OutputPath).
    if (r.value) {
      const fields = state.io ? { io: { outputPath: state.io.outputPath, assign: rule.io?.assign } } : rule;
      return leave(step, fields, states, rule.next, input.value);
    }
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
  return leave(step, state, states, state.default, input.value);
}

function matches(
  step: Step<ChoiceState>,
  rule: ChoiceRule,
  i: number,
  states: StatesBinding,
): Evaluated<boolean> | Promise<Evaluated<boolean>> {
  const { condition } = rule;
  if (condition.kind !== 'rule') {
    return evaluateDynamic(condition, states, `Choices/${i}/Condition`, 'boolean', step);
  }
  const scope = payloadScope(step, statesRoots(step, states));
  const r = evaluateChoice(condition.rule, scope.resolve);
  return r.ok ? r : runtimeFailure(step.site, r.message, r.error);
}
