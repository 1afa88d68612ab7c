/**
 * Intrinsic functions. Every JSONPath corpus case with an intrinsic in a `.$` field, an ErrorPath
 * or a CausePath is replayed from its recorded history: each state's recorded input (and the
 * variables assigned before it) goes in, and the recorded output, assigned variables or error must
 * come out. The unit tests below name the case they come from, or mark what other projects report
 * as measured on AWS "(reported)".
 */
import { describe, expect, it } from 'vitest';
import {
  compileIntrinsic,
  evaluateIntrinsic,
  type IntrinsicEnvironment,
  type IntrinsicProblem,
  IntrinsicSyntaxError,
  isIntrinsicCall,
} from '../../../asl/jsonpath/intrinsics.ts';
import { parsePath } from '../../../asl/jsonpath/path.ts';
import type { PathLookup, PathResolver } from '../../../asl/jsonpath/types.ts';
import { type CorpusCase, loadCase, loadIndex } from '../../conformance/corpus.ts';

const UUID = '6f1c1a5e-3b2d-4c8e-9f0a-1b2c3d4e5f60';
const ENV: IntrinsicEnvironment = { uuid: () => UUID, random: () => 0.5 };
const MACHINE = 'Machine-Name-7';
const EXECUTION = 'exec-1';

type Json = Record<string, unknown>;

// --- a small path resolver: $, $$ and $variable roots, then .name, [n] and ['name'] steps ---

const STEP = /\.([^.[]+)|\[(\d+)\]|\['([^']*)'\]/y;

function missing(path: string): PathLookup {
  return {
    ok: false,
    error: 'States.Runtime',
    message: `The path '${path}' selected nothing`,
    missing: true,
  };
}

function lookup(root: unknown, path: string, from: number): PathLookup {
  let value = root;
  STEP.lastIndex = from;
  while (STEP.lastIndex < path.length) {
    const step = STEP.exec(path);
    if (!step) throw new Error(`the test resolver cannot read ${path}`);
    const key = step[1] ?? step[3] ?? Number(step[2]);
    if (typeof value !== 'object' || value === null || !(key in value)) return missing(path);
    value = (value as Record<string | number, unknown>)[key];
  }
  return { ok: true, value };
}

interface Scope {
  readonly input: unknown;
  readonly context: Json;
  readonly variables: Json;
}

function resolverFor(scope: Scope): PathResolver {
  return ({ source: path }) => {
    if (path.startsWith('$$')) return lookup(scope.context, path, 2);
    const variable = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(path);
    if (variable?.[1] === undefined) return lookup(scope.input, path, 1);
    if (!(variable[1] in scope.variables)) return missing(path);
    return lookup(scope.variables[variable[1]], path, variable[0].length);
  };
}

function run(text: string, scope: Partial<Scope> = {}): PathLookup {
  const full: Scope = {
    input: scope.input ?? {},
    context: scope.context ?? {},
    variables: scope.variables ?? {},
  };
  return evaluateIntrinsic(compileIntrinsic(text), resolverFor(full), ENV);
}

/** The value of a successful call; the test fails with the failure otherwise. */
function value(text: string, input: unknown = {}): unknown {
  const result = run(text, { input });
  if (!result.ok) return expect.unreachable(`${text} failed: ${JSON.stringify(result)}`);
  return result.value;
}

function failure(text: string, input: unknown = {}): IntrinsicProblem {
  const result = run(text, { input });
  if (result.ok) return expect.unreachable(`${text} returned ${JSON.stringify(result.value)}`);
  return result as IntrinsicProblem;
}

function syntaxError(text: string): IntrinsicSyntaxError {
  try {
    compileIntrinsic(text);
  } catch (error) {
    if (error instanceof IntrinsicSyntaxError) return error;
    throw error;
  }
  return expect.unreachable(`${text} compiled`);
}

// --- replaying the corpus ---

