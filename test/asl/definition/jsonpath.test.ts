/**
 * What parseDefinition (and so `wf validate` and CreateStateMachine) refuses in JSONPath states,
 * and what it accepts: each problem with its location, as the user must fix it.
 */
import { describe, expect, it } from 'vitest';
import { parseDefinition } from '../../../asl/index.ts';
import { problems as allProblems } from '../documentation-rules/problems.ts';

/** Each problem as `<path>: <message>`, without the repeated location and the fix. */
const problems = (definition: object) => allProblems(definition).map((p) => p.split(' at /')[0]);

/** A one-state JSONPath machine (the top-level default); Succeed and Fail take no End. */
const one = (state: { Type: string } & Record<string, unknown>) => ({
  StartAt: 'S',
  States: {
    S:
      state.Type === 'Succeed' || state.Type === 'Fail' || state.Type === 'Choice'
        ? state
        : { End: true, ...state },
  },
});

describe('JSONPath states in a definition', () => {
  it('accepts the JSONPath data-flow fields on the states that take them', () => {
    const definition = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Pass',
          InputPath: '$.in',
          Parameters: { 'a.$': '$.x', 'b.$': "States.Format('{}', $.y)", c: [{ 'd.$': '$$.Execution.Id' }] },
          ResultPath: '$.out',
          OutputPath: '$.out',
          Assign: { 'v.$': '$.a', w: 1 },
          Next: 'T',
        },
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { 'FunctionName.$': '$v' },
          ResultSelector: { 'p.$': '$.Payload' },
          ResultPath: null,
          TimeoutSecondsPath: '$.timeout',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'C' }],
          Next: 'C',
        },
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericGreaterThan: 1, Next: 'W' }],
          Default: 'W',
        },
        W: { Type: 'Wait', SecondsPath: '$.wait', Next: 'F' },
        F: { Type: 'Fail', ErrorPath: '$.error.Error', CausePath: "States.Format('{}', $.error.Cause)" },
      },
    };
    expect(problems(definition)).toEqual([]);
    const parsed = parseDefinition(definition);
    expect(parsed.queryLanguage).toBe('JSONPath');
    expect(parsed.states.get('P')?.io?.inputPath?.source).toBe('$.in');
    expect(parsed.states.get('T')?.io?.resultPath).toBeNull();
  });

  it('refuses JSONata fields, naming the JSONPath one to use', () => {
    expect(problems(one({ Type: 'Pass', Output: { a: 1 } }))).toEqual([
      "/States/S/Output: The field 'Output' is not supported by the JSONPath query language",
    ]);
    expect(
      problems(one({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: {} })),
    ).toEqual(["/States/S/Arguments: The field 'Arguments' is not supported by the JSONPath query language"]);
    expect(problems(one({ Type: 'Wait', Seconds: '{% 1 %}' }))[0]).toMatch(
      /Seconds: The field 'Seconds' is a JSONata expression, which a JSONPath state does not evaluate/,
    );
  });

  it('refuses fields the state type does not take', () => {
    expect(problems(one({ Type: 'Succeed', ResultPath: '$.x' }))).toEqual([
      "/States/S/ResultPath: The field 'ResultPath' is not supported here",
    ]);
    expect(problems(one({ Type: 'Fail', InputPath: '$.x' }))).toEqual([
      "/States/S/InputPath: The field 'InputPath' is not supported here",
    ]);
  });

  it('takes ResultPath only as a reference path into the input', () => {
    for (const path of ['$.a[*]', '$..a', '$$.Execution', '$v.a']) {
      expect(problems(one({ Type: 'Pass', ResultPath: path }))[0], path).toMatch(/must be a reference path/);
    }
  });

  it('refuses paths that do not parse, with the position', () => {
    expect(problems(one({ Type: 'Pass', InputPath: 'a.b' }))[0]).toMatch(
      /InputPath 'a.b' is not a valid JSONPath \(expected '\$' \(a path starts with/,
    );
    expect(problems(one({ Type: 'Pass', Parameters: { 'x.$': '$.a[' } }))[0]).toMatch(
      /^\/States\/S\/Parameters\/x\.\$: The value of 'x\.\$' is not a valid JSONPath/,
    );
    expect(problems(one({ Type: 'Pass', Parameters: { 'x.$': 5 } }))[0]).toMatch(
      /The value of 'x\.\$' must be a JSONPath or an intrinsic function, not 5/,
    );
  });

  it('refuses an intrinsic function that does not parse', () => {
    expect(problems(one({ Type: 'Pass', Parameters: { 'x.$': 'States.Format(' } }))[0]).toMatch(
      /The intrinsic function 'States.Format\(' in 'x\.\$' is not valid/,
    );
  });

  it('refuses a field and its ...Path variant together', () => {
    expect(problems(one({ Type: 'Wait', Seconds: 1, SecondsPath: '$.s' }))[0]).toMatch(
      /exactly one of Seconds/,
    );
    expect(problems(one({ Type: 'Fail', Error: 'E', ErrorPath: '$.e' }))[0]).toMatch(
      /cannot have both Error and ErrorPath/,
    );
  });

  it('refuses a key given both with and without .$', () => {
    expect(problems(one({ Type: 'Pass', Parameters: { a: 1, 'a.$': '$.a' } }))[0]).toMatch(
      /The field 'a' is given twice, once with '\.\$' and once without/,
    );
  });

  it('checks Assign variable names with or without .$', () => {
    expect(
      problems(one({ Type: 'Pass', Assign: { 'ok.$': '$.a', 'bad-name.$': '$.b', states: 1 } })),
    ).toEqual([
      "/States/S/Assign/bad-name.$: 'bad-name' is not a valid variable name",
      "/States/S/Assign/states: 'states' is not a valid variable name",
    ]);
  });

  it('takes ResultPath and Assign in a JSONPath catcher, not Output', () => {
    const task = (catcher: object) =>
      one({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'S', ...catcher }],
      });
    expect(problems(task({ ResultPath: '$.error', Assign: { 'e.$': '$.Error' } }))).toEqual([]);
    expect(problems(task({ Output: {} }))).toEqual([
      "/States/S/Catch/0/Output: The field 'Output' is not supported here",
    ]);
  });

  it('reports a Choice rule problem at its own location', () => {
    const choice = one({ Type: 'Choice', Choices: [{ Variable: '$.a', StringEquals: 1, Next: 'S' }] });
    expect(problems(choice)[0]).toMatch(/^\/States\/S\/Choices\/0\/StringEquals: /);
  });

  it('lets a JSONata machine hold no JSONPath state, and a JSONPath machine hold JSONata states (Mixed)', () => {
    expect(
      problems({
        QueryLanguage: 'JSONata',
        StartAt: 'S',
        States: { S: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } },
      }),
    ).toEqual(['/States/S/QueryLanguage: A JSONPath state cannot appear in a JSONata state machine']);
    expect(
      problems({
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Parameters: { 'x.$': '$.in' }, Next: 'B' },
          B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.x %}', End: true },
        },
      }),
    ).toEqual([]);
  });
});

describe('the fix a path problem names', () => {
  it('is the intrinsic function for a path function, else what a path is made of', () => {
    const fix = (path: string) =>
      allProblems(one({ Type: 'Pass', InputPath: path }))[0]?.split(' at /States/S/InputPath. ')[1];
    expect(fix('$.items.length()')).toBe(
      'Remove length(); use an intrinsic function instead, e.g. States.ArrayLength($.items).',
    );
    expect(fix('$.a[0')).toBe(
      "Write names as .name or ['name'], indexes as [0], and close every bracket and quote.",
    );
    expect(fix('a.b')).toBe(
      'Start the path with $ (the input), $$ (the context object) or $name (a variable).',
    );
  });
});
