/**
 * Rules of the Developer Guide page "Choice workflow state"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html) for JSONPath Choice
 * rules, run on the engine and checked against parseDefinition (`wf validate`). The search index
 * did not hold the page's English body; its sentences are quoted from the page's English Markdown
 * source in the archived awsdocs/aws-step-functions-developer-guide repository (2023,
 * amazon-states-language-choice-state.md). Where a recorded AWS execution (conformance corpus)
 * shows the rule, the test names it.
 */
import { describe, expect, it } from 'vitest';
import { machine, runStates } from './jsonpath.ts';
import { problems } from './problems.ts';

const PAGE = 'Choice workflow state';

const outcomes = {
  Yes: { Type: 'Pass', Result: 'yes', End: true },
  No: { Type: 'Pass', Result: 'no', End: true },
};

/** A Choice state with one rule leading to Yes, else to No. */
const choice = (rule: Record<string, unknown>) => ({
  C: { Type: 'Choice', Choices: [{ ...rule, Next: 'Yes' }], Default: 'No' },
  ...outcomes,
});

/** Which way the rule sends `input`: 'yes', 'no', or the failure. */
async function decide(rule: Record<string, unknown>, input: unknown): Promise<unknown> {
  const result = await runStates(choice(rule), input);
  return result.status === 'SUCCEEDED' ? result.output : `${result.error}: ${result.cause}`;
}

/** The definition problems of a Choice state holding `rule`, unreachable-state reports left out. */
const ruleProblems = (rule: Record<string, unknown>) =>
  problems(machine(choice(rule))).filter((p) => !p.includes('UNREACHABLE_STATE'));

describe(`${PAGE}: the page's example`, () => {
  // "In this example, the state machine starts with the following input value. { "type": "Private",
  // "value": 22 } Step Functions transitions to the ValueInTwenties state, based on the value
  // field." Recorded: scenarios.test_base_scenarios.test_choice_aws_docs_scenario.CHOICE_STATE_AWS_SCENARIO.
  it('transitions to ValueInTwenties for { "type": "Private", "value": 22 }', async () => {
    const result = await runStates(
      {
        ChoiceStateX: {
          Type: 'Choice',
          Choices: [
            { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
            { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
            {
              And: [
                { Variable: '$.value', NumericGreaterThanEquals: 20 },
                { Variable: '$.value', NumericLessThan: 30 },
              ],
              Next: 'ValueInTwenties',
            },
          ],
          Default: 'DefaultState',
        },
        Public: { Type: 'Pass', Result: 'Public', End: true },
        ValueIsZero: { Type: 'Pass', Result: 'ValueIsZero', End: true },
        ValueInTwenties: { Type: 'Pass', Result: 'ValueInTwenties', End: true },
        DefaultState: { Type: 'Fail', Cause: 'No Matches!' },
      },
      { type: 'Private', value: 22 },
    );
    expect(result.output).toBe('ValueInTwenties');
  });

  // "You must specify the $.type field. If the state input doesn't contain the $.type field, the
  // execution fails and an error is displayed in the execution history."
  it('fails the execution when the input lacks the field ("If the state input doesn\'t contain the $.type field, the execution fails")', async () => {
    expect(await decide({ Variable: '$.type', StringEquals: 'Private' }, {})).toMatch(
      /^States\.Runtime: .*Invalid path '\$\.type'/,
    );
  });
});

describe(`${PAGE}: Choices and Default`, () => {
  // "Step Functions examines each of the Choice Rules in the order listed in the Choices field. Then
  // it transitions to the state specified in the Next field of the first Choice Rule in which the
  // variable matches"
  it('takes the first matching rule ("the first Choice Rule in which the variable matches")', async () => {
    const result = await runStates(
      {
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$.a', NumericGreaterThan: 0, Next: 'Yes' },
            { Variable: '$.a', NumericGreaterThan: 1, Next: 'No' },
          ],
        },
        ...outcomes,
      },
      { a: 5 },
    );
    expect(result.output).toBe('yes');
  });

  it('runs the Default state when no rule matches ("the state provided in the Default field runs instead")', async () => {
    expect(await decide({ Variable: '$.a', NumericEquals: 1 }, { a: 2 })).toBe('no');
  });

  // "If the Default state isn't specified, the execution fails with an error." The Handling errors
  // page names it: "States.NoChoiceMatched ... occurs if a Choice state fails to match the input
  // with the conditions defined in the Choice Rule and no Default transition is specified".
  it('fails with States.NoChoiceMatched when nothing matches and there is no Default', async () => {
    const result = await runStates(
      {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', NumericEquals: 1, Next: 'Yes' }] },
        Yes: outcomes.Yes,
      },
      { a: 2 },
    );
    expect([result.status, result.error]).toEqual(['FAILED', 'States.NoChoiceMatched']);
  });

  it('refuses End on a Choice state ("Choice states don\'t support the End field")', () => {
    const def = machine({
      C: { Type: 'Choice', End: true, Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Y' }] },
      Y: { Type: 'Succeed' },
    });
    expect(problems(def)).toEqual([
      expect.stringContaining("/States/C/End: The field 'End' is not supported here"),
    ]);
  });

  it('refuses an empty Choices array ("A Choice state must have a Choices field whose value is a non-empty array")', () => {
    expect(
      problems(machine({ C: { Type: 'Choice', Choices: [], Default: 'Y' }, Y: { Type: 'Succeed' } })),
    ).toContainEqual(
      expect.stringContaining('/States/C/Choices: A Choice state needs a non-empty Choices array'),
    );
  });

  it('refuses a Next that names no state ("The value of this field must match a state name in the state machine")', () => {
    const def = machine({
      C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'Z' }], Default: 'Y' },
      Y: { Type: 'Succeed' },
    });
    expect(problems(def)).toEqual([expect.stringContaining("The transition to 'Z' names no state")]);
  });
});