/** A `.$` field value or ErrorPath/CausePath, evaluated as the engine would. */
function evaluateField(text: string, scope: Scope): unknown {
  const result = isIntrinsicCall(text)
    ? evaluateIntrinsic(compileIntrinsic(text), resolverFor(scope), ENV)
    : resolverFor(scope)(parsePath(text));
  if (!result.ok) throw new Error(`${text}: ${result.error}: ${result.message}`);
  return result.value;
}

/** A payload template (Parameters, ItemSelector, Assign): `.$` keys are evaluated. */
function payload(template: unknown, scope: Scope): unknown {
  if (Array.isArray(template)) return template.map((item) => payload(item, scope));
  if (typeof template !== 'object' || template === null) return template;
  const out: Json = {};
  for (const [key, field] of Object.entries(template)) {
    if (key.endsWith('.$') && typeof field === 'string') out[key.slice(0, -2)] = evaluateField(field, scope);
    else out[key] = payload(field, scope);
  }
  return out;
}

function hasIntrinsic(template: unknown): boolean {
  return JSON.stringify(template ?? null).includes('"States.');
}

/** ResultPath and OutputPath of the form `$.a.b`, which is all the corpus's Pass states use. */
function place(input: unknown, result: unknown, state: Json): unknown {
  const resultPath = (state.ResultPath as string | undefined) ?? '$';
  let output = result;
  if (resultPath !== '$') {
    output = structuredClone(input) as Json;
    const keys = resultPath.slice(2).split('.');
    let target = output as Json;
    for (const key of keys.slice(0, -1)) {
      target[key] ??= {};
      target = target[key] as Json;
    }
    target[keys[keys.length - 1] as string] = result;
  }
  const outputPath = state.OutputPath as string | undefined;
  if (outputPath === undefined) return output;
  const selected = lookup(output, outputPath, 1);
  return selected.ok ? selected.value : expect.unreachable(`OutputPath ${outputPath} selected nothing`);
}

/** Every state of the definition by name, Map processors and Parallel branches included. */
function statesByName(machine: Json, into = new Map<string, Json>()): Map<string, Json> {
  for (const [name, state] of Object.entries((machine.States ?? {}) as Record<string, Json>)) {
    into.set(name, state);
    const processor = (state.ItemProcessor ?? state.Iterator) as Json | undefined;
    if (processor) statesByName(processor, into);
    for (const branch of (state.Branches ?? []) as Json[]) statesByName(branch, into);
  }
  return into;
}

interface Check {
  readonly what: string;
  readonly actual: unknown;
  readonly expected: unknown;
}

type Recorded = { type: string; name: string; input?: unknown; output?: unknown; assignedVariables?: Json };

/** What the recorded history lets us check for one corpus case. */
function checksOf(c: CorpusCase): Check[] {
  const machine = JSON.parse(c.definitionText) as Json;
  const states = statesByName(machine);
  const events = (c.expected.states ?? []) as Recorded[];
  const context = (name: string, item?: Json): Json => ({
    Execution: {
      Id: `arn:aws:states:us-east-1:111111111111:execution:${MACHINE}:${EXECUTION}`,
      Input: c.input,
      StartTime: '2026-12-07T02:00:00.000Z',
      Name: EXECUTION,
      RoleArn: 'arn:aws:iam::111111111111:role/sfn',
      RedriveCount: 0,
    },
    StateMachine: { Id: `arn:aws:states:us-east-1:111111111111:stateMachine:${MACHINE}`, Name: MACHINE },
    State: { Name: name, EnteredTime: '2026-12-07T02:00:00.000Z' },
    ...(item ? { Map: { Item: item } } : {}),
  });
  const checks: Check[] = [];
  const variables: Json = {};
  const open: { name: string; scope: Scope }[] = [];
  for (const [index, event] of events.entries()) {
    const state = states.get(event.name) ?? {};
    if (event.type.endsWith('StateEntered')) {
      const scope: Scope = { input: event.input, context: context(event.name), variables: { ...variables } };
      open.push({ name: event.name, scope });
      checks.push(...enteredChecks(c, state, scope, events.slice(index + 1), context));
      continue;
    }
    const at = open.findLastIndex((entry) => entry.name === event.name);
    const entered = open.splice(at, 1)[0];
    if (entered) checks.push(...exitedChecks(event, state, entered.scope));
    Object.assign(variables, event.assignedVariables ?? {});
  }
  return checks;
}

