/**
 * Definition-time validation of JSONPath Choice rules, into the tree ../choice.ts evaluates.
 * Every problem of a rule is reported (not only the first), each at its own location.
 * https://states-language.net/spec.html#choice-state
 */

import { parseTimestamp } from '../../timestamp.ts';
import type { ChoiceCondition, ChoiceOperand, ChoiceProblem, ChoiceTest } from '../choice.ts';
import { type JsonPath, parsePath, pathHint } from '../path.ts';
import { BOOLEAN_OPERATORS, checkKeys } from './choice-keys.ts';
import {
  type Comparable,
  compilePattern,
  type DataType,
  OPERATORS,
  type OperatorSpec,
} from './choice-operators.ts';

type Raw = Record<string, unknown>;
type Report = (problem: ChoiceProblem) => void;

/** Compiles one rule; undefined when it (or a rule nested in it) had a problem. */
export function compileRule(
  raw: Raw,
  path: string,
  report: Report,
  topLevel: boolean,
): ChoiceCondition | undefined {
  let problems = 0;
  const counted: Report = (problem) => {
    problems++;
    report(problem);
  };
  checkKeys(raw, path, counted, topLevel);
  const condition = compileShape(raw, path, counted);
  return problems === 0 ? condition : undefined;
}

function compileShape(raw: Raw, path: string, report: Report): ChoiceCondition | undefined {
  const booleans = BOOLEAN_OPERATORS.filter((key) => key in raw);
  const operators = Object.keys(raw).filter((key) => OPERATORS.has(key));
  if (booleans.length === 0 && operators.length === 0) {
    report({
      path,
      message: 'A choice rule needs a comparison operator (with Variable) or one of And, Or, Not',
      hint: 'Write e.g. { "Variable": "$.status", "StringEquals": "done", "Next": "..." }, or combine rules with "And": [...].',
    });
    return undefined;
  }
  if (booleans.length > 0) return compileBoolean(raw, path, booleans, operators, report);
  return compileComparison(raw, path, operators, report);
}

function compileBoolean(
  raw: Raw,
  path: string,
  booleans: readonly (typeof BOOLEAN_OPERATORS)[number][],
  operators: readonly string[],
  report: Report,
): ChoiceCondition | undefined {
  const [first, ...rest] = booleans;
  for (const extra of [...rest, ...operators, ...('Variable' in raw ? ['Variable'] : [])]) {
    report({
      path: `${path}/${extra}`,
      message: `A choice rule with '${first}' cannot also have '${extra}'`,
      hint: `Move '${extra}' into a rule of its own inside the ${first}.`,
    });
  }
  if (first === 'Not') {
    const inner = nestedRule(raw.Not, `${path}/Not`, report);
    return inner && { kind: 'Not', rule: inner };
  }
  const rules = ruleList(raw[first as 'And' | 'Or'], `${path}/${first}`, report);
  return rules && { kind: first as 'And' | 'Or', rules };
}

/** "The values of the And and Or operators MUST be non-empty arrays of Choice Rules" (spec). */
function ruleList(value: unknown, path: string, report: Report): ChoiceCondition[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    report({
      path,
      message: Array.isArray(value)
        ? `Value cannot be empty: ${lastSegment(path)} needs at least one choice rule`
        : `${lastSegment(path)} must be a non-empty array of choice rules, received ${describe(value)}`,
      hint: `Write "${lastSegment(path)}": [{ "Variable": "$.a", "IsPresent": true }, ...].`,
    });
    return undefined;
  }
  const rules = value.map((item, i) => nestedRule(item, `${path}/${i}`, report));
  return rules.every((rule) => rule !== undefined) ? rules : undefined;
}

/** "The value of a Not operator MUST be a single Choice Rule" (spec). */
function nestedRule(value: unknown, path: string, report: Report): ChoiceCondition | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report({
      path,
      message: `A nested choice rule must be an object, received ${describe(value)}`,
      hint: 'Write a rule such as { "Variable": "$.a", "NumericGreaterThan": 0 }.',
    });
    return undefined;
  }
  return compileRule(value as Raw, path, report, false);
}

function compileComparison(
  raw: Raw,
  path: string,
  operators: readonly string[],
  report: Report,
): ChoiceCondition | undefined {
  for (const extra of operators.slice(1)) {
    report({
      path: `${path}/${extra}`,
      message: `A choice rule has exactly one comparison operator; this one also has '${operators[0]}'`,
      hint: 'Split the tests into separate rules and combine them with "And" or "Or".',
    });
  }
  const variable = referencePath(raw.Variable, `${path}/Variable`, 'Variable', report);
  const operator = operators[0] as string;
  const test = compileTest(operator, raw[operator], `${path}/${operator}`, report);
  if (variable === undefined || test === undefined || operators.length > 1) return undefined;
  return { kind: 'Comparison', variable, operator, test };
}

