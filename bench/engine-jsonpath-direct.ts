/**
 * The baseline of the JSONPath workloads (bench/engine-jsonpath.ts): the very same paths, payload
 * templates (with their intrinsic functions) and Choice rules, each compiled from the definition's
 * own strings with asl/jsonpath, evaluated directly on the same data in the order the execution
 * evaluates them, without the engine.
 *
 * Compilation is outside the timing on both sides. Intrinsic arguments and Choice rules hold
 * their paths as text, so the baseline's resolver parses each text once into a Map (the warm-up
 * run fills it) and reads through it after that.
 */
import { type ChoiceCondition, compileChoiceRule, evaluateChoice } from '../asl/jsonpath/choice.ts';
import { type JsonPath, parsePath, readPath, writePath } from '../asl/jsonpath/path.ts';
import {
  compilePayload,
  evaluatePayload,
  type PayloadScope,
  type PayloadTemplate,
} from '../asl/jsonpath/payload.ts';
import type { Evaluation, PathLookup } from '../asl/jsonpath/types.ts';
import { JSONPATH_BATCH } from './engine-jsonpath.ts';

/** One state's fields, compiled from the definition's own strings with asl/jsonpath. */
interface Compiled {
  readonly type: string;
  readonly result?: unknown;
  readonly inputPath?: JsonPath;
  readonly itemsPath?: JsonPath;
  readonly parameters?: PayloadTemplate;
  readonly resultSelector?: PayloadTemplate;
  readonly resultPath?: JsonPath;
  readonly outputPath?: JsonPath;
  readonly assign?: PayloadTemplate;
  readonly rules?: readonly { readonly condition: ChoiceCondition; readonly assign?: PayloadTemplate }[];
}

/** A compile problem in the benchmark's own definition: the benchmark is broken. */
class BenchmarkDefinitionInvalid extends Error {
  override name = 'BenchmarkDefinitionInvalid';
}

const refuse = (problem: { message: string }): never => {
  throw new BenchmarkDefinitionInvalid(problem.message);
};

function payload(value: unknown): PayloadTemplate | undefined {
  return value === undefined ? undefined : compilePayload(value, refuse);
}