/** Fail's ErrorPath and CausePath, and a Map's ItemSelector, checked when the state is entered. */
function enteredChecks(
  c: CorpusCase,
  state: Json,
  scope: Scope,
  later: readonly Recorded[],
  context: (name: string, item?: Json) => Json,
): Check[] {
  const checks: Check[] = [];
  for (const field of ['ErrorPath', 'CausePath'] as const) {
    const text = state[field];
    if (typeof text !== 'string' || !hasIntrinsic(text)) continue;
    const expected = field === 'ErrorPath' ? c.expected.error : c.expected.cause;
    checks.push({ what: field, actual: evaluateField(text, scope), expected });
  }
  if (state.Type === 'Map' && hasIntrinsic(state.ItemSelector)) {
    const items = evaluateField((state.ItemsPath as string | undefined) ?? '$', scope) as unknown[];
    const processor = (state.ItemProcessor ?? state.Iterator) as Json;
    const firsts = later.filter((e) => e.type.endsWith('StateEntered') && e.name === processor.StartAt);
    items.forEach((item, i) => {
      const itemScope = {
        ...scope,
        context: context(processor.StartAt as string, { Index: i, Value: item }),
      };
      checks.push({
        what: `ItemSelector for item ${i}`,
        actual: payload(state.ItemSelector, itemScope),
        expected: firsts[i]?.input,
      });
    });
  }
  return checks;
}

/** A Pass state's Parameters (as its output) and Assign, checked against what it recorded. */
function exitedChecks(event: Recorded, state: Json, scope: Scope): Check[] {
  if (state.Type !== 'Pass') return [];
  const checks: Check[] = [];
  const parameters = hasIntrinsic(state.Parameters);
  const result = parameters ? payload(state.Parameters, scope) : (state.Result ?? scope.input);
  if (parameters)
    checks.push({
      what: `${event.name} output`,
      actual: place(scope.input, result, state),
      expected: event.output,
    });
  if (hasIntrinsic(state.Assign)) {
    const assigned = payload(state.Assign, { ...scope, input: result });
    checks.push({ what: `${event.name} Assign`, actual: assigned, expected: event.assignedVariables });
  }
  return checks;
}

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * The expected value with each placeholder replaced by the actual value where it fits, so that
 * `toEqual` compares the rest. A random number must be an integer and a UUID must look like one.
 */
function fill(expected: unknown, actual: unknown): unknown {
  if (typeof expected === 'string' && expected.includes('{{ph:')) {
    const whole = /^\{\{ph:([^}]+)\}\}$/.exec(expected);
    if (whole?.[1] === 'RandomNumberGenerated') return Number.isInteger(actual) ? actual : expected;
    if (whole?.[1]?.startsWith('uuid'))
      return typeof actual === 'string' && UUID_SHAPE.test(actual) ? actual : expected;
    if (whole) return actual;
    const pattern = expected
      .split(/\{\{ph:[^}]+\}\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.+?');
    return typeof actual === 'string' && new RegExp(`^${pattern}$`, 's').test(actual) ? actual : expected;
  }
  if (Array.isArray(expected))
    return expected.map((item, i) => fill(item, (actual as unknown[] | undefined)?.[i]));
  if (typeof expected === 'object' && expected !== null) {
    const other = (typeof actual === 'object' && actual !== null ? actual : {}) as Json;
    return Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, fill(v, other[k])]));
  }
  return expected;
}

/** Cases with an intrinsic that this replay does not reach, and why. */
const NOT_REPLAYED: Record<string, string> = {
  'credentials.test_credentials_base.test_cross_account_states_start_sync_execution.SFN_START_EXECUTION_SYNC_ROLE_ARN_INTRINSIC':
    "the intrinsic is in a Task's Parameters (a RoleArn); its result is only visible inside the service call",
  'scenarios.test_base_scenarios.test_escape_sequence_parsing.ESCAPE_SEQUENCES_STRING_LITERALS':
    "the 'States.' text sits under a `.$` key inside a Pass Result, which AWS copies as it is (recorded): nothing is evaluated",
};

