/**
 * JSONPath Choice rules (asl/jsonpath/choice.ts): the recorded AWS executions of the corpus, the
 * definition-time rules of the States Language and the Developer Guide, and the run-time edges.
 * Spec: https://states-language.net/spec.html#choice-state
 * Guide: "Choice workflow state", https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
import { describe, expect, it } from 'vitest';
import {
  type ChoiceCondition,
  type ChoiceProblem,
  compileChoiceRule,
  evaluateChoice,
} from '../../../asl/jsonpath/choice.ts';
import type { JsonPath } from '../../../asl/jsonpath/path.ts';
import type { PathLookup, PathResolver } from '../../../asl/jsonpath/types.ts';
import { type CorpusCase, loadCase, loadIndex } from '../../conformance/corpus.ts';

type Raw = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// A small resolver: `$`, `$.a.b`, `$['a']`, `$[0]`, `$$.Execution.Input.x`, `$name.a`.

function walk(root: unknown, rest: string, path: string): PathLookup {
  let value = root;
  const steps = /\.([^.[]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  let at = 0;
  for (let m = steps.exec(rest); m !== null; m = steps.exec(rest)) {
    at = steps.lastIndex;
    const key = m[1] ?? m[3] ?? m[4];
    if (key !== undefined && isObject(value) && key in value) value = value[key];
    else if (m[2] !== undefined && Array.isArray(value) && Number(m[2]) < value.length)
      value = value[Number(m[2])];
    else return { ok: false, error: 'States.Runtime', message: `No results for path ${path}`, missing: true };
  }
  if (at !== rest.length) throw new Error(`The test resolver cannot read the path ${path}`);
  return { ok: true, value };
}

function resolver(input: unknown, context: unknown = {}, variables: Raw = {}): PathResolver {
  return ({ source: path }) => {
    if (path.startsWith('$$')) return walk(context, path.slice(2), path);
    const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
    if (name === null) return walk(input, path.slice(1), path);
    const [whole, variable] = name as unknown as [string, string];
    if (!(variable in variables)) {
      return { ok: false, error: 'States.Runtime', message: `No variable ${variable}`, missing: true };
    }
    return walk(variables[variable], path.slice(whole.length), path);
  };
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Compiling and routing a Choice state as AWS does: the first rule that matches, else Default.

function compile(raw: Raw, path = '/Rule'): { condition?: ChoiceCondition; problems: ChoiceProblem[] } {
  const problems: ChoiceProblem[] = [];
  const condition = compileChoiceRule(raw, path, (p) => problems.push(p));
  return condition === undefined ? { problems } : { condition, problems };
}

function compiled(raw: Raw): ChoiceCondition {
  const { condition, problems } = compile(raw);
  if (condition === undefined) throw new Error(`did not compile: ${JSON.stringify(problems)}`);
  return condition;
}

/** The state a Choice state moves to: a rule's Next, the Default, or undefined when neither. */
function route(state: Raw, resolve: PathResolver): string | undefined {
  const rules = state.Choices as Raw[];
  for (const [i, rule] of rules.entries()) {
    const r = evaluateChoice(compiled(rule), resolve);
    if (!r.ok) throw new Error(`Choices/${i} failed: ${r.error}: ${r.message}`);
    if (r.value) return rule.Next as string;
  }
  return state.Default as string | undefined;
}

/** The state named `name` anywhere in the definition (names are unique across a machine). */
function findState(node: unknown, name: string): Raw | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findState(item, name);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(node)) return undefined;
  const states = node.States;
  if (isObject(states) && isObject(states[name])) return states[name];
  for (const child of Object.values(node)) {
    const found = findState(child, name);
    if (found) return found;
  }
  return undefined;
}

function isJsonPathChoice(state: unknown): state is Raw {
  return (
    isObject(state) &&
    state.Type === 'Choice' &&
    state.QueryLanguage !== 'JSONata' &&
    Array.isArray(state.Choices) &&
    state.Choices.every((rule) => isObject(rule) && !('Condition' in rule))
  );
}

function hasJsonPathChoice(node: unknown): boolean {
  if (isJsonPathChoice(node)) return true;
  if (Array.isArray(node)) return node.some(hasJsonPathChoice);
  return isObject(node) && Object.values(node).some(hasJsonPathChoice);
}