describe(`${PAGE}: comparison operators`, () => {
  // "The following comparison operators are supported: And, BooleanEquals, BooleanEqualsPath, ..."
  const operand: Record<string, unknown> = {
    Boolean: true,
    Numeric: 1,
    String: 'a',
    Timestamp: '2016-08-18T17:33:00Z',
  };
  const operators = [
    'BooleanEquals',
    ...['Numeric', 'String', 'Timestamp'].flatMap((kind) =>
      ['Equals', 'GreaterThan', 'GreaterThanEquals', 'LessThan', 'LessThanEquals'].map(
        (op) => `${kind}${op}`,
      ),
    ),
  ];
  for (const op of operators) {
    it(`accepts ${op} and ${op}Path ("The following comparison operators are supported")`, () => {
      const kind = op.replace(/(Equals|GreaterThan|GreaterThanEquals|LessThan|LessThanEquals)$/, '');
      expect(ruleProblems({ Variable: '$.a', [op]: operand[kind] })).toEqual([]);
      expect(ruleProblems({ Variable: '$.a', [`${op}Path`]: '$.b' })).toEqual([]);
    });
  }

  for (const op of ['IsBoolean', 'IsNull', 'IsNumeric', 'IsPresent', 'IsString', 'IsTimestamp']) {
    it(`accepts ${op} ("The following comparison operators are supported")`, () => {
      expect(ruleProblems({ Variable: '$.a', [op]: true })).toEqual([]);
    });
  }

  it('accepts StringMatches ("The following comparison operators are supported")', () => {
    expect(ruleProblems({ Variable: '$.a', StringMatches: 'log-*.txt' })).toEqual([]);
  });

  it('compares the variable with another value of the input through a ...Path operator ("StringEqualsPath": "$.bar")', async () => {
    expect(await decide({ Variable: '$.foo', StringEqualsPath: '$.bar' }, { foo: 'x', bar: 'x' })).toBe(
      'yes',
    );
  });

  it('matches a null value with IsNull ("checks whether the string is null")', async () => {
    expect(await decide({ Variable: '$.possiblyNullValue', IsNull: true }, { possiblyNullValue: null })).toBe(
      'yes',
    );
  });

  // "the StringEquals rule is only evaluated when $.keyThatMightNotExist exists because of the
  // preceding IsPresent Choice Rule"
  it('does not evaluate StringEquals after a false IsPresent inside And (no failure for the missing key)', async () => {
    const rule = {
      And: [
        { Variable: '$.keyThatMightNotExist', IsPresent: true },
        { Variable: '$.keyThatMightNotExist', StringEquals: 'foo' },
      ],
    };
    expect(await decide(rule, {})).toBe('no');
    expect(await decide(rule, { keyThatMightNotExist: 'foo' })).toBe('yes');
  });

  // "For each of these operators, the corresponding value must be of the appropriate type ... Step
  // Functions doesn't attempt to match a numeric field to a string value." Recorded:
  // choice_operators.test_numeric.test_numeric_equals.cases.20 ("" against NumericEquals 0: false).
  it('does not match a string field with a numeric comparison ("doesn\'t attempt to match a numeric field to a string value")', async () => {
    expect(await decide({ Variable: '$.a', NumericEquals: 1 }, { a: '1' })).toBe('no');
    expect(await decide({ Variable: '$.a', StringEquals: '1' }, { a: 1 })).toBe('no');
  });

  it('lets StringEquals match a timestamp ("a field considered to be a timestamp can be matched by a StringEquals comparator")', async () => {
    expect(
      await decide(
        { Variable: '$.foo', StringEquals: '2001-01-01T12:00:00Z' },
        { foo: '2001-01-01T12:00:00Z' },
      ),
    ).toBe('yes');
  });

  it('matches TimestampEquals "2001-01-01T12:00:00Z"', async () => {
    expect(
      await decide(
        { Variable: '$.foo', TimestampEquals: '2001-01-01T12:00:00Z' },
        { foo: '2001-01-01T12:00:00Z' },
      ),
    ).toBe('yes');
  });

  // "An uppercase T must separate the date and time portions. An uppercase Z must denote that a
  // numeric time zone offset isn't present." Recorded:
  // choice_operators.test_timestamp_operators.test_timestamp_equals.cases.7 ("2023-02-24
  // 12:15:56.832957" is no timestamp: the rule is false, the execution does not fail).
  for (const value of ['2001-01-01t12:00:00Z', '2001-01-01T12:00:00z', '2001-01-01 12:00:00Z']) {
    it(`does not take ${JSON.stringify(value)} as a timestamp ("An uppercase T must separate ..."; "An uppercase Z ...")`, async () => {
      expect(
        await decide({ Variable: '$.foo', TimestampEquals: '2001-01-01T12:00:00Z' }, { foo: value }),
      ).toBe('no');
    });
  }

  it("refuses a lowercase t in the rule's own timestamp", () => {
    expect(ruleProblems({ Variable: '$.foo', TimestampEquals: '2001-01-01t12:00:00Z' })).toEqual([
      expect.stringContaining('String does not match RFC3339 timestamp'),
    ]);
  });

  // "To understand the behavior of string comparisons, see the Java compareTo documentation" —
  // compareTo orders by UTF-16 code unit, so "B" (66) comes before "a" (97).
  it('orders strings as Java compareTo does ("B" < "a")', async () => {
    expect(await decide({ Variable: '$.s', StringLessThan: 'a' }, { s: 'B' })).toBe('yes');
  });
});