const INTRINSIC_FIELD = /"[^"]*(\.\$|ErrorPath|CausePath)": *"States\./;

const corpusCases = loadIndex()
  .filter((row) => row.queryLanguage === 'JSONPath')
  .map((row) => loadCase(row.id))
  .filter((c) => INTRINSIC_FIELD.test(c.definitionText) && !(c.id in NOT_REPLAYED));

describe('intrinsic functions in the corpus', () => {
  it('replays every intrinsic_functions case recorded with JSONPath', () => {
    const ids = corpusCases.filter((c) => c.id.startsWith('intrinsic_functions.')).length;
    expect(ids).toBe(131);
    expect(corpusCases.length).toBe(142);
  });

  it.each(corpusCases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const checks = checksOf(c);
    expect(checks.length, 'the replay found nothing to check').toBeGreaterThan(0);
    for (const check of checks) expect(check.actual, check.what).toEqual(fill(check.expected, check.actual));
  });
});

describe('isIntrinsicCall', () => {
  it('is true for text that starts with States.', () => {
    expect(isIntrinsicCall("States.Format('{}', $.a)")).toBe(true);
    expect(isIntrinsicCall('$.States.a')).toBe(false);
    expect(isIntrinsicCall('$$.Execution.Id')).toBe(false);
  });
});

describe('compileIntrinsic', () => {
  it('keeps the source and reads nested calls, literals and spaces between tokens', () => {
    const fn = compileIntrinsic("States.Array( 'a' , -1.5e2, true, false, null, $.x, States.Array() )");
    expect(fn.source).toBe("States.Array( 'a' , -1.5e2, true, false, null, $.x, States.Array() )");
    expect(value(fn.source, { x: { y: 1 } })).toEqual(['a', -150, true, false, null, { y: 1 }, []]);
  });

  it('passes a path with brackets, commas and spaces inside them to the resolver whole', () => {
    expect(value("States.Array($['a, b'][1])", { 'a, b': [0, 'second'] })).toEqual(['second']);
  });

  it('refuses an unknown or wrongly spelled function name and names the right spelling', () => {
    // AWS refused `States.format(...)` at creation (serverless-step-functions issue #399).
    const error = syntaxError("States.format('test-{}.json', $.Comment)");
    expect(error.message).toContain("unknown intrinsic function 'States.format'");
    expect(error.hint).toBe('Names are case-sensitive: write States.Format.');
    expect(syntaxError('States.Nope()').hint).toContain('States.ArrayRange');
  });

  it("refuses string escapes other than \\', \\{, \\} and \\\\ (reported: AWS refuses 'YWJj\\nZA==')", () => {
    const error = syntaxError("States.Base64Decode('YWJj\\nZA==')");
    expect(error.message).toContain("'\\n' is not an escape intrinsic strings allow");
    expect(error.hint).toContain('\\\\ for a backslash');
    // The recorded test_escape_sequence puts a real newline in the string, which AWS accepts.
    expect(value("States.StringSplit('Hello\nWorld', '\n')")).toEqual(['Hello', 'World']);
  });

  it.each([
    ['States.Array(', 'the call is not closed'],
    ["States.Array('a'", "expected ',' but the text ended"],
    ["States.Array('a)", 'a string is not closed'],
    ['States.Array($.a) trailing', 'unexpected text after the closing parenthesis'],
    ['States.Array([1,2])', "unexpected '[' where an argument belongs"],
    ['States.Array(1.)', "expected ',' but found '.'"],
    ['States.Array(.5)', "unexpected '.' where an argument belongs"],
    ['States.Array($.a, )', "unexpected ')' where an argument belongs"],
    ["States.Array($['a')", 'a path has an unclosed bracket or quote'],
    ['$.a', 'expected a call of the form States.Name(...)'],
    ['States.Array', "expected '(' but the text ended"],
  ])('refuses %s (reported: parser strictness cases of a characterisation suite)', (text, problem) => {
    expect(syntaxError(text).message).toContain(problem);
  });

  it('accepts 10 nested calls and refuses 11 ("You can nest up to 10 intrinsic functions", AWS docs)', () => {
    const nested = (depth: number): string => (depth === 0 ? '1' : `States.Array(${nested(depth - 1)})`);
    expect(value(nested(10))).toEqual([[[[[[[[[[1]]]]]]]]]]);
    expect(syntaxError(nested(11)).hint).toContain('up to 10 nested calls');
  });
});

