/**
 * Engine overhead: runs machines with the engine, then evaluates the very same expressions
 * directly, without the engine, in the same run, and prints the ratios, for both query languages.
 *
 * JSONata workloads (the expressions evaluated directly with the `jsonata` library):
 * - path: a 10,000-state path alternating Pass (Assign + Output) and Choice (Condition + Assign);
 *   20,002 history events, under AWS's 25,000.
 * - map: a Map over 10,000 items with ItemSelector, batched 100 per iteration (an unbatched
 *   inline Map of 10,000 items would pass AWS's 25,000-event limit and fail on AWS too).
 * JSONPath workloads (bench/engine-jsonpath.ts): an 8,000-state path of Pass, Choice and Task
 * states using InputPath, Parameters with intrinsics, ResultSelector, ResultPath, OutputPath,
 * Assign and `$var` reads, and a batched Map over 10,000 items like the JSONata one. Baseline
 * (bench/engine-jsonpath-direct.ts): the same paths, payload templates, intrinsic functions and
 * Choice rules evaluated directly with asl/jsonpath, outputs checked equal to the engine's.
 *
 * Each ratio is the median over rounds (BENCH_ROUNDS, default 5) of engine time / direct time.
 * The JSONata rounds run first, as they did before the JSONPath workloads were added, then the
 * JSONPath rounds: interleaved with the JSONata rounds, the JSONPath Map's engine run was 2-3x
 * slower than on its own (cross-language JIT and heap state), which neither language is about.
 * Printed: `engine_overhead_ratio_jsonpath=<x>`, then, as the last line (the JSONata figure, as
 * before), `engine_overhead_ratio=<x>`. Goal (issue #15): <= 1.2 for both.
 * Run with --expose-gc (npm run bench does) so each timed run starts from a collected heap.
 */
import jsonata from 'jsonata';
import { createEnvironment, execute, parseDefinition, RoutingRegistry, VirtualClock } from '../asl/index.ts';
import { ECHO_FUNCTION, jsonPathMapDefinition, jsonPathPathDefinition } from './engine-jsonpath.ts';
import {
  bareScope,
  compileJsonPath,
  compileJsonPathMap,
  directJsonPathMap,
  directJsonPathPath,
} from './engine-jsonpath-direct.ts';

const PATH_STATES = 10_000;
const MAP_ITEMS = 10_000;
const BATCH = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

function pathDefinition(): string {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < PATH_STATES; i++) {
    const next = i + 1 < PATH_STATES ? `S${i + 1}` : undefined;
    const end = next ? { Next: next } : { End: true };
    states[`S${i}`] =
      i % 2 === 0
        ? {
            Type: 'Pass',
            Assign: { count: '{% $count + 1 %}' },
            Output: { n: '{% $states.input.n + 1 %}' },
            ...end,
          }
        : next
          ? {
              Type: 'Choice',
              Choices: [
                { Condition: '{% $states.input.n % 2 = 1 %}', Next: next, Assign: { odd: '{% $count %}' } },
              ],
              Default: next,
            }
          : { Type: 'Pass', End: true };
  }
  return JSON.stringify({
    QueryLanguage: 'JSONata',
    StartAt: 'Init',
    States: { Init: { Type: 'Pass', Assign: { count: 0 }, Output: { n: 0 }, Next: 'S0' }, ...states },
  });
}

function mapDefinition(): string {
  return JSON.stringify({
    QueryLanguage: 'JSONata',
    StartAt: 'Fan',
    States: {
      Fan: {
        Type: 'Map',
        Items: '{% $states.input.items %}',
        ItemSelector: {
          v: '{% $states.context.Map.Item.Value * 2 %}',
          i: '{% $states.context.Map.Item.Index %}',
        },
        ItemBatcher: { MaxItemsPerBatch: BATCH },
        MaxConcurrency: 1,
        ItemProcessor: {
          StartAt: 'Sum',
          States: { Sum: { Type: 'Pass', Output: '{% $sum($states.input.Items.v) %}', End: true } },
        },
        Output: '{% $sum($states.result) %}',
        End: true,
      },
    },
  });
}

/** The benchmark's own machine did not succeed: the engine is broken, not slow. */
class BenchmarkFailed extends Error {
  override name = 'BenchmarkFailed';
}

/** The JSONPath machine's Task resource answers the arguments it was given. */
const echo = new RoutingRegistry().route(
  (resource) => resource.arn === ECHO_FUNCTION,
  async (request) => ({ ok: true, output: request.arguments }),
);