function compileTest(operator: string, value: unknown, path: string, report: Report): ChoiceTest | undefined {
  const spec = OPERATORS.get(operator) as OperatorSpec;
  switch (spec.kind) {
    case 'present':
    case 'is':
      if (typeof value !== 'boolean') {
        report(operandProblem(path, operator, value, 'true or false', `"${operator}": true`));
        return undefined;
      }
      return spec.kind === 'is'
        ? { kind: 'is', check: spec.check, expected: value }
        : { kind: 'present', expected: value };
    case 'matches':
      if (typeof value === 'string') return { kind: 'matches', pattern: compilePattern(value) };
      report(operandProblem(path, operator, value, 'a string pattern', `"${operator}": "log-*.txt"`));
      return undefined;
    case 'compare': {
      const operand = spec.path
        ? pathOperand(value, path, operator, report)
        : literalOperand(spec.type, value, path, operator, report);
      return operand && { kind: 'compare', type: spec.type, relation: spec.relation, operand };
    }
  }
}

function pathOperand(
  value: unknown,
  path: string,
  operator: string,
  report: Report,
): ChoiceOperand | undefined {
  const target = referencePath(value, path, operator, report);
  return target === undefined ? undefined : { kind: 'path', path: target };
}

const LITERALS: Record<DataType, { readonly expected: string; readonly example: string }> = {
  String: { expected: 'a string', example: '"done"' },
  Numeric: { expected: 'a number', example: '42' },
  Boolean: { expected: 'true or false', example: 'true' },
  Timestamp: {
    expected: 'an RFC 3339 timestamp with an uppercase T and a Z or ±hh:mm offset',
    example: '"2016-03-14T01:59:00Z" (uppercase T; Z or an offset such as +01:00; optional .123 fraction)',
  },
};

function literalOperand(
  type: DataType,
  value: unknown,
  path: string,
  operator: string,
  report: Report,
): ChoiceOperand | undefined {
  const literal = asLiteral(type, value);
  if (literal !== undefined) return { kind: 'literal', value: literal };
  const { expected, example } = LITERALS[type];
  const problem = operandProblem(
    path,
    operator,
    value,
    expected,
    `"${operator}": ${example}`,
    `${operator}Path`,
  );
  // AWS's own wording for a timestamp string it cannot read (recorded for Wait's Timestamp).
  const unreadable = type === 'Timestamp' && typeof value === 'string' && !value.startsWith('$');
  report(
    unreadable
      ? { ...problem, message: `String does not match RFC3339 timestamp: ${describe(value)}` }
      : problem,
  );
  return undefined;
}

function asLiteral(type: DataType, value: unknown): Comparable | undefined {
  switch (type) {
    case 'String':
      return typeof value === 'string' ? value : undefined;
    case 'Numeric':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'Timestamp':
      return parseTimestamp(value);
  }
}

function operandProblem(
  path: string,
  operator: string,
  value: unknown,
  expected: string,
  example: string,
  pathVariant?: string,
): ChoiceProblem {
  const compareToPath =
    pathVariant && typeof value === 'string' && value.startsWith('$')
      ? ` To compare with the value at a path, use ${pathVariant}.`
      : '';
  return {
    path,
    message: `The value of ${operator} must be ${expected}, received ${describe(value)}`,
    hint: `Write ${example}.${compareToPath}`,
  };
}

/**
 * Variable and the `...Path` operands: "The values of Variable and Path fields in a comparison
 * must be valid Reference Paths" (Developer Guide). Parsed here, so a malformed one is refused
 * with the definition.
 */
function referencePath(value: unknown, path: string, field: string, report: Report): JsonPath | undefined {
  if (typeof value === 'string' && value.startsWith('$')) {
    try {
      return parsePath(value);
    } catch (error) {
      report({
        path,
        message: `${field} '${value}' is not a valid JSONPath (${(error as Error).message})`,
        hint: pathHint(error, value),
      });
      return undefined;
    }
  }
  report({
    path,
    message:
      value === undefined
        ? `The field 'Variable' is required but was missing: a comparison tests the value at that path`
        : `${field} must be a path starting with '$', received ${describe(value)}`,
    hint: `Write "${field}": "$.field" (state input), "$$.Execution.Input.field" (context) or "$name" (variable).`,
  });
  return undefined;
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