describe('evaluateIntrinsic failures', () => {
  it("returns the resolver's failure as it is", () => {
    const problem = run('States.ArrayLength($.missing)', { input: {} });
    expect(problem).toEqual({
      ok: false,
      error: 'States.Runtime',
      message: "The path '$.missing' selected nothing",
      missing: true,
    });
  });

  it("checks the argument count when the call runs (reported: AWS fails States.Hash('hello') with States.Runtime)", () => {
    const problem = failure("States.Hash('hello')");
    expect(problem).toMatchObject({ error: 'States.Runtime', message: 'Invalid arguments in States.Hash' });
    expect(problem.detail).toBe("it takes 2 argument(s), States.Hash(data, 'SHA-256'), but was given 1.");
    expect(failure('States.UUID(1)').detail).toContain('takes 0 argument(s)');
    expect(failure('States.MathRandom(1)').detail).toContain('takes 2 to 3 argument(s)');
  });

  it('fails the outer call when a nested one fails', () => {
    expect(failure("States.ArrayLength(States.StringToJson('{'))").message).toBe(
      'Invalid arguments in States.StringToJson',
    );
  });
});

describe('States.Format', () => {
  it('writes strings as they are, null as null, objects and arrays as Java does (test_format_2, test_context_json_path)', () => {
    const input = { a: { k: 'v', list: [1, 'two', null, { n: 1.5 }] }, b: null, c: false };
    expect(value("States.Format('{} {} {}', $.a, $.b, $.c)", input)).toBe(
      '{k=v, list=[1, two, null, {n=1.5}]} null false',
    );
  });

  it("reads \\' \\{ \\} \\\\ in a literal template as the characters (reported: FMT-03)", () => {
    expect(value("States.Format('Name: \\'{}\\', set: \\{{}\\} \\\\', $.n, $.n)", { n: 'Ada' })).toBe(
      "Name: 'Ada', set: {Ada} \\",
    );
  });

  it('takes the template from a path (MAP_STATE_REFERENCE_IN_INTRINSIC_FUNCTION)', () => {
    expect(value('States.Format($.t, 2)', { t: 'It is {}!' })).toBe('It is 2!');
  });

  it('fails when the placeholders and the values differ in number (reported: FMT-14, FMT-15)', () => {
    const problem = failure("States.Format('{} {}', 'x')");
    expect(problem.message).toBe('Invalid arguments in States.Format');
    expect(problem.detail).toBe(
      'the template has 2 {} placeholder(s) but 1 value(s) follow it; give one value per placeholder.',
    );
  });

  it.each([["'Hello {'"], ["'}'"], ["'Hello {{}}'"]])(
    'fails on a brace that is not a placeholder: %s (reported: FMT-17, FMT-18, FMT-21)',
    (template) => {
      expect(failure(`States.Format(${template}, 'x')`).detail).toContain('not part of a {} placeholder');
    },
  );

  it('fails when the template is not a string', () => {
    expect(failure('States.Format($.t)', { t: 123 }).detail).toBe(
      'the template (first argument) must be a string, but it is 123.',
    );
  });
});

