/**
 * What the execution model reads of the machine's definition (raw ASL JSON, as
 * DescribeStateMachine returns it): each graph's states, which Parallel branch starts with a
 * state, a Fail state's literal Error/Cause, a Map's tolerated-failure settings and items, and
 * where a callback task put its token.
 */
import { looksSecret } from '../mask.ts';

export type RawState = Readonly<Record<string, unknown>>;
/** One graph's states by name: the top level, a Map's processor or a Parallel branch. */
export type Graph = Readonly<Record<string, RawState>>;

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function statesOf(graph: unknown): Graph | undefined {
  return record(record(graph)?.States) as Graph | undefined;
}

/** A state by name, anywhere in the machine (state names are unique across all its graphs). */
export function stateNamed(definition: unknown, name: string): RawState | undefined {
  const states = statesOf(definition);
  if (!states) return undefined;
  if (Object.hasOwn(states, name)) return states[name];
  for (const state of Object.values(states)) {
    const branches = Array.isArray(state.Branches) ? state.Branches : [];
    for (const inner of [state.ItemProcessor, state.Iterator, ...branches]) {
      const found = stateNamed(inner, name);
      if (found) return found;
    }
  }
  return undefined;
}

export function topGraph(definition: unknown): Graph | undefined {
  return statesOf(definition);
}

/** A Map's item processor (ItemProcessor, or the legacy Iterator). */
export function processorGraph(map: RawState | undefined): Graph | undefined {
  return statesOf(map?.ItemProcessor ?? map?.Iterator);
}

/** The index of the Parallel branch holding `stateName`, or -1. */
export function branchIndexOf(parallel: RawState | undefined, stateName: string): number {
  const branches = parallel?.Branches;
  if (!Array.isArray(branches)) return -1;
  return branches.findIndex((b) => statesOf(b)?.[stateName] !== undefined);
}

export function branchGraph(parallel: RawState | undefined, index: number): Graph | undefined {
  const branches = parallel?.Branches;
  return Array.isArray(branches) ? statesOf(branches[index]) : undefined;
}

const isLiteral = (v: unknown): v is string => typeof v === 'string' && !v.startsWith('{%');

/** A Fail state's Error and Cause when they are literals (not expressions, not *Path). */
export function failLiterals(state: RawState | undefined): { error?: string; cause?: string } {
  const out: { error?: string; cause?: string } = {};
  if (isLiteral(state?.Error)) out.error = state.Error;
  if (isLiteral(state?.Cause)) out.cause = state.Cause;
  return out;
}

/** True when a Map sets a tolerated-failure threshold (then it fails with ExceedToleratedFailureThreshold). */
export function hasToleratedThreshold(map: RawState | undefined): boolean {
  return (
    map !== undefined &&
    [
      'ToleratedFailureCount',
      'ToleratedFailurePercentage',
      'ToleratedFailureCountPath',
      'ToleratedFailurePercentagePath',
    ].some((k) => map[k] !== undefined)
  );
}

/** `$.a.b` (dotted names only); undefined for anything else. */
function simplePath(value: unknown, path: unknown): { ok: boolean; value?: unknown } {
  if (path === undefined || path === '$') return { ok: true, value };
  if (typeof path !== 'string' || !/^\$(\.[A-Za-z_][\w-]*)+$/.test(path)) return { ok: false };
  let current = value;
  for (const key of path.slice(2).split('.')) current = record(current)?.[key];
  return { ok: true, value: current };
}

/**
 * The items a Map iterated, when the history and the definition alone tell: its input (after a
 * simple InputPath/ItemsPath), not a JSONata `Items` expression, nor an ItemReader.
 */
export function mapItems(map: RawState | undefined, input: unknown): readonly unknown[] | undefined {
  if (!map || map.Items !== undefined || map.ItemReader !== undefined) return undefined;
  const afterInput = simplePath(input, map.InputPath);
  if (!afterInput.ok) return undefined;
  const items = simplePath(afterInput.value, map.ItemsPath);
  return items.ok && Array.isArray(items.value) ? items.value : undefined;
}

/** True when each iteration's first input is the item itself (no ItemSelector or Parameters). */
export function itemIsInput(map: RawState | undefined): boolean {
  return map !== undefined && map.ItemSelector === undefined && map.Parameters === undefined;
}

const TOKEN_EXPRESSION = /^\{%\s*\$states\.context\.Task\.Token\s*%\}$/;

/**
 * The task token a callback task passed to its resource: the value in `parameters` at the place
 * where the definition's Arguments (`{% $states.context.Task.Token %}`) or Parameters
 * (`"x.$": "$$.Task.Token"`) put it; else (an expression building the whole Arguments) the one
 * token-shaped string among them. The history holds the token nowhere else.
 */
export function tokenIn(template: unknown, parameters: unknown): string | undefined {
  return placedToken(template, parameters) ?? onlyTokenShaped(parameters);
}

function onlyTokenShaped(parameters: unknown): string | undefined {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && looksSecret(value)) found.push(value);
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) walk(item);
  };
  walk(parameters);
  return found.length === 1 ? found[0] : undefined;
}

function placedToken(template: unknown, parameters: unknown): string | undefined {
  if (typeof template === 'string') {
    return TOKEN_EXPRESSION.test(template) && typeof parameters === 'string' ? parameters : undefined;
  }
  if (Array.isArray(template)) {
    if (!Array.isArray(parameters)) return undefined;
    for (const [i, item] of template.entries()) {
      const found = placedToken(item, parameters[i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const t = record(template);
  const p = record(parameters);
  if (!t || !p) return undefined;
  for (const [key, value] of Object.entries(t)) {
    if (key.endsWith('.$') && value === '$$.Task.Token') {
      const token = p[key.slice(0, -2)];
      if (typeof token === 'string') return token;
    }
    const found = placedToken(value, p[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}
