/**
 * Rules of the Developer Guide page "Intrinsic functions for JSONPath states in Step Functions"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html), run on the
 * engine and checked against parseDefinition (`wf validate`). The search index held the page's
 * opening in English (docs.amazonaws.cn/en_us/.../intrinsic-functions.md: the `.$` rule and the
 * limit of 10 nested functions); the per-function sections were held only in translations, so
 * their sentences are quoted from the page's English text as a public repository copied it
 * (an `asl` package's Go source comment, index id 31600438741) and from the archived
 * awsdocs/aws-step-functions-developer-guide source (reserved characters, fields table). Where a
 * recorded AWS execution (conformance corpus) disagrees with the page, the recording wins and the
 * test names it.
 */
import { describe, expect, it } from 'vitest';
import { createEnvironment, RoutingRegistry, VirtualClock } from '../../../asl/index.ts';
import { run } from '../runtime/helpers.ts';
import { machine, runStates } from './jsonpath.ts';
import { problems } from './problems.ts';

const PAGE = 'Intrinsic functions for JSONPath states';

const pass = (expression: string, key = 'r.$') => ({
  A: { Type: 'Pass', Parameters: { [key]: expression }, End: true },
});

/** The value of `expression` in a Pass state's Parameters, given `input`. */
async function evaluate(expression: string, input: unknown = {}): Promise<unknown> {
  const result = await runStates(pass(expression), input);
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.status}: ${result.error} ${result.cause}`);
  return (result.output as { r: unknown }).r;
}

/** How `expression` fails: as a definition problem, or as the run's error. */
async function failure(expression: string, input: unknown = {}): Promise<string> {
  const found = problems(machine(pass(expression)));
  if (found.length > 0) return `definition: ${found.join('\n')}`;
  const result = await runStates(pass(expression), input);
  return `${result.status} ${result.error ?? ''}: ${result.cause ?? ''}`;
}

describe(`${PAGE}: using them`, () => {
  // "To use intrinsic functions, you must specify .$ in the key value in your state machine
  // definitions"
  it('evaluates an intrinsic function under a key ending in .$', async () => {
    expect(await evaluate('States.Array($.Id)', { Id: 7 })).toEqual([7]);
  });

  it('keeps the text of an intrinsic function under a key without .$ ("you must specify .$")', async () => {
    expect((await runStates(pass('States.Array($.Id)', 'r'), { Id: 7 })).output).toEqual({
      r: 'States.Array($.Id)',
    });
  });

  // "You can nest up to 10 intrinsic functions within a field in your workflows."
  const nested = (depth: number) =>
    `States.ArrayLength(${'States.Array('.repeat(depth - 1)}1${')'.repeat(depth - 1)})`;
  it('accepts 10 nested intrinsic functions ("You can nest up to 10 intrinsic functions within a field")', async () => {
    expect(await evaluate(nested(10))).toBe(1);
  });

  it('refuses 11 nested intrinsic functions', () => {
    expect(problems(machine(pass(nested(11))))).toEqual([
      expect.stringContaining('more than 10 nested intrinsic functions'),
    ]);
  });

  // Fields table: InputPath, ResultPath, OutputPath, Variable have no tick; Parameters and
  // ResultSelector do.
  for (const field of ['InputPath', 'OutputPath']) {
    it(`refuses an intrinsic function in ${field}, which the table of fields leaves out`, () => {
      expect(problems(machine({ A: { Type: 'Pass', [field]: 'States.Array($.a)', End: true } }))).toEqual([
        expect.stringContaining(`/States/A/${field}: ${field} 'States.Array($.a)' is not a valid JSONPath`),
      ]);
    });
  }

  for (const type of ['Choice', 'Wait']) {
    it(`refuses Parameters, and so intrinsic functions, on a ${type} state (no tick in the table)`, () => {
      const state: Record<string, unknown> =
        type === 'Wait'
          ? { Type: 'Wait', Seconds: 0, Next: 'S' }
          : { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'S' }] };
      state.Parameters = { 'r.$': 'States.Array($.a)' };
      expect(problems(machine({ A: state, S: { Type: 'Succeed' } }))).toEqual([
        expect.stringContaining("/States/A/Parameters: The field 'Parameters' is not supported here"),
      ]);
    });
  }

  it("accepts an intrinsic function in a Task's ResultSelector (ticked in the table)", async () => {
    const result = await runStates(
      {
        A: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {},
          ResultSelector: { 'r.$': 'States.Array($.v)' },
          End: true,
        },
      },
      {},
      async () => ({ ok: true, output: { v: 1 } }),
    );
    expect(result.output).toEqual({ r: [1] });
  });
});

describe(`${PAGE}: reserved characters`, () => {
  // "The following characters are reserved for intrinsic functions, and must be escaped with a
  // backslash ('\') if you want them to appear in the Value: ' { } and \."
  it("reads \\' \\{ \\} and \\\\ as ' { } and \\ (\"The literal string \\' represents '\" ...)", async () => {
    expect(await evaluate("States.Format('a \\{\\} \\' \\\\ {}', 1)")).toBe("a {} ' \\ 1");
  });

  // "If an open escape backslash \ is found in the intrinsic invocation string, the interpreter
  // will throw a runtime error." The engine refuses it already when the definition is checked.
  it('does not produce a value for an open escape backslash ("the interpreter will throw a runtime error")', async () => {
    expect(await failure("States.Format('a \\b {}', 1)")).toMatch(/^definition: .*'\\b' is not an escape/);
  });
});

describe(`${PAGE}: intrinsics for arrays`, () => {
  it('States.Array: "The interpreter returns a JSON array containing the Values of the arguments, in the order provided"', async () => {
    expect(
      await evaluate("States.Array('Foo', 2022, $.someJson, null)", {
        someJson: { random: 'abcdefg' },
        zebra: 'stripe',
      }),
    ).toEqual(['Foo', 2022, { random: 'abcdefg' }, null]);
  });

  it('States.ArrayPartition: "The length of the last array chunk may be less than the length of the previous array chunks"', async () => {
    expect(
      await evaluate('States.ArrayPartition($.inputArray,4)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }),
    ).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('States.ArrayPartition fails for a chunk size of 0 ("You must specify a non-zero, positive integer for the second argument")', async () => {
    expect(await failure('States.ArrayPartition($.a, 0)', { a: [1, 2] })).toMatch(
      /^FAILED States\.Runtime: .*ArrayPartition/,
    );
  });

  it('States.ArrayContains: "Because the value stored in lookingFor is included in the inputArray, States.ArrayContains returns ... true"', async () => {
    expect(
      await evaluate('States.ArrayContains($.inputArray, $.lookingFor)', {
        inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        lookingFor: 5,
      }),
    ).toBe(true);
  });

  it('States.ArrayContains fails when the first argument is not an array ("You must specify an array as the input value")', async () => {
    expect(await failure('States.ArrayContains($.a, 1)', { a: 'x' })).toMatch(
      /^FAILED States\.Runtime: .*ArrayContains/,
    );
  });

  it('States.ArrayRange(1, 9, 2) returns [1,3,5,7,9]', async () => {
    expect(await evaluate('States.ArrayRange(1, 9, 2)')).toEqual([1, 3, 5, 7, 9]);
  });

  it('States.ArrayRange fails for a step of 0 ("You must specify a non-zero value for the third argument")', async () => {
    expect(await failure('States.ArrayRange(1, 9, 0)')).toMatch(/^FAILED States\.Runtime: .*ArrayRange/);
  });

  it('States.ArrayRange makes 1000 items and no more ("The newly generated array can\'t contain more than 1000 items")', async () => {
    expect(await evaluate('States.ArrayRange(1, 1000, 1)')).toHaveLength(1000);
    expect(await failure('States.ArrayRange(1, 1001, 1)')).toMatch(/^FAILED States\.Runtime: .*ArrayRange/);
  });

  it('States.ArrayGetItem: "return the value in the index position 5 within the array"', async () => {
    expect(
      await evaluate('States.ArrayGetItem($.inputArray, $.index)', {
        inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9],
        index: 5,
      }),
    ).toBe(6);
  });

  it('States.ArrayLength: "returns the length of an array"', async () => {
    expect(
      await evaluate('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }),
    ).toBe(9);
  });

  it('States.ArrayUnique: "removes duplicate values from an array"', async () => {
    expect(
      await evaluate('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }),
    ).toEqual([1, 2, 3, 4]);
  });
});

describe(`${PAGE}: intrinsics for data encoding and decoding`, () => {
  it('States.Base64Encode: "Data to encode" becomes "RGF0YSB0byBlbmNvZGU="', async () => {
    expect(await evaluate('States.Base64Encode($.input)', { input: 'Data to encode' })).toBe(
      'RGF0YSB0byBlbmNvZGU=',
    );
  });

  it('States.Base64Encode takes up to 10,000 characters ("a data string of up to 10,000 characters")', async () => {
    expect(await evaluate('States.Base64Encode($.input)', { input: 'x'.repeat(10_000) })).toHaveLength(
      13_336,
    );
    expect(await failure('States.Base64Encode($.input)', { input: 'x'.repeat(10_001) })).toMatch(
      /^FAILED States\.Runtime/,
    );
  });

  // The page: 'The States.Base64Decode function would return the following decoded data in
  // response: {"data": "Decoded data" }'. Recorded:
  // intrinsic_functions.test_encode_decode.test_base_64_decode.exec_hist_resp_1 decodes the same
  // "RGF0YSB0byBlbmNvZGU=" to "Data to encode". The recording wins.
  it('States.Base64Decode decodes "RGF0YSB0byBlbmNvZGU=" to "Data to encode" (recorded; the page says "Decoded data")', async () => {
    expect(await evaluate('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' })).toBe(
      'Data to encode',
    );
  });
});

describe(`${PAGE}: intrinsic for hash calculation`, () => {
  // The page: '{"output": "aaff4a450a104cd177d28d18d7485e8cae074b7" }' (39 hex digits). Recorded:
  // intrinsic_functions.test_hash_calculations.test_hash.exec_hist_resp_1 gives
  // "aaff4a450a104cd177d28d18d74485e8cae074b7" for the same "input data" and SHA-1. The recording
  // wins.
  it('States.Hash("input data", "SHA-1") is the recorded 40-digit value (the page drops a digit)', async () => {
    expect(
      await evaluate('States.Hash($.Data, $.Algorithm)', { Data: 'input data', Algorithm: 'SHA-1' }),
    ).toBe('aaff4a450a104cd177d28d18d74485e8cae074b7');
  });

  // "The hashing algorithm you specify can be any of the following algorithms: MD5 SHA-1 SHA-256
  // SHA-384 SHA-512"
  for (const [algorithm, length] of [
    ['MD5', 32],
    ['SHA-1', 40],
    ['SHA-256', 64],
    ['SHA-384', 96],
    ['SHA-512', 128],
  ] as const) {
    it(`States.Hash accepts ${algorithm} ("can be any of the following algorithms")`, async () => {
      expect(await evaluate(`States.Hash('input data', '${algorithm}')`)).toMatch(
        new RegExp(`^[0-9a-f]{${length}}$`),
      );
    });
  }

  it('States.Hash fails for another algorithm', async () => {
    expect(await failure("States.Hash('input data', 'SHA-3')")).toMatch(
      /^FAILED States\.Runtime: .*States\.Hash/,
    );
  });

  it('States.Hash fails for more than 10,000 characters ("an object string containing 10,000 characters or less")', async () => {
    expect(await failure("States.Hash($.d, 'MD5')", { d: 'x'.repeat(10_001) })).toMatch(
      /^FAILED States\.Runtime/,
    );
  });
});

describe(`${PAGE}: intrinsics for JSON data manipulation`, () => {
  it('States.Format: "Both result in an output of Hello, my name is Arnav."', async () => {
    const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
    expect(await evaluate("States.Format('Hello, my name is {}.', $.name)", input)).toBe(
      'Hello, my name is Arnav.',
    );
    expect(await evaluate('States.Format($.template, $.name)', input)).toBe('Hello, my name is Arnav.');
  });

  it('States.Format fails when arguments and {} differ in number ("There must be as many remaining arguments ... as there are occurrences of {}")', async () => {
    expect(await failure("States.Format('{} and {}', 'one')")).toMatch(
      /^FAILED States\.Runtime: .*States\.Format/,
    );
  });

  it('States.StringToJson: "Which would return { "foo": "bar" }"', async () => {
    expect(
      await evaluate('States.StringToJson($.escapedJsonString)', { escapedJsonString: '{"foo": "bar"}' }),
    ).toEqual({ foo: 'bar' });
  });

  // The page: 'Which would return {\"foo\": \"bar\"}', with a space after the colon. Recorded:
  // intrinsic_functions.test_json_manipulation.test_json_to_string.exec_hist_resp_7 returns
  // '{"Arg1":1,"Arg2":[]}', compact. The recording wins.
  it('States.JsonToString returns compact JSON text (recorded; the page shows a space after the colon)', async () => {
    expect(await evaluate('States.JsonToString($.unescapedJson)', { unescapedJson: { foo: 'bar' } })).toBe(
      '{"foo":"bar"}',
    );
  });

  it('States.JsonMerge: "the latter object\'s key overrides the same key in the first object" and nested objects are not merged', async () => {
    const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };
    expect(await evaluate('States.JsonMerge($.json1, $.json2, false)', input)).toEqual({
      a: { a3: 1, a4: 2 },
      b: 2,
      c: 3,
    });
  });

  it('States.JsonMerge fails for deep merging ("you must specify the boolean value as false")', async () => {
    expect(await failure('States.JsonMerge($.a, $.b, true)', { a: {}, b: {} })).toMatch(
      /^FAILED States\.Runtime: .*JsonMerge/,
    );
  });
});

describe(`${PAGE}: intrinsics for math operations`, () => {
  it('States.MathRandom returns a number between the start and end numbers', async () => {
    const value = await evaluate('States.MathRandom($.start, $.end)', { start: 1, end: 999 });
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThanOrEqual(999);
  });

  it('States.MathRandom returns the same number for the same seed ("If you use this function with the same seed value, it returns an identical number")', async () => {
    expect(await evaluate('States.MathRandom(1, 999, 7)')).toBe(
      await evaluate('States.MathRandom(1, 999, 7)'),
    );
  });

  // The page: "You must specify integer values for the start number and end number arguments."
  // Recorded: intrinsic_functions.test_math_operations.test_math_random.exec_hist_resp_0 succeeds
  // with 12.5 and 44.51. The recording wins.
  it('States.MathRandom accepts non-integer bounds (recorded; the page asks for integers)', async () => {
    const value = await evaluate('States.MathRandom($.fst, $.snd)', { fst: 12.5, snd: 44.51 });
    expect(Number.isInteger(value)).toBe(true);
  });

  it('States.MathAdd: "subtract one from 111" gives 110', async () => {
    expect(await evaluate('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 })).toBe(110);
  });

  // The page: "You must specify integer values for all the arguments." Recorded:
  // intrinsic_functions.test_math_operations.test_math_add.exec_hist_resp_1 (1.49 + 1.5 = 3),
  // exec_hist_resp_14 (2.5 + 0 = 3) and exec_hist_resp_18 (-1.5 + 0 = -1): AWS rounds each
  // argument half up and adds. The recording wins.
  for (const [a, b, sum, id] of [
    [1.49, 1.5, 3, 'exec_hist_resp_1'],
    [2.5, 0, 3, 'exec_hist_resp_14'],
    [-1.5, 0, -1, 'exec_hist_resp_18'],
  ] as const) {
    it(`States.MathAdd(${a}, ${b}) is ${sum} (recorded ${id}; the page asks for integers)`, async () => {
      expect(await evaluate('States.MathAdd($.a, $.b)', { a, b })).toBe(sum);
    });
  }
});

describe(`${PAGE}: intrinsics for string operations and UUID`, () => {
  it('States.StringSplit: "1,2,3,4,5" split at "," gives ["1","2","3","4","5"]', async () => {
    expect(
      await evaluate('States.StringSplit($.inputString, $.splitter)', {
        inputString: '1,2,3,4,5',
        splitter: ',',
      }),
    ).toEqual(['1', '2', '3', '4', '5']);
  });

  it('States.UUID: "return a version 4 universally unique identifier (v4 UUID) generated using random numbers"', async () => {
    // The engine's own entropy, not the test environment's fixed one.
    const env = createEnvironment({
      tasks: new RoutingRegistry(),
      clock: new VirtualClock({ autoAdvance: true }),
    });
    const result = await run(env, JSON.stringify(machine(pass('States.UUID()'))), {});
    expect((result.output as { r: string }).r).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });
});

describe(`${PAGE}: a failing call`, () => {
  // Handling errors page: "States.IntrinsicFailure: This error occurs when the attempt to invoke an
  // intrinsic function within a payload template fails." No execution in the corpus shows a failing
  // intrinsic, but public test suites run against AWS itself assert States.Runtime with the cause
  // "Invalid arguments in States.MathAdd" (and ArrayRange, ArrayPartition, MathRandom): the
  // recorded behaviour wins over the page, and the engine follows it.
  it('fails a failing intrinsic with States.Runtime, "Invalid arguments in States.<name>" (not the page\'s IntrinsicFailure)', async () => {
    expect(await failure('States.ArrayRange(1, 9, 0)')).toMatch(
      /^FAILED States\.Runtime: .*Invalid arguments in States\.ArrayRange$/,
    );
  });
});
