/**
 * Intrinsic functions. Every JSONPath corpus case with an intrinsic in a `.$` field, an ErrorPath
 * or a CausePath is replayed from its recorded history: each state's recorded input (and the
 * variables assigned before it) goes in, and the recorded output, assigned variables or error must
 * come out. The unit tests below name the case they come from, or mark what other projects report
 * as measured on AWS "(reported)".
 */
import { describe, expect, it } from 'vitest';
import {
  type CompiledIntrinsic,
  compileIntrinsic,
  evaluateIntrinsic,
  type IntrinsicEnvironment,
  type IntrinsicProblem,
  IntrinsicSyntaxError,
  isIntrinsicCall,
} from '../../../asl/jsonpath/intrinsics.ts';
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
  return (path) => {
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
  if (!result.ok) return expect.unreachable(`${text} failed: ${result.message}`);
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
    : resolverFor(scope)(text);
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