describe(`${PAGE}: StringMatches`, () => {
  // "String comparison against patterns with one or more wildcards ("*") can be performed with the
  // StringMatches comparison operator. The wildcard character is escaped by using the standard \\
  // ... No characters other than "*" have any special meaning during matching."
  it('matches "log-*.txt" against log-2024.txt', async () => {
    expect(await decide({ Variable: '$.foo', StringMatches: 'log-*.txt' }, { foo: 'log-2024.txt' })).toBe(
      'yes',
    );
  });

  it('takes an escaped \\* as a literal star ("The wildcard character is escaped")', async () => {
    expect(await decide({ Variable: '$.foo', StringMatches: 'log-\\*.txt' }, { foo: 'log-*.txt' })).toBe(
      'yes',
    );
    expect(await decide({ Variable: '$.foo', StringMatches: 'log-\\*.txt' }, { foo: 'log-x.txt' })).toBe(
      'no',
    );
  });

  it('gives ? no special meaning ("No characters other than * have any special meaning")', async () => {
    expect(await decide({ Variable: '$.foo', StringMatches: 'log-?.txt' }, { foo: 'log-a.txt' })).toBe('no');
    expect(await decide({ Variable: '$.foo', StringMatches: 'log-?.txt' }, { foo: 'log-?.txt' })).toBe('yes');
  });
});

describe(`${PAGE}: And, Or and Not`, () => {
  // "The values of the And and Or operators must be non-empty arrays of Choice Rules that must not
  // themselves contain Next fields."
  for (const op of ['And', 'Or']) {
    it(`refuses an empty ${op} ("must be non-empty arrays of Choice Rules")`, () => {
      expect(ruleProblems({ [op]: [] })).toEqual([
        expect.stringContaining(`/States/C/Choices/0/${op}: Value cannot be empty`),
      ]);
    });

    it(`refuses Next inside ${op} ("that must not themselves contain Next fields")`, () => {
      expect(ruleProblems({ [op]: [{ Variable: '$.a', IsPresent: true, Next: 'No' }] })).toEqual([
        expect.stringContaining(
          `/States/C/Choices/0/${op}/0/Next: 'Next' is only allowed in a top-level choice rule`,
        ),
      ]);
    });
  }

  // "Likewise, the value of a Not operator must be a single Choice Rule that must not contain Next
  // fields."
  it('refuses an array as the value of Not ("must be a single Choice Rule")', () => {
    expect(ruleProblems({ Not: [{ Variable: '$.a', IsPresent: true }] })).toEqual([
      expect.stringContaining('/States/C/Choices/0/Not: A nested choice rule must be an object'),
    ]);
  });

  it('refuses Next inside Not ("that must not contain Next fields")', () => {
    expect(ruleProblems({ Not: { Variable: '$.a', IsPresent: true, Next: 'No' } })).toEqual([
      expect.stringContaining(
        "/States/C/Choices/0/Not/Next: 'Next' is only allowed in a top-level choice rule",
      ),
    ]);
  });

  // "You can create complex, nested Choice Rules using And, Not, and Or."
  it('evaluates nested And, Or and Not', async () => {
    const rule = {
      Or: [
        { And: [{ Variable: '$.a', NumericGreaterThan: 0 }, { Not: { Variable: '$.b', IsNull: true } }] },
        { Variable: '$.c', BooleanEquals: true },
      ],
    };
    expect(await decide(rule, { a: 1, b: 'x', c: false })).toBe('yes');
    expect(await decide(rule, { a: 1, b: null, c: false })).toBe('no');
    expect(await decide(rule, { a: 0, b: null, c: true })).toBe('yes');
  });
});