describe('JSON functions', () => {
  it('StringToJson gives null for blank text and fails on text that is not JSON (test_string_to_json)', () => {
    expect(value("States.StringToJson(' ')")).toBeNull();
    expect(value("States.StringToJson('-0')")).toBe(0);
    expect(failure("States.StringToJson('{oops}')").detail).toContain('the string is not JSON text');
    expect(failure('States.StringToJson(1)').detail).toBe(
      'the argument must be a string of JSON text, but it is 1.',
    );
  });

  it('JsonToString writes compact JSON, Unicode as it is', () => {
    expect(value('States.JsonToString($.a)', { a: { s: 'é🆗', n: [1, 2.5] } })).toBe(
      '{"s":"é🆗","n":[1,2.5]}',
    );
  });

  it('JsonMerge is shallow and refuses deep merging (test_json_merge; AWS docs)', () => {
    expect(
      value('States.JsonMerge($.a, $.b, false)', { a: { x: { p: 1 }, y: 1 }, b: { x: { q: 2 } } }),
    ).toEqual({
      x: { q: 2 },
      y: 1,
    });
    expect(failure('States.JsonMerge($.a, $.a, true)', { a: {} }).detail).toContain(
      'AWS supports only shallow merging',
    );
    expect(failure('States.JsonMerge($.a, 1, false)', { a: {} }).detail).toContain('must be JSON objects');
  });
});

describe('array functions', () => {
  it('ArrayRange counts up or down, truncating fractions (reported: ARANGE-004, -007, -008, -023, -024)', () => {
    expect(value('States.ArrayRange(5, 1, -2)')).toEqual([5, 3, 1]);
    expect(value('States.ArrayRange(5, 1, 1)')).toEqual([]);
    expect(value('States.ArrayRange(1.6, 1.4, 1)')).toEqual([1]);
    expect(value('States.ArrayRange(5.4, -0.6, -2.4)')).toEqual([5, 3, 1]);
  });

  it('ArrayRange allows 1000 items and refuses 1001 or a zero step (reported: ARANGE-013 to -018)', () => {
    expect(value('States.ArrayRange(1000, 1, -1)')).toHaveLength(1000);
    expect(failure('States.ArrayRange(1, 1001, 1)').detail).toBe(
      'the range would hold 1001 items; AWS allows at most 1000. Narrow the range or raise the step.',
    );
    expect(failure('States.ArrayRange(1, 10, 0.49)').detail).toBe('the step must be a non-zero integer.');
    expect(failure("States.ArrayRange('a', 5, 1)").message).toBe('Invalid arguments in States.ArrayRange');
  });

  it('ArrayPartition needs a chunk size of at least 1 (reported: AP-016)', () => {
    expect(value('States.ArrayPartition($.a, 2.9)', { a: [1, 2, 3] })).toEqual([[1, 2], [3]]);
    expect(failure('States.ArrayPartition($.a, 0.49)', { a: [1] }).detail).toBe(
      'the chunk size must be a positive integer, but it is 0.49.',
    );
    expect(failure("States.ArrayPartition('abc', 1)").detail).toBe(
      'the first argument must be an array, but it is "abc".',
    );
  });

  it('ArrayGetItem truncates the index and refuses one outside the array (reported: AGI-009, -010, -015)', () => {
    expect(value('States.ArrayGetItem($.a, 1.2)', { a: [10, 20, 30] })).toBe(20);
    expect(failure('States.ArrayGetItem($.a, 3)', { a: [10, 20, 30] }).detail).toBe(
      'the index 3 is outside the array, which has 3 items (indexes start at 0).',
    );
    expect(failure('States.ArrayGetItem($.a, -1)', { a: [10] }).message).toBe(
      'Invalid arguments in States.ArrayGetItem',
    );
  });

  it('ArrayContains and ArrayUnique compare objects by content, in any key order', () => {
    const input = { a: [{ x: 1, y: [2] }, { y: [2], x: 1 }, 1, '1', null, null] };
    expect(value('States.ArrayContains($.a, $.o)', { ...input, o: { y: [2], x: 1 } })).toBe(true);
    expect(value('States.ArrayContains($.a, 2)', input)).toBe(false);
    expect(value('States.ArrayUnique($.a)', input)).toEqual([{ x: 1, y: [2] }, 1, '1', null]);
  });
});