// ---------------------------------------------------------------------------------------------
// The corpus.

const rows = loadIndex();
const operatorCases = rows.filter((row) => row.id.startsWith('choice_operators.')).map((row) => row.id);
const otherCases = rows
  .filter((row) => !row.id.startsWith('choice_operators.') && row.historyRecorded)
  .map((row) => loadCase(row.id))
  .filter((c) => c.meta.queryLanguage !== 'JSONata' && hasJsonPathChoice(JSON.parse(c.definitionText)));

describe('choice_operators corpus (AWS recorded the output only)', () => {
  it('has the 491 recorded cases', () => {
    expect(operatorCases).toHaveLength(491);
  });

  // Every case is one Choice state, CheckValues, routing to the Pass state ConditionTrue or
  // ConditionFalse (the Default), whose literal Result {"TestResult.$": <its own name>} is the
  // recorded output: the output names the branch AWS took.
  for (const id of operatorCases) {
    it(id, () => {
      const c = loadCase(id);
      const definition = JSON.parse(c.definitionText) as Raw;
      const state = findState(definition, 'CheckValues') as Raw;
      const taken = route(state, resolver(c.input));
      const target = findState(definition, taken as string) as Raw;
      expect(c.expected.status).toBe('SUCCEEDED');
      expect(target.Result).toEqual(c.expected.output);
    });
  }
});

interface ChoiceVisit {
  readonly name: string;
  readonly input: unknown;
  readonly variables: Raw;
  /** The state entered right after the Choice state exited; undefined when it never exited. */
  readonly next?: string;
}

/** Each Choice state entry in the history, with the variables assigned before it and where it went. */
function choiceVisits(c: CorpusCase): ChoiceVisit[] {
  const events = c.expected.events ?? [];
  const visits: ChoiceVisit[] = [];
  const variables: Raw = {};
  for (const event of events) {
    const exited = event.stateExitedEventDetails as Raw | undefined;
    if (exited?.assignedVariables) Object.assign(variables, exited.assignedVariables);
    if (event.type !== 'ChoiceStateEntered') continue;
    const entered = event.stateEnteredEventDetails as Raw;
    const exit = events.find((e) => e.type === 'ChoiceStateExited' && e.previousEventId === event.id);
    const after =
      exit && events.find((e) => e.previousEventId === exit.id && e.type.endsWith('StateEntered'));
    const next = (after?.stateEnteredEventDetails as Raw | undefined)?.name as string | undefined;
    visits.push({ name: entered.name as string, input: entered.input, variables: { ...variables }, next });
  }
  return visits;
}

