/**
 * Where `$states.result` and `$states.errorOutput` may appear. "Transforming data with JSONata in
 * Step Functions", Reserved variable `$states`: `result` is the API or sub-workflow's result (if
 * successful), so it exists only in Output and Assign of Task, Parallel and Map; `errorOutput`
 * exists only in a Catch's Output and Assign. AWS refuses other uses at creation.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import { isExpressionString } from '../../jsonata/expression.ts';
import type { StateType } from '../types.ts';
import { fail, isObject, type Raw, type Reporter } from './reporter.ts';

type Member = 'result' | 'errorOutput';

/** Fields that hold nested states, checked when those states are parsed. */
const NESTED = new Set(['Branches', 'ItemProcessor', 'Iterator', 'Catch']);
const MEMBER = /\$states\s*\.\s*(result|errorOutput)\b/g;

/** Reports each `$states.result` / `$states.errorOutput` used in a field where it is unavailable. */
export function checkStatesMembers(reporter: Reporter, raw: Raw, path: string, type: StateType): void {
  const resultFields = type === 'Task' || type === 'Parallel' || type === 'Map' ? ['Output', 'Assign'] : [];
  for (const [key, value] of Object.entries(raw)) {
    if (NESTED.has(key)) continue;
    report(reporter, value, `${path}/${key}`, { result: resultFields.includes(key), errorOutput: false });
  }
  if (!Array.isArray(raw.Catch)) return;
  for (const [i, catcher] of raw.Catch.entries()) {
    if (!isObject(catcher)) continue;
    for (const [key, value] of Object.entries(catcher)) {
      const inOutput = key === 'Output' || key === 'Assign';
      report(reporter, value, `${path}/Catch/${i}/${key}`, { result: false, errorOutput: inOutput });
    }
  }
}

function report(reporter: Reporter, value: unknown, path: string, allowed: Record<Member, boolean>): void {
  for (const { text, at } of expressions(value, path)) {
    const seen = new Set<Member>();
    for (const match of withoutStringLiterals(text).matchAll(MEMBER)) {
      const member = match[1] as Member;
      if (allowed[member] || seen.has(member)) continue;
      seen.add(member);
      fail(
        reporter,
        at,
        `$states.${member} is not available in this field (STATES_${member === 'result' ? 'RESULT' : 'ERROR_OUTPUT'}_UNAVAILABLE)`,
        member === 'result'
          ? 'Read $states.result only in the Output or Assign of a Task, Parallel or Map state.'
          : 'Read $states.errorOutput only in the Output or Assign of a Catch rule.',
      );
    }
  }
}

function* expressions(value: unknown, path: string): Generator<{ text: string; at: string }> {
  if (typeof value === 'string') {
    if (isExpressionString(value)) yield { text: value, at: path };
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* expressions(item, `${path}/${i}`);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* expressions(item, `${path}/${key}`);
  }
}

/** `'$states.result'` inside a JSONata string literal is text, not a reference. */
function withoutStringLiterals(text: string): string {
  return text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
}