async function engineRunWithOutput(
  definitionText: string,
  input: unknown,
): Promise<{ ms: number; output: unknown }> {
  const definition = parseDefinition(definitionText);
  const env = createEnvironment({ tasks: echo, clock: new VirtualClock({ autoAdvance: true }) });
  const start = performance.now();
  const result = await execute(env, { definition, input });
  const ms = performance.now() - start;
  if (result.status !== 'SUCCEEDED')
    throw new BenchmarkFailed(`benchmark machine ${result.status}: ${result.error} ${result.cause}`);
  return { ms, output: result.output };
}

async function engineRun(definitionText: string, input: unknown): Promise<number> {
  return (await engineRunWithOutput(definitionText, input)).ms;
}

/** One state's expressions of the path machine, compiled from the definition's own strings. */
interface PathStep {
  readonly assign?: { name: string; expr: jsonata.Expression };
  readonly output?: jsonata.Expression;
  readonly condition?: jsonata.Expression;
}

const inner = (text: string): string => text.replace(/^\{%/, '').replace(/%\}$/, '').trim();

/**
 * The baseline: every expression of the path machine, each compiled from its own string as the
 * engine compiles them (10,000 states, 10,000 compiled expressions), then evaluated in the order
 * the execution evaluates them, with equivalent bindings. Compilation is outside the timing on
 * both sides (the engine compiles at parseDefinition).
 */
function compilePath(definitionText: string): PathStep[] {
  const definition = JSON.parse(definitionText) as { States: Record<string, Record<string, unknown>> };
  const steps: PathStep[] = [];
  for (const state of Object.values(definition.States)) {
    if (state.Type === 'Pass') {
      const assign = state.Assign as Record<string, unknown> | undefined;
      const output = state.Output as Record<string, unknown> | undefined;
      const entry = assign ? Object.entries(assign).find(([, v]) => typeof v === 'string') : undefined;
      steps.push({
        ...(entry ? { assign: { name: entry[0], expr: jsonata(inner(String(entry[1]))) } } : {}),
        ...(typeof output?.n === 'string' ? { output: jsonata(inner(output.n)) } : {}),
      });
    } else if (state.Type === 'Choice') {
      const [rule] = state.Choices as { Condition: string; Assign: Record<string, string> }[];
      const [name, value] = Object.entries(rule?.Assign ?? {})[0] ?? ['', ''];
      steps.push({
        condition: jsonata(inner(rule?.Condition ?? '')),
        ...(name ? { assign: { name, expr: jsonata(inner(value)) } } : {}),
      });
    }
  }
  return steps;
}

async function directPath(steps: readonly PathStep[]): Promise<number> {
  const start = performance.now();
  let input: { n: number } = { n: 0 };
  const variables: Record<string, unknown> = { count: 0 };
  for (const step of steps) {
    const bindings = { ...variables, states: { input } };
    if (step.condition) {
      if (await step.condition.evaluate(undefined, bindings)) {
        if (step.assign) variables[step.assign.name] = await step.assign.expr.evaluate(undefined, bindings);
      }
      continue;
    }
    const assigned = step.assign ? await step.assign.expr.evaluate(undefined, bindings) : undefined;
    if (step.output) input = { n: (await step.output.evaluate(undefined, bindings)) as number };
    if (step.assign) variables[step.assign.name] = assigned;
  }
  return performance.now() - start;
}

async function directMap(items: number[]): Promise<number> {
  const v = jsonata('$states.context.Map.Item.Value * 2');
  const i = jsonata('$states.context.Map.Item.Index');
  const sum = jsonata('$sum($states.input.Items.v)');
  const total = jsonata('$sum($states.result)');
  const start = performance.now();
  const selected: unknown[] = [];
  for (const [index, value] of items.entries()) {
    const states = { input: { items }, context: { Map: { Item: { Index: index, Value: value } } } };
    selected.push({ v: await v.evaluate(undefined, { states }), i: await i.evaluate(undefined, { states }) });
  }
  const sums: unknown[] = [];
  for (let b = 0; b < selected.length; b += BATCH) {
    sums.push(await sum.evaluate(undefined, { states: { input: { Items: selected.slice(b, b + BATCH) } } }));
  }
  await total.evaluate(undefined, { states: { result: sums } });
  return performance.now() - start;
}

