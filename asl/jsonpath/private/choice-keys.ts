/**
 * The fields a JSONPath choice rule may hold, and the problem reported for any other: a field of
 * the top-level rule only (Next, Assign) found in a nested one, a JSONata field, or a misspelling.
 * https://states-language.net/spec.html#choice-state
 */
import type { ChoiceProblem } from '../choice.ts';
import { OPERATORS } from './choice-operators.ts';

type Report = (problem: ChoiceProblem) => void;

export const BOOLEAN_OPERATORS = ['And', 'Or', 'Not'] as const;
/** The top-level rule's own fields, which the Choice state reads (Next, Assign) or ignores. */
const CALLER_KEYS = ['Next', 'Comment', 'Assign'];

/** Reports every key that is not Variable, an operator, And/Or/Not, Comment, or (top level) Next/Assign. */
export function checkKeys(
  raw: Record<string, unknown>,
  path: string,
  report: Report,
  topLevel: boolean,
): void {
  for (const key of Object.keys(raw)) {
    if (known(key) || key === 'Comment' || (topLevel && CALLER_KEYS.includes(key))) continue;
    report({ path: `${path}/${key}`, ...unknownKey(key, topLevel) });
  }
}

function known(key: string): boolean {
  return OPERATORS.has(key) || key === 'Variable' || (BOOLEAN_OPERATORS as readonly string[]).includes(key);
}

function unknownKey(key: string, topLevel: boolean): { message: string; hint: string } {
  if (!topLevel && (key === 'Next' || key === 'Assign')) {
    return {
      message: `'${key}' is only allowed in a top-level choice rule, not inside And, Or or Not`,
      hint: `Move '${key}' to the rule at the top of the Choices array.`,
    };
  }
  if (key === 'Condition' || key === 'Output') {
    return {
      message: `The field '${key}' belongs to the JSONata query language; this rule is JSONPath`,
      hint:
        key === 'Condition'
          ? 'Use "Variable" with a comparison operator, or set "QueryLanguage": "JSONata" on the state.'
          : 'Remove it (a JSONPath Choice state shapes its output with InputPath/OutputPath).',
    };
  }
  const near = [...OPERATORS.keys(), 'Variable', ...BOOLEAN_OPERATORS].find(
    (name) => name.toLowerCase() === key.toLowerCase(),
  );
  return {
    message: `The field '${key}' is not supported in a choice rule`,
    hint: near
      ? `Did you mean '${near}'? Field names are case-sensitive.`
      : 'Remove it: a rule holds Variable and one comparison operator (e.g. StringEquals), or one of And, Or, Not.',
  };
}