function compileState(raw: Record<string, unknown>): Compiled {
  const path = (v: unknown) => (typeof v === 'string' ? parsePath(v) : undefined);
  const rules = (raw.Choices as Record<string, unknown>[] | undefined)?.map((rule, i) => {
    const condition = compileChoiceRule(rule, `/Choices/${i}`, refuse);
    if (!condition) throw new BenchmarkDefinitionInvalid(`rule ${i} did not compile`);
    const assign = payload(rule.Assign);
    return assign ? { condition, assign } : { condition };
  });
  const fields: Record<string, unknown> = {
    type: raw.Type,
    result: raw.Result,
    inputPath: path(raw.InputPath),
    itemsPath: path(raw.ItemsPath),
    parameters: payload(raw.Parameters ?? raw.ItemSelector),
    resultSelector: payload(raw.ResultSelector),
    resultPath: path(raw.ResultPath),
    outputPath: path(raw.OutputPath),
    assign: payload(raw.Assign),
    rules,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as unknown as Compiled;
}

/** Every state of a machine, compiled, in definition order (the order the path machine runs them). */
export function compileJsonPath(definitionText: string): Compiled[] {
  const definition = JSON.parse(definitionText) as { States: Record<string, Record<string, unknown>> };
  return Object.values(definition.States).map(compileState);
}

/** The Map state and its processor's one state. */
export function compileJsonPathMap(definitionText: string): { map: Compiled; inner: Compiled } {
  const definition = JSON.parse(definitionText) as { States: { Fan: Record<string, unknown> } };
  const processor = definition.States.Fan.ItemProcessor as { States: { Count: Record<string, unknown> } };
  return { map: compileState(definition.States.Fan), inner: compileState(processor.States.Count) };
}

const INTRINSICS = { uuid: () => '00000000-0000-4000-8000-000000000000', random: () => 0.5 };

/** Bare evaluation's scope: `$` the data, `$$` the context, `$name` the variables. */
class BareScope {
  readonly variables: Record<string, unknown> = {};

  lookup(path: JsonPath, data: unknown, context: unknown): PathLookup {
    let root = data;
    if (path.root.kind === 'context') root = context;
    else if (path.root.kind === 'variable') {
      if (!Object.hasOwn(this.variables, path.root.name)) return missing;
      root = this.variables[path.root.name];
    }
    const r = readPath(path, root);
    return r.found ? { ok: true, value: r.value } : missing;
  }

  at(data: unknown, context?: unknown): PayloadScope {
    return {
      read: (path) => this.lookup(path, data, context),
      resolve: (path) => this.lookup(path, data, context),
      intrinsics: INTRINSICS,
    };
  }
}

const missing: PathLookup = { ok: false, error: 'States.Runtime', message: 'not found', missing: true };

function value<T>(r: Evaluation<T>): T {
  if (!r.ok) throw new BenchmarkDefinitionInvalid(`baseline evaluation failed: ${r.message}`);
  return r.value;
}

function select(path: JsonPath | undefined, data: unknown): unknown {
  if (!path) return data;
  const r = readPath(path, data);
  if (!r.found) throw new BenchmarkDefinitionInvalid(`baseline path ${path.source}: ${r.reason}`);
  return r.value;
}

/** Assign, ResultSelector, ResultPath, OutputPath on `result` (AWS's order), then the assignment. */
function settle(
  state: Compiled,
  scope: BareScope,
  input: unknown,
  result: unknown,
  assign = state.assign,
): unknown {
  const assigned = assign
    ? (value(evaluatePayload(assign, scope.at(result))) as Record<string, unknown>)
    : undefined;
  const selected = state.resultSelector
    ? value(evaluatePayload(state.resultSelector, scope.at(result)))
    : result;
  const placed = state.resultPath ? writePath(state.resultPath, input, selected) : selected;
  const output = select(state.outputPath, placed);
  if (assigned) Object.assign(scope.variables, assigned);
  return output;
}

function visit(state: Compiled, scope: BareScope, input: unknown): unknown {
  const effective = select(state.inputPath, input);
  if (state.type === 'Choice') {
    for (const rule of state.rules ?? []) {
      if (value(evaluateChoice(rule.condition, scope.at(effective).resolve))) {
        return settle(state, scope, effective, effective, rule.assign);
      }
    }
    return settle(state, scope, effective, effective, undefined);
  }
  const args = state.parameters ? value(evaluatePayload(state.parameters, scope.at(effective))) : effective;
  // Pass: Result as written, else the effective input; Task: the echo service answers its arguments.
  return settle(state, scope, input, state.result ?? args);
}

/** A scope per machine (its variables), kept across runs. */
export function bareScope(): BareScope {
  return new BareScope();
}

/** A timed bare run: its milliseconds, and its output (checked against the engine's once). */
export interface DirectRun {
  readonly ms: number;
  readonly output: unknown;
}

export function directJsonPathPath(states: readonly Compiled[], scope: BareScope): DirectRun {
  const start = performance.now();
  for (const name of Object.keys(scope.variables)) delete scope.variables[name];
  let data: unknown = {};
  for (const state of states) data = visit(state, scope, data);
  return { ms: performance.now() - start, output: data };
}

export function directJsonPathMap(
  compiled: { map: Compiled; inner: Compiled },
  items: readonly number[],
  scope: BareScope,
): DirectRun {
  const { map, inner } = compiled;
  const start = performance.now();
  const input = { items };
  const effective = select(map.inputPath, input);
  const selected: unknown[] = [];
  for (const [index, item] of (select(map.itemsPath, effective) as unknown[]).entries()) {
    const context = { Map: { Item: { Index: index, Value: item } } };
    selected.push(value(evaluatePayload(map.parameters as PayloadTemplate, scope.at(effective, context))));
  }
  const results: unknown[] = [];
  for (let b = 0; b < selected.length; b += JSONPATH_BATCH) {
    const batch = { Items: selected.slice(b, b + JSONPATH_BATCH) };
    results.push(value(evaluatePayload(inner.parameters as PayloadTemplate, scope.at(batch))));
  }
  const output = settle(map, scope, input, results);
  return { ms: performance.now() - start, output };
}
