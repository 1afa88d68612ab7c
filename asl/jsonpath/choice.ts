/**
 * Choice rules in the JSONPath query language: a `Variable` path tested by one comparison
 * operator, combined with And, Or and Not. Compiled once from the definition, then evaluated
 * against the state's effective input through a PathResolver.
 * https://states-language.net/spec.html#choice-state
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */

import type { JsonPath } from './path.ts';
import { compileRule } from './private/choice-compile.ts';
import {
  asType,
  type Comparable,
  type DataType,
  holds,
  matchesWildcard,
  passesCheck,
  type Relation,
  type TypeCheck,
  type Wildcard,
} from './private/choice-operators.ts';
import type { Evaluation, PathProblem, PathResolver } from './types.ts';

export type ChoiceCondition =
  | { readonly kind: 'And'; readonly rules: readonly ChoiceCondition[] }
  | { readonly kind: 'Or'; readonly rules: readonly ChoiceCondition[] }
  | { readonly kind: 'Not'; readonly rule: ChoiceCondition }
  | ChoiceComparison;

/** A data-test rule: `{ "Variable": "$.x", "<operator>": <operand> }`. */
export interface ChoiceComparison {
  readonly kind: 'Comparison';
  readonly variable: JsonPath;
  /** The operator's field name as written, e.g. `NumericLessThanPath`. */
  readonly operator: string;
  readonly test: ChoiceTest;
}

export type ChoiceTest =
  | {
      readonly kind: 'compare';
      readonly type: DataType;
      readonly relation: Relation;
      readonly operand: ChoiceOperand;
    }
  | { readonly kind: 'matches'; readonly pattern: Wildcard }
  | { readonly kind: 'present'; readonly expected: boolean }
  | { readonly kind: 'is'; readonly check: TypeCheck; readonly expected: boolean };

/** The right-hand side: a literal from the definition, or (the `...Path` operators) another path. */
export type ChoiceOperand =
  | { readonly kind: 'literal'; readonly value: Comparable }
  | { readonly kind: 'path'; readonly path: JsonPath };

/** A definition-time problem, located like `/States/X/Choices/0/StringEquals`. */
export interface ChoiceProblem {
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

/**
 * Validates one rule object at definition time. Top-level rules also carry Next, Comment and
 * Assign: those keys are the caller's and are ignored here; any other unknown key is reported.
 * `path` is the rule's location. Returns undefined when problems were reported.
 */
export function compileChoiceRule(
  raw: Record<string, unknown>,
  path: string,
  report: (problem: ChoiceProblem) => void,
): ChoiceCondition | undefined {
  return compileRule(raw, path, report, true);
}

/** Evaluates against the state's effective input through resolve() (`$.x`, `$$.x`, `$name.x`). */
export function evaluateChoice(condition: ChoiceCondition, resolve: PathResolver): Evaluation<boolean> {
  switch (condition.kind) {
    case 'And':
      return evaluateAll(condition.rules, resolve, false);
    case 'Or':
      return evaluateAll(condition.rules, resolve, true);
    case 'Not': {
      const inner = evaluateChoice(condition.rule, resolve);
      return inner.ok ? result(!inner.value) : inner;
    }
    case 'Comparison':
      return evaluateComparison(condition, resolve);
  }
}

/**
 * And (decisive = false) and Or (decisive = true), in array order, "ceasing array processing
 * when the boolean value has been unambiguously determined" (States Language): a later rule's
 * missing path is not an error once an earlier rule decided.
 */
function evaluateAll(
  rules: readonly ChoiceCondition[],
  resolve: PathResolver,
  decisive: boolean,
): Evaluation<boolean> {
  for (const rule of rules) {
    const r = evaluateChoice(rule, resolve);
    if (!r.ok || r.value === decisive) return r;
  }
  return result(!decisive);
}

function evaluateComparison(rule: ChoiceComparison, resolve: PathResolver): Evaluation<boolean> {
  const { test } = rule;
  const found = resolve(rule.variable);
  if (test.kind === 'present') {
    if (found.ok) return result(test.expected);
    return found.missing ? result(!test.expected) : found;
  }
  if (!found.ok) return found.missing ? invalidPath(rule.variable) : found;
  switch (test.kind) {
    case 'is':
      return result(passesCheck(test.check, found.value) === test.expected);
    case 'matches':
      return result(typeof found.value === 'string' && matchesWildcard(test.pattern, found.value));
    case 'compare': {
      const right = operandValue(test.type, test.relation, test.operand, resolve);
      if (!right.ok) return right;
      const left = asType(test.type, found.value);
      // A value of another type is no match, not an error: the spec's interpreter "will not
      // attempt to match a numeric field to a string value" (recorded: NumericEquals on "" is false).
      if (left === undefined || right.value === undefined) return result(false);
      return result(holds(test.relation, left, right.value));
    }
  }
}

function operandValue(
  type: DataType,
  relation: Relation,
  operand: ChoiceOperand,
  resolve: PathResolver,
): Evaluation<Comparable | undefined> {
  if (operand.kind === 'literal') return { ok: true, value: operand.value };
  const found = resolve(operand.path);
  if (!found.ok) return found.missing ? invalidPath(operand.path) : found;
  const value = asType(type, found.value);
  // An ordering against another path needs a value of the operator's type there; an equality
  // against one of another type is simply false.
  if (value === undefined && relation !== 'Equals') {
    return runtime(`Invalid value provided at path '${operand.path.source}'`);
  }
  return { ok: true, value };
}

const result = (value: boolean): Evaluation<boolean> => ({ ok: true, value });

/** The failure AWS reports when a rule's Variable or `...Path` operand selects nothing. */
function invalidPath(path: JsonPath): PathProblem {
  return runtime(
    `Invalid path '${path.source}': The choice state's condition path references an invalid value.`,
  );
}

function runtime(message: string): PathProblem {
  return { ok: false, error: 'States.Runtime', message };
}