describe('other JSONPath corpus cases with Choice rules (routing read from the recorded history)', () => {
  it('finds them', () => {
    expect(otherCases.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of otherCases) {
    it(c.id, () => {
      const definition = JSON.parse(c.definitionText) as Raw;
      const context = { Execution: { Input: c.input } };
      const visits = choiceVisits(c);
      expect(visits.length).toBeGreaterThan(0);
      for (const visit of visits) {
        const state = findState(definition, visit.name) as Raw;
        // InputPath selects the effective input the rules read (none of these cases sets one).
        expect(state.InputPath).toBeUndefined();
        const taken = route(state, resolver(visit.input, context, visit.variables));
        expect({ state: visit.name, next: taken }).toEqual({ state: visit.name, next: visit.next });
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Definition-time rules.

const messages = (raw: Raw) => compile(raw).problems.map((p) => `${p.path}: ${p.message}`);

describe('compileChoiceRule: definition-time refusals', () => {
  it('accepts a top-level rule with Next, Comment and Assign (the caller reads those)', () => {
    const rule = { Variable: '$.a', StringEquals: 'x', Next: 'N', Comment: 'c', Assign: { v: 1 } };
    expect(compile(rule).problems).toEqual([]);
    expect(compile(rule).condition).toBeDefined();
  });

  // Spec, Choice State: "Each choice rule MUST contain exactly one field containing a comparison operator."
  it('refuses a second comparison operator ("exactly one field containing a comparison operator")', () => {
    expect(messages({ Variable: '$.a', StringEquals: 'x', StringLessThan: 'y', Next: 'N' })).toEqual([
      "/Rule/StringLessThan: A choice rule has exactly one comparison operator; this one also has 'StringEquals'",
    ]);
  });

  it('refuses a rule with no operator at all', () => {
    expect(messages({ Variable: '$.a', Next: 'N' })).toEqual([
      '/Rule: A choice rule needs a comparison operator (with Variable) or one of And, Or, Not',
    ]);
  });

  // Guide, Choice Rules (JSONPath): "Comparison – Two fields that specify an input variable to
  // compare, the type of comparison, and the value to compare the variable to."
  it('refuses a comparison without Variable ("an input variable to compare")', () => {
    expect(messages({ NumericEquals: 1, Next: 'N' })).toEqual([
      "/Rule/Variable: The field 'Variable' is required but was missing: a comparison tests the value at that path",
    ]);
  });

  // Guide: "The values of Variable and Path fields in a comparison must be valid Reference Paths."
  it('refuses a Variable or ...Path operand that is not a path ("must be valid Reference Paths")', () => {
    expect(messages({ Variable: 'a', StringEqualsPath: 'b', Next: 'N' })).toEqual([
      `/Rule/Variable: Variable must be a path starting with '$', received "a"`,
      `/Rule/StringEqualsPath: StringEqualsPath must be a path starting with '$', received "b"`,
    ]);
  });

  // Spec: "For each of these operators, the field's value MUST be a value of the appropriate
  // type: String, number, boolean, or Timestamp."
  const wrongTypes: [string, unknown, string][] = [
    ['StringEquals', 1, 'a string'],
    ['StringMatches', true, 'a string pattern'],
    ['NumericEquals', '1', 'a number'],
    ['NumericLessThan', null, 'a number'],
    ['BooleanEquals', 'true', 'true or false'],
    ['IsNull', 'yes', 'true or false'],
    ['IsPresent', 1, 'true or false'],
    ['TimestampEquals', 1, 'an RFC 3339 timestamp with an uppercase T and a Z or ±hh:mm offset'],
  ];
  for (const [operator, value, expected] of wrongTypes) {
    it(`refuses ${operator}: ${JSON.stringify(value)} ("a value of the appropriate type")`, () => {
      expect(messages({ Variable: '$.a', [operator]: value, Next: 'N' })).toEqual([
        `/Rule/${operator}: The value of ${operator} must be ${expected}, received ${JSON.stringify(value)}`,
      ]);
    });
  }

  // AWS words an unreadable timestamp string "String does not match RFC3339 timestamp" (recorded
  // for a Wait state's Timestamp); the spec: "an uppercase 'T' character MUST be used to separate
  // date and time, and an uppercase 'Z' character MUST be present in the absence of a numeric time
  // zone offset".
  for (const text of ['2016-03-14 01:59:00Z', '2016-03-14T01:59:00', '2016-03-14t01:59:00z']) {
    it(`refuses TimestampLessThan: ${JSON.stringify(text)} ("String does not match RFC3339 timestamp")`, () => {
      expect(messages({ Variable: '$.a', TimestampLessThan: text, Next: 'N' })).toEqual([
        `/Rule/TimestampLessThan: String does not match RFC3339 timestamp: ${JSON.stringify(text)}`,
      ]);
    });
  }

  it('points to the ...Path variant when a literal operand looks like a path', () => {
    const [problem] = compile({ Variable: '$.a', NumericEquals: '$.b', Next: 'N' }).problems;
    expect(problem?.hint).toContain('use NumericEqualsPath');
  });

  // Spec: "The values of the 'And' and 'Or' operators MUST be non-empty arrays of Choice Rules
  // that MUST NOT contain 'Next' fields; the 'Next' field can only appear in a top-level Choice Rule."
  it('refuses an empty And ("MUST be non-empty arrays of Choice Rules")', () => {
    expect(messages({ And: [], Next: 'N' })).toEqual([
      '/Rule/And: Value cannot be empty: And needs at least one choice rule',
    ]);
  });

  it('refuses an Or that is not an array', () => {
    expect(messages({ Or: { Variable: '$.a', IsNull: true }, Next: 'N' })).toEqual([
      '/Rule/Or: Or must be a non-empty array of choice rules, received {"Variable":"$.a","IsNull":true}',
    ]);
  });

  it('refuses Next inside And ("the Next field can only appear in a top-level Choice Rule")', () => {
    expect(messages({ And: [{ Variable: '$.a', IsNull: true, Next: 'X' }], Next: 'N' })).toEqual([
      "/Rule/And/0/Next: 'Next' is only allowed in a top-level choice rule, not inside And, Or or Not",
    ]);
  });

  // Spec: "The value of a 'Not' operator MUST be a single Choice Rule, that MUST NOT contain 'Next' fields"
  it('refuses a Not whose value is an array ("MUST be a single Choice Rule")', () => {
    expect(messages({ Not: [{ Variable: '$.a', IsNull: true }], Next: 'N' })).toEqual([
      '/Rule/Not: A nested choice rule must be an object, received [{"Variable":"$.a","IsNull":true}]',
    ]);
  });

  it('refuses Next inside Not ("MUST NOT contain Next fields")', () => {
    expect(messages({ Not: { Variable: '$.a', IsNull: true, Next: 'X' }, Next: 'N' })).toEqual([
      "/Rule/Not/Next: 'Next' is only allowed in a top-level choice rule, not inside And, Or or Not",
    ]);
  });

  it('refuses a Boolean operator mixed with a comparison in the same rule', () => {
    expect(
      messages({ Not: { Variable: '$.a', IsNull: true }, Variable: '$.b', IsNull: true, Next: 'N' }),
    ).toEqual([
      "/Rule/IsNull: A choice rule with 'Not' cannot also have 'IsNull'",
      "/Rule/Variable: A choice rule with 'Not' cannot also have 'Variable'",
    ]);
  });

  it('refuses two Boolean operators in one rule', () => {
    const rule = { And: [{ Variable: '$.a', IsNull: true }], Or: [{ Variable: '$.a', IsNull: false }] };
    expect(messages({ ...rule, Next: 'N' })).toEqual([
      "/Rule/Or: A choice rule with 'And' cannot also have 'Or'",
    ]);
    expect(compile({ ...rule, Next: 'N' }).condition).toBeUndefined();
  });

  it('reports problems deep inside nested rules at their own location', () => {
    const rule = {
      Or: [{ Variable: '$.a', IsNull: true }, { And: [{ Variable: '$.b', NumericEquals: 'x' }] }],
    };
    expect(messages({ ...rule, Next: 'N' })).toEqual([
      '/Rule/Or/1/And/0/NumericEquals: The value of NumericEquals must be a number, received "x"',
    ]);
  });

  it('reports unknown fields, suggesting the operator a wrong case meant', () => {
    const { problems } = compile({ Variable: '$.a', stringEquals: 'x', Next: 'N' });
    expect(problems.map((p) => `${p.path}: ${p.message} (${p.hint})`)).toEqual([
      "/Rule/stringEquals: The field 'stringEquals' is not supported in a choice rule (Did you mean 'StringEquals'? Field names are case-sensitive.)",
      '/Rule: A choice rule needs a comparison operator (with Variable) or one of And, Or, Not (Write e.g. { "Variable": "$.status", "StringEquals": "done", "Next": "..." }, or combine rules with "And": [...].)',
    ]);
  });

  it('names the JSONata Condition field as belonging to the other query language', () => {
    expect(messages({ Condition: '{% true %}', Next: 'N' })[0]).toBe(
      "/Rule/Condition: The field 'Condition' belongs to the JSONata query language; this rule is JSONPath",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Run-time behaviour.

const evaluate = (rule: Raw, input: unknown, variables: Raw = {}) =>
  evaluateChoice(compiled(rule), resolver(input, {}, variables));

describe('evaluateChoice: paths that select nothing', () => {
  it('IsPresent is false (and IsPresent: false true) for a missing field', () => {
    expect(evaluate({ Variable: '$.missing', IsPresent: true }, {})).toEqual({ ok: true, value: false });
    expect(evaluate({ Variable: '$.missing', IsPresent: false }, {})).toEqual({ ok: true, value: true });
    expect(evaluate({ Variable: '$.a', IsPresent: true }, { a: null })).toEqual({ ok: true, value: true });
  });

  // Guide, Choice (example note): "If the state input doesn't contain the $.type field, the
  // execution fails and an error is displayed in the execution history." Every operator but
  // IsPresent fails with States.Runtime; the message is AWS's as quoted by several emulators'
  // tests of AWS behaviour (not in the corpus).
  for (const rule of [
    { Variable: '$.missing', NumericEquals: 1 },
    { Variable: '$.missing', IsNull: true },
    { Variable: '$.missing', StringMatches: '*' },
  ]) {
    it(`${Object.keys(rule)[1]} on a missing Variable fails with States.Runtime`, () => {
      expect(evaluate(rule, { a: 1 })).toEqual({
        ok: false,
        error: 'States.Runtime',
        message: "Invalid path '$.missing': The choice state's condition path references an invalid value.",
      });
    });
  }

  it('a ...Path operand that selects nothing fails the same way, naming that path', () => {
    expect(evaluate({ Variable: '$.a', NumericEqualsPath: '$.b' }, { a: 1 })).toEqual({
      ok: false,
      error: 'States.Runtime',
      message: "Invalid path '$.b': The choice state's condition path references an invalid value.",
    });
  });

  it('a missing variable ($name) is the same failure', () => {
    expect(evaluate({ Variable: '$total', NumericEquals: 1 }, {})).toMatchObject({
      ok: false,
      message: "Invalid path '$total': The choice state's condition path references an invalid value.",
    });
    expect(evaluate({ Variable: '$total', NumericEquals: 1 }, {}, { total: 1 })).toEqual({
      ok: true,
      value: true,
    });
  });

  it('passes through a resolver failure that is not "missing"', () => {
    const failing: PathResolver = () => ({ ok: false, error: 'States.Runtime', message: 'bad path' });
    expect(evaluateChoice(compiled({ Variable: '$.a', IsPresent: true }), failing)).toEqual({
      ok: false,
      error: 'States.Runtime',
      message: 'bad path',
    });
  });

  // Spec on And/Or: "ceasing array processing when the boolean value has been unambiguously determined".
  it('And stops at the first false rule, so a later missing path is no error', () => {
    const rule = {
      And: [
        { Variable: '$.a', IsPresent: true },
        { Variable: '$.a', NumericEquals: 1 },
      ],
    };
    expect(evaluate(rule, {})).toEqual({ ok: true, value: false });
    expect(
      evaluate(
        {
          Or: [
            { Variable: '$.b', IsNull: false },
            { Variable: '$.x', IsNull: true },
          ],
        },
        { b: 1 },
      ),
    ).toEqual({ ok: true, value: true });
  });
});

describe('evaluateChoice: comparisons', () => {
  const is = (rule: Raw, input: unknown) => {
    const r = evaluate(rule, input);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };

  it('a value of another type is no match, not an error (recorded: NumericEquals on "" is false)', () => {
    expect(is({ Variable: '$.a', NumericEquals: 1 }, { a: '1' })).toBe(false);
    expect(is({ Variable: '$.a', StringEquals: '1' }, { a: 1 })).toBe(false);
    expect(is({ Variable: '$.a', BooleanEquals: false }, { a: 0 })).toBe(false);
    expect(is({ Variable: '$.a', TimestampEquals: '2016-03-14T01:59:00Z' }, { a: 1 })).toBe(false);
  });

  it('numbers compare by value: 1 equals 1.0, and 1.5 > 1', () => {
    expect(is({ Variable: '$.a', NumericEquals: 1 }, JSON.parse('{"a": 1.0}'))).toBe(true);
    expect(is({ Variable: '$.a', NumericGreaterThan: 1 }, { a: 1.5 })).toBe(true);
    expect(is({ Variable: '$.a', NumericLessThanEqualsPath: '$.b' }, { a: -2, b: -2 })).toBe(true);
  });

  // Guide: string comparisons follow Java's String.compareTo, which orders UTF-16 code units:
  // U+FFFF sorts after U+1F600 (a surrogate pair starting 0xD83D), unlike code-point order.
  it('strings order by UTF-16 code unit, as Java String.compareTo', () => {
    expect(is({ Variable: '$.a', StringGreaterThan: '😀' }, { a: '\uFFFF' })).toBe(true);
    expect(is({ Variable: '$.a', StringLessThan: 'a' }, { a: 'B' })).toBe(true);
    expect(is({ Variable: '$.a', StringGreaterThanEquals: 'abc' }, { a: 'abc' })).toBe(true);
  });

  it('Is* test the JSON type', () => {
    expect(is({ Variable: '$.a', IsNull: true }, { a: null })).toBe(true);
    expect(is({ Variable: '$.a', IsNumeric: true }, { a: 1.5 })).toBe(true);
    expect(is({ Variable: '$.a', IsString: false }, { a: [] })).toBe(true);
    expect(is({ Variable: '$.a', IsBoolean: true }, { a: 'true' })).toBe(false);
  });

  it('BooleanEqualsPath compares two booleans', () => {
    expect(is({ Variable: '$.a', BooleanEqualsPath: '$.b' }, { a: true, b: true })).toBe(true);
    expect(is({ Variable: '$.a', BooleanEqualsPath: '$.b' }, { a: true, b: 'true' })).toBe(false);
  });

  // A third-party test suite records AWS answering "Invalid value provided at path" when an
  // ordering operator's ...Path operand holds another type, and "nothing matched" for equality.
  it('an ordering against a ...Path of the wrong type fails; an equality is false', () => {
    expect(evaluate({ Variable: '$.a', StringGreaterThanPath: '$.b' }, { a: 'x', b: 1 })).toEqual({
      ok: false,
      error: 'States.Runtime',
      message: "Invalid value provided at path '$.b'",
    });
    expect(is({ Variable: '$.a', StringEqualsPath: '$.b' }, { a: 1, b: 1 })).toBe(false);
    expect(is({ Variable: '$.a', StringGreaterThanPath: '$.b' }, { a: 1, b: 'x' })).toBe(false);
  });
});

describe('evaluateChoice: StringMatches', () => {
  const matches = (pattern: string, text: unknown) => {
    const r = evaluate({ Variable: '$.a', StringMatches: pattern }, { a: text });
    return r.ok && r.value;
  };

  // Spec examples: "foo*.log matches foo23.log, *.log matches zero.log, and foo*.* matches foobar.zebra."
  it('"*" matches any run of characters, including none (the spec examples)', () => {
    expect(matches('foo*.log', 'foo23.log')).toBe(true);
    expect(matches('*.log', 'zero.log')).toBe(true);
    expect(matches('foo*.*', 'foobar.zebra')).toBe(true);
    expect(matches('foo*', 'foo')).toBe(true);
    expect(matches('*', 'multi\nline')).toBe(true);
    expect(matches('foo*.log', 'foo23.txt')).toBe(false);
  });

  it('matches the whole string, and nothing but "*" is special', () => {
    expect(matches('a.c', 'abc')).toBe(false);
    expect(matches('a.c', 'a.c')).toBe(true);
    expect(matches('(x)+?', '(x)+?')).toBe(true);
    expect(matches('log', 'catalog')).toBe(false);
  });

  // Guide: the wildcard "is escaped by using the standard \\ (Ex: “\\*”)".
  it('"\\*" is a literal asterisk and "\\\\" a literal backslash', () => {
    expect(matches('a\\*', 'a*')).toBe(true);
    expect(matches('a\\*', 'ab')).toBe(false);
    expect(matches('a\\\\*', 'a\\anything')).toBe(true);
    expect(matches('a\\\\', 'a\\')).toBe(true);
  });

  it('a non-string never matches', () => {
    expect(matches('*', 1)).toBe(false);
    expect(matches('*', null)).toBe(false);
  });
});

describe('evaluateChoice: timestamps', () => {
  const at = (rule: Raw, a: unknown) => {
    const r = evaluate({ Variable: '$.a', ...rule }, { a });
    return r.ok && r.value;
  };

  it('compares instants, not text: offsets and fractional seconds count', () => {
    expect(at({ TimestampEquals: '2016-03-14T01:59:00Z' }, '2016-03-14T02:59:00+01:00')).toBe(true);
    expect(at({ TimestampEquals: '2016-03-14T01:59:00Z' }, '2016-03-14T01:59:00.000Z')).toBe(true);
    expect(at({ TimestampGreaterThan: '2016-03-14T01:59:00Z' }, '2016-03-14T01:59:00.000000001Z')).toBe(true);
    expect(at({ TimestampLessThan: '2016-03-14T01:59:00Z' }, '2016-03-13T23:59:59-02:30')).toBe(false);
  });

  // Spec, Timestamps: "an uppercase 'T' character MUST be used to separate date and time, and an
  // uppercase 'Z' character MUST be present in the absence of a numeric time zone offset".
  const timestamps: [string, boolean][] = [
    ['2016-03-14T01:59:00Z', true],
    ['2016-03-14T01:59:00.123456789Z', true],
    ['2016-03-14T01:59:00-07:00', true],
    ['2016-02-29T00:00:00Z', true],
    ['2016-03-14t01:59:00Z', false],
    ['2016-03-14T01:59:00z', false],
    ['2016-03-14T01:59:00', false],
    ['2016-03-14 01:59:00Z', false],
    ['2023-02-24', false],
    ['2015-02-29T00:00:00Z', false],
    ['2016-03-14T24:00:00Z', false],
    ['2016-03-14T01:59:00.Z', false],
    ['', false],
  ];
  for (const [text, valid] of timestamps) {
    it(`IsTimestamp ${JSON.stringify(text)} is ${valid}`, () => {
      expect(at({ IsTimestamp: true }, text)).toBe(valid);
    });
  }

  it('orders instants as Date does, across years, leap days and offsets', () => {
    const texts = [
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:00:00Z',
      '2000-02-29T12:00:00+05:30',
      '2012-10-09T19:00:55Z',
      '2012-10-09T19:00:55.5-01:00',
      '2100-03-01T00:00:00Z',
    ];
    for (const a of texts) {
      for (const b of texts) {
        const expected = Date.parse(a) < Date.parse(b);
        expect(at({ TimestampLessThan: b }, a), `${a} < ${b}`).toBe(expected);
      }
    }
  });

  it('a string that is not a timestamp is no match (recorded: "2023-02-24 12:15:56.832957")', () => {
    expect(at({ TimestampEquals: '2012-10-09T19:00:55Z' }, '2023-02-24 12:15:56.832957')).toBe(false);
  });
});

describe('StringMatches on untrusted input', () => {
  it('matches without a backtracking regex: `*a*a*a*a*b` against 250,000 a (a regex took minutes on 400)', () => {
    const rule = compileChoiceRule({ Variable: '$.s', StringMatches: '*a*a*a*a*b' }, '/r', () => {});
    if (!rule) throw new Error('the rule did not compile');
    const data: Record<string, unknown> = { s: 'a'.repeat(250_000) };
    const resolve = (path: JsonPath) => ({ ok: true as const, value: data[path.source.slice(2)] });
    expect(evaluateChoice(rule, resolve)).toEqual({ ok: true, value: false });
    data.s = `${'a'.repeat(250_000)}b`;
    expect(evaluateChoice(rule, resolve)).toEqual({ ok: true, value: true });
  });

  it('keeps the parts in order and lets them not overlap the prefix or suffix', () => {
    const matches = (pattern: string, text: string) => {
      const rule = compileChoiceRule({ Variable: '$.s', StringMatches: pattern }, '/r', () => {});
      if (!rule) throw new Error(`${pattern} did not compile`);
      return evaluateChoice(rule, () => ({ ok: true, value: text }));
    };
    expect(matches('a*a', 'a')).toEqual({ ok: true, value: false });
    expect(matches('ab*ba', 'aba')).toEqual({ ok: true, value: false });
    expect(matches('*.*.*', 'a.b')).toEqual({ ok: true, value: false });
    expect(matches('*.*.*', 'a.b.c')).toEqual({ ok: true, value: true });
    expect(matches('\\*x', '*x')).toEqual({ ok: true, value: true });
  });
});
