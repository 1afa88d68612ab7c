/**
 * The functions AWS adds to JSONata. Every corpus case that calls one is replayed here; the
 * argument errors come from executions recorded on AWS by the tiny-asl-machine project
 * ("recorded") or from rules other emulators report as measured ("reported").
 */
import jsonata from 'jsonata';
import { describe, expect, it } from 'vitest';
import {
  AwsFunctionError,
  awsFunctions,
  type FunctionEntropy,
  RANGE_LIMIT,
} from '../../../asl/jsonata/functions.ts';
import { type CorpusCase, loadCase, loadIndex } from '../../conformance/corpus.ts';

const entropy: FunctionEntropy = { uuid: () => '6f1c1a5e-3b2d-4c8e-9f0a-1b2c3d4e5f60', random: () => 0.25 };

async function evaluate(expression: string, input: unknown = {}): Promise<unknown> {
  const bindings = { states: { input }, ...awsFunctions(entropy) };
  const value: unknown = await jsonata(expression).evaluate(undefined, bindings);
  // Compare as the JSON AWS would output (drops JSONata's sequence flags, -0 becomes 0).
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** What the engine writes after "threw an error during evaluation. ", for our errors and JSONata's. */
function render(error: unknown): string {
  if (error instanceof AwsFunctionError) return error.render();
  const { code, message } = error as { code?: string; message: string };
  return code === undefined ? message : `${code}: ${message}`;
}

async function failure(expression: string, input: unknown = {}): Promise<string> {
  try {
    const value = await evaluate(expression, input);
    return expect.unreachable(`${expression} returned ${JSON.stringify(value)}`);
  } catch (error) {
    return render(error);
  }
}

const CALL = /\$(partition|range|hash|random|uuid|parse|eval|randomSeeded)\s*\(/;
const PREFIXES = [
  'intrinsic_functions.test_array_jsonata',
  'intrinsic_functions.test_json_manipulation_jsonata',
  'intrinsic_functions.test_math_operations_jsonata',
];
const corpus = loadIndex()
  .map((row) => loadCase(row.id))
  .filter((c) => PREFIXES.some((p) => c.id.startsWith(p)) || CALL.test(c.definitionText));

function casesCalling(name: string): CorpusCase[] {
  return corpus.filter((c) => new RegExp(`\\$${name}\\s*\\(`).test(c.definitionText));
}

/** The Output of the case's one Pass state, evaluated field by field as the engine does. */
async function replay(c: CorpusCase): Promise<void> {
  const { StartAt, States } = JSON.parse(c.definitionText) as {
    StartAt: string;
    States: Record<string, unknown>;
  };
  const state = States[StartAt] as { Type: string; Output: string | Record<string, string> };
  expect([Object.keys(States).length, state.Type], `${c.id} is not a single Pass state`).toEqual([1, 'Pass']);
  const whole = typeof state.Output === 'string';
  const fields = whole ? { '': state.Output as string } : (state.Output as Record<string, string>);
  const output: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(fields)) {
    const source = /^\{%([\s\S]*)%\}$/.exec(template)?.[1]?.trim() ?? expect.unreachable(template);
    const location = whole ? 'Output' : `Output/${key}`;
    try {
      output[key] = await evaluate(source, c.input);
    } catch (error) {
      // The cause after AWS's "An error occurred while executing the state ..." prefix.
      const tail = `The JSONata expression '${source}' specified for the field '${location}' threw an error during evaluation. ${render(error)}`;
      expect(c.expected.error).toBe('States.QueryEvaluationError');
      return expect(String(c.expected.cause).slice(-tail.length)).toBe(tail);
    }
    expect(output[key], `${source} returned nothing (undefined)`).not.toBeUndefined();
  }
  expect(whole ? output[''] : output).toStrictEqual(c.expected.output);
}

function replaysCorpus(name: string): void {
  for (const c of casesCalling(name)) it(`reproduces corpus case ${c.id}`, () => replay(c));
}

it('finds the corpus cases that call these functions', () => {
  expect(corpus.length).toBeGreaterThanOrEqual(32);
  const names = ['partition', 'range', 'hash', 'random', 'uuid', 'parse', 'eval', 'randomSeeded'];
  expect(new Set(names.flatMap(casesCalling))).toEqual(new Set(corpus));
});

function answers(rows: readonly (readonly [expression: string, expected: unknown])[]): void {
  it.each(rows)('%s answers %j', async (expression, expected) => {
    expect(await evaluate(expression)).toEqual(expected);
  });
}

function fails(rows: readonly (readonly [expression: string, cause: string])[]): void {
  it.each(rows)('%s fails with %s', async (expression, cause) => {
    expect(await failure(expression)).toBe(cause);
  });
}

const signature = (index: number, name: string) =>
  `T0410: Argument ${index} of function "${name}" does not match function signature`;

describe('$partition', () => {
  replaysCorpus('partition');
  answers([
    ['$partition([1, 2, 3, 4, 5], 2.6)', [[1, 2], [3, 4], [5]]], // recorded: fractions truncate
    ['$partition([1, 2, 3])', [[1, 2, 3]]], // recorded: no size is one chunk
    ['$partition([1, 2, 3], 0)', undefined], // recorded: "returned nothing (undefined)"
    ['$partition([1, 2, 3], 0.5)', undefined], // reported
    ['$partition([1, 2, 3], -0.5)', undefined], // reported: truncates to 0 before the sign check
    ['$partition($nothing, 2)', undefined], // reported
    ['$partition([1, 2, 3], $nothing)', [[1, 2, 3]]], // reported
    ['$partition([], $nothing)', [[]]], // reported
    ['$partition([], 2)', undefined], // reported
    ['$partition(?, 2)([1, 2, 3])', [[1, 2], [3]]], // JSONata partial application still works
  ]);
  fails([
    ['$partition([1, 2, 3], -1)', 'D3137: Second argument must be zero or greater'], // recorded
    ['$partition([1, 2, 3], "2")', signature(2, 'partition')], // recorded
    ['$partition([1, 2, 3], null)', signature(2, 'partition')], // recorded
    ['$partition([1, 2, 3], true)', signature(2, 'partition')], // reported
    ['$partition([1, 2, 3], 2, 99)', signature(3, 'partition')], // recorded
    ['$partition("not-array", 2)', 'T0412: Argument 1 of function "partition" must be an array of undefined'], // recorded
    ['$partition({"a": 1}, 2)', 'T0412: Argument 1 of function "partition" must be an array of undefined'],
  ]);
});

describe('$range', () => {
  replaysCorpus('range');
  answers([
    ['$range(0, 10, 2)', [0, 2, 4, 6, 8, 10]], // recorded: the end is included when a step lands on it
    ['$range(1.4, 5.6, 2.2)', [1, 3, 5]], // recorded: arguments truncate toward zero
    ['$range(-1.5, 2.5, 1)', [-1, 0, 1, 2]], // reported
    ['$range(10, 0, -5)', [10, 5, 0]], // AWS documentation: a negative step counts down
    ['[$range(1, 9, 9)]', [1]], // reported: a one-number range is that number
    ['$range(1, 10, 0)', undefined], // recorded
    ['$range(1, 10, 0.49)', undefined], // recorded
    ['$range(1, 5)', undefined], // recorded
    ['$range($nothing, 3, 1)', undefined], // reported
    ['$range(0, $nothing, 1)', undefined], // reported
    ['$range(3, 0, 1)', undefined], // reported: no number is undefined
  ]);
  it('returns more than the 1000 items the documentation mentions, as AWS does (recorded)', async () => {
    const values = (await evaluate('$range(1, 1001, 1)')) as number[];
    expect(values).toHaveLength(1001);
    expect(values[1000]).toBe(1001);
  });
  fails([
    ['$range("a", 5, 1)', signature(1, 'range')], // recorded
    ['$range(1, 5, null)', signature(3, 'range')], // recorded
    ['$range(1, 5, 1, 99)', signature(4, 'range')], // recorded
  ]);
  fails([
    [
      `$range(0, ${RANGE_LIMIT}, 1)`,
      `$range(0, ${RANGE_LIMIT}, 1) would produce 10000001 numbers; this engine stops at ${RANGE_LIMIT}`,
    ],
  ]); // engine limit: uncoded
});

describe('$hash', () => {
  answers([
    ['$hash("hello", "SHA-256")', '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'], // recorded
    ['$hash("✓", "SHA-256")', '1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604'], // recorded: UTF-8
    ['$hash("a", "MD5")', '0cc175b9c0f1b6a831c399e269772661'], // reported
    ['$hash("input", "SHA-1")', '140f86aae51ab9e1cda9b4254fe98a74eb54c1a1'], // reported
    ['$substring($hash("abc", "SHA-384"), 80)', '58baeca134c825a7'], // FIPS 180-2 test vector
    ['$substring($hash("abc", "SHA-512"), 112)', '2a9ac94fa54ca49f'], // FIPS 180-2 test vector
    ['$hash($nothing, "SHA-256")', undefined], // reported
    ['$hash("a")', undefined], // reported
  ]);
  it('hashes a 10001-character string (recorded)', async () => {
    const digest = '0cab99a058600ffaad1292d0c53c0548ebaf88dd1d01030345705f018a813909';
    expect(await evaluate('$hash($states.input, "SHA-256")', 'a'.repeat(10001))).toBe(digest);
  });
  const unknown = (name: string) =>
    `D3137: Hash algorithm '${name}' must be one of SHA-1, SHA-384, SHA-256, SHA-512, MD5`;
  fails([
    ['$hash("data", "UNSUPPORTED")', unknown('UNSUPPORTED')], // recorded
    ['$hash("hello", "sha-256")', unknown('sha-256')], // recorded: names are case-sensitive
    ['$hash("a", $nothing)', unknown('null')], // reported
    ['$hash(123, "SHA-256")', signature(1, 'hash')], // recorded
    ['$hash()', signature(1, 'hash')], // recorded
    ['$hash("hello", "SHA-256", "extra")', signature(3, 'hash')], // recorded
    ['$hash("a", 256)', signature(2, 'hash')], // reported
  ]);
});

describe('$random', () => {
  replaysCorpus('random');
  answers([
    ['$random()', 0.25], // unseeded: the engine's entropy
    ['$random(77)', 0.7240700207191966], // recorded: java.util.Random(77).nextDouble()
    ['$random(42)', 0.7275636800328681], // reported
    ['$random(77) = $random(77)', true], // recorded
    ['$random(1.5) = $random(1)', true], // reported: the seed is truncated like Java's (long) cast
  ]);
  fails([
    ['$random("seed")', signature(1, 'random')], // recorded
    ['$random(null)', signature(1, 'random')], // recorded
    ['$random({"bad": true})', signature(1, 'random')], // recorded
    ['$random(77, 88)', signature(2, 'random')], // recorded
  ]);
});

describe('$uuid', () => {
  answers([['$uuid()', entropy.uuid()]]);
  fails([
    ['$uuid("x")', signature(1, 'uuid')], // recorded
    ['$uuid(null)', signature(1, 'uuid')], // recorded
    ['$uuid(1, 2)', signature(1, 'uuid')], // recorded
  ]);
});

describe('$parse', () => {
  replaysCorpus('parse');
  answers([
    ['$parse(" {\\"a\\":1} ")', { a: 1 }], // recorded
    ['$parse("{\\"a\\":1}").a', 1], // reported
    ['$parse()', undefined], // recorded
    ['$parse($nothing)', undefined], // reported
    ['$map(["[1]", "2"], $parse)', [[1], 2]], // usable as a function value
  ]);
  fails([
    ['$parse("{bad json}")', 'D3137: Invalid JSON'], // recorded
    ['$parse("")', 'D3137: Invalid JSON'], // recorded
    ['$parse(123)', signature(1, 'parse')], // recorded
    ['$parse(null)', signature(1, 'parse')], // recorded
    ['$parse({"a": 1})', signature(1, 'parse')], // recorded
    ['$parse("{}", 1)', signature(2, 'parse')], // recorded
  ]);
});

describe('$eval and names AWS does not bind', () => {
  replaysCorpus('randomSeeded');
  fails([
    ['$eval("1 + 1")', 'T1006: Attempted to invoke a non-function'], // AWS: $eval is not available
    ['$randomSeeded(1)', 'T1006: Attempted to invoke a non-function'],
  ]);
});

describe('AwsFunctionError', () => {
  it('renders with its code, and without one for the engine limit', () => {
    expect(new AwsFunctionError('D3137', 'Invalid JSON').render()).toBe('D3137: Invalid JSON');
    expect(new AwsFunctionError(undefined, 'too big').render()).toBe('too big');
  });
});