/** A clean heap before every timed run, on both sides, so garbage from one run does not bill the next. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** engine / direct per round, for one language's path and map workloads. */
interface Rounds {
  readonly engine: number[];
  readonly direct: number[];
  readonly ratios: number[];
  readonly path: number[];
  readonly map: number[];
}

const rounds = (): Rounds => ({ engine: [], direct: [], ratios: [], path: [], map: [] });

function record(into: Rounds, ep: number, dp: number, em: number, dm: number): void {
  into.engine.push(ep + em);
  into.direct.push(dp + dm);
  into.ratios.push((ep + em) / (dp + dm));
  into.path.push(ep / dp);
  into.map.push(em / dm);
}

/** The bare JSONPath evaluation must compute what the engine computed, or the ratio means nothing. */
function sameOutput(what: string, engine: unknown, direct: unknown): void {
  if (JSON.stringify(engine) !== JSON.stringify(direct)) {
    throw new BenchmarkFailed(
      `${what}: the engine's output ${JSON.stringify(engine)} differs from the baseline's ${JSON.stringify(direct)}`,
    );
  }
}

async function main(): Promise<void> {
  const items = Array.from({ length: MAP_ITEMS }, (_, k) => k);
  const path = pathDefinition();
  const map = mapDefinition();
  const pathSteps = compilePath(path);
  const jpPath = jsonPathPathDefinition();
  const jpMap = jsonPathMapDefinition();
  const jpStates = compileJsonPath(jpPath);
  const jpMapStates = compileJsonPathMap(jpMap);
  const jpPathScope = bareScope();
  const jpMapScope = bareScope();
  // Warm up both sides so the JIT has seen the code; check the JSONPath baseline's outputs.
  await engineRun(path, {});
  await directPath(pathSteps);
  await engineRun(map, { items });
  await directMap(items);
  const jpPathEngine = await engineRunWithOutput(jpPath, {});
  sameOutput('JSONPath path', jpPathEngine.output, directJsonPathPath(jpStates, jpPathScope).output);
  const jpMapEngine = await engineRunWithOutput(jpMap, { items });
  sameOutput('JSONPath map', jpMapEngine.output, directJsonPathMap(jpMapStates, items, jpMapScope).output);

  const jsonata = rounds();
  const jsonpath = rounds();
  for (let r = 0; r < ROUNDS; r++) {
    collect();
    const ep = await engineRun(path, {});
    collect();
    const dp = await directPath(pathSteps);
    collect();
    const em = await engineRun(map, { items });
    collect();
    const dm = await directMap(items);
    record(jsonata, ep, dp, em, dm);
    process.stdout.write(
      `round ${r + 1}: path engine ${ep.toFixed(1)} ms / jsonata ${dp.toFixed(1)} ms; map engine ${em.toFixed(1)} ms / jsonata ${dm.toFixed(1)} ms\n`,
    );
  }
  for (let r = 0; r < ROUNDS; r++) {
    collect();
    const jep = await engineRun(jpPath, {});
    collect();
    const jdp = directJsonPathPath(jpStates, jpPathScope).ms;
    collect();
    const jem = await engineRun(jpMap, { items });
    collect();
    const jdm = directJsonPathMap(jpMapStates, items, jpMapScope).ms;
    record(jsonpath, jep, jdp, jem, jdm);
    process.stdout.write(
      `round ${r + 1}: jsonpath path engine ${jep.toFixed(1)} ms / direct ${jdp.toFixed(1)} ms; map engine ${jem.toFixed(1)} ms / direct ${jdm.toFixed(1)} ms\n`,
    );
  }
  process.stdout.write(
    `path_ratio=${median(jsonata.path).toFixed(3)} map_ratio=${median(jsonata.map).toFixed(3)}\n` +
      `jsonpath_path_ratio=${median(jsonpath.path).toFixed(3)} jsonpath_map_ratio=${median(jsonpath.map).toFixed(3)}\n` +
      `median: engine ${median(jsonata.engine).toFixed(1)} ms, direct jsonata ${median(jsonata.direct).toFixed(1)} ms\n` +
      `median (JSONPath): engine ${median(jsonpath.engine).toFixed(1)} ms, direct ${median(jsonpath.direct).toFixed(1)} ms\n`,
  );
  process.stdout.write(`engine_overhead_ratio_jsonpath=${median(jsonpath.ratios).toFixed(3)}\n`);
  process.stdout.write(`engine_overhead_ratio=${median(jsonata.ratios).toFixed(3)}\n`);
}

await main();