describe('encoding and hashing', () => {
  it('Base64 works on the UTF-8 bytes (reported: B64D-004, B64D-005)', () => {
    expect(value("States.Base64Encode('こんにちは')")).toBe('44GT44KT44Gr44Gh44Gv');
    expect(value("States.Base64Decode('4pyT')")).toBe('✓');
    expect(value("States.Base64Decode(' YWJjZA== ')")).toBe('abcd');
  });

  it('Base64 and Hash accept 10,000 characters and refuse 10,001 (reported: HASH-012, HASH-013, B64D-008)', () => {
    expect(value('States.Hash($.s, $.alg)', { s: 'a'.repeat(10_000), alg: 'MD5' })).toMatch(/^[0-9a-f]{32}$/);
    const problem = failure('States.Base64Encode($.s)', { s: '🆗'.repeat(10_001) });
    expect(problem.detail).toBe('the input has 10001 characters; AWS allows at most 10000.');
    expect(failure('States.Hash($.s, $.alg)', { s: 'a'.repeat(10_001), alg: 'MD5' }).message).toBe(
      'Invalid arguments in States.Hash',
    );
  });

  it('Hash hashes UTF-8 and knows only the exact algorithm names (reported: HASH-008, -025, -026)', () => {
    expect(value("States.Hash('✓', 'SHA-256')")).toBe(
      '1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604',
    );
    expect(failure("States.Hash('data', 'sha-256')").detail).toBe(
      'the algorithm "sha-256" is not one of MD5, SHA-1, SHA-256, SHA-384, SHA-512 (spelled exactly so).',
    );
  });
});

describe('math functions', () => {
  it('MathAdd rounds each argument half up before adding (test_math_add)', () => {
    expect(value('States.MathAdd(-0.5, 0)')).toBe(0);
    expect(value('States.MathAdd(1.5, 1.51)')).toBe(4);
    expect(failure("States.MathAdd('1', 2)").detail).toBe(
      'both arguments must be numbers, but they are "1" and 2.',
    );
  });

  it('MathRandom draws from start (included) to end (excluded) (test_math_random)', () => {
    const low = { ...ENV, random: () => 0 };
    const high = { ...ENV, random: () => 0.999999 };
    const call = compileIntrinsic('States.MathRandom($.s, $.e)');
    const resolve = resolverFor({ input: { s: 12.5, e: 44.51 }, context: {}, variables: {} });
    expect(evaluateIntrinsic(call, resolve, low)).toEqual({ ok: true, value: 12 });
    expect(evaluateIntrinsic(call, resolve, high)).toEqual({ ok: true, value: 43 });
  });

  it('MathRandom with a seed gives the same integer every time, within the range (test_math_random_seeded)', () => {
    const first = value('States.MathRandom(0, 999, 3)');
    expect(Number.isInteger(first) && (first as number) >= 0 && (first as number) < 999).toBe(true);
    expect(value('States.MathRandom(0, 999, 3)')).toBe(first);
    expect(value('States.MathRandom(0, 999, 4)')).not.toBe(first);
  });

  it('MathRandom refuses an empty range and a null seed (reported: MRAND-005, -006, -010, -019)', () => {
    expect(failure('States.MathRandom(1, 1)').detail).toBe(
      'start (1) must be less than end (1); the result is at least start and less than end.',
    );
    expect(failure('States.MathRandom(1.49, 1.6)').message).toBe('Invalid arguments in States.MathRandom');
    expect(failure('States.MathRandom(10, 5)').message).toBe('Invalid arguments in States.MathRandom');
    expect(failure('States.MathRandom(1, 10, null)').message).toBe('Invalid arguments in States.MathRandom');
  });
});

describe('States.StringSplit and States.UUID', () => {
  it('StringSplit splits at each delimiter character, Unicode ones too, and drops empty pieces', () => {
    expect(value("States.StringSplit('a🆗b,,c', ',🆗')")).toEqual(['a', 'b', 'c']);
    expect(value("States.StringSplit('abc', '')")).toEqual(['abc']);
    expect(failure("States.StringSplit(1, ',')").message).toBe('Invalid arguments in States.StringSplit');
  });

  it('UUID comes from the environment', () => {
    expect(value('States.UUID()')).toBe(UUID);
  });
});
