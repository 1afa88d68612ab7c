/**
 * An ASL definition read as a graph: states, the scopes that hold them (the top level, a Map's
 * item processor, each branch of a Parallel) and the transitions between them. It reads only
 * what the drawing needs and never fails: a transition to a state that does not exist is left
 * out, an unknown `Type` is drawn as it is written.
 */

export type EdgeKind = 'next' | 'choice' | 'default' | 'catch' | 'end';

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly kind: EdgeKind;
  /** Plain text (from the definition: escape it). */
  readonly label?: string;
}

export interface GraphState {
  /** The layout's id (`s0`, `s1`...): never anything from the definition. */
  readonly id: string;
  /** The marks' key: `Name`, `Map/Inner`, `Parallel/0/Inner`. */
  readonly path: string;
  readonly name: string;
  readonly type: string;
  /** A Map: its item processor; a Parallel: one per branch; otherwise none. */
  readonly scopes: readonly GraphScope[];
}

export interface GraphScope {
  readonly id: string;
  /** `Branch 1`... for a Parallel's branches. */
  readonly label?: string;
  readonly top: boolean;
  readonly startId: string;
  readonly endId: string;
  readonly states: readonly GraphState[];
  readonly edges: readonly GraphEdge[];
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Counters for the ids of one definition (no state outside one call). */
interface Ids {
  next(prefix: string): string;
}

function counter(): Ids {
  let n = 0;
  return { next: (prefix) => `${prefix}${n++}` };
}

/** The top-level scope of a definition; a value that is no definition gives an empty scope. */
export function readDefinition(definition: unknown): GraphScope {
  return readScope(isRecord(definition) ? definition : {}, '', undefined, true, counter());
}

function readScope(
  machine: Json,
  prefix: string,
  label: string | undefined,
  top: boolean,
  ids: Ids,
): GraphScope {
  const scopeId = ids.next('c');
  const startId = ids.next('t');
  const endId = ids.next('t');
  const rawStates = isRecord(machine.States) ? machine.States : {};
  const byName = new Map<string, string>();
  const entries = Object.entries(rawStates);
  const states: GraphState[] = entries.map(([name, raw]) => {
    const id = ids.next('s');
    byName.set(name, id);
    const state = isRecord(raw) ? raw : {};
    const type = typeof state.Type === 'string' ? state.Type : 'Unknown';
    const path = `${prefix}${name}`;
    return { id, path, name, type, scopes: childScopes(state, type, path, ids) };
  });
  const edges: GraphEdge[] = [];
  const add = (source: string, targetName: unknown, kind: EdgeKind, edgeLabel?: string) => {
    const target = typeof targetName === 'string' ? byName.get(targetName) : undefined;
    if (target) edges.push({ id: ids.next('e'), source, target, kind, label: edgeLabel });
  };
  if (typeof machine.StartAt === 'string') add(startId, machine.StartAt, 'next');
  entries.forEach(([, raw], index) => {
    const state = isRecord(raw) ? raw : {};
    const id = states[index]?.id ?? '';
    add(id, state.Next, 'next');
    if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail')
      edges.push({ id: ids.next('e'), source: id, target: endId, kind: 'end' });
    if (Array.isArray(state.Choices))
      state.Choices.forEach((rule: unknown, i) => {
        if (!isRecord(rule)) return;
        add(id, rule.Next, 'choice', typeof rule.Condition === 'string' ? rule.Condition : `Rule ${i + 1}`);
      });
    add(id, state.Default, 'default', 'Default');
    if (Array.isArray(state.Catch))
      for (const catcher of state.Catch) {
        if (!isRecord(catcher)) continue;
        const errors = Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.map(String) : [];
        add(id, catcher.Next, 'catch', errors.join(', ') || 'Catch');
      }
  });
  return { id: scopeId, label, top, startId, endId, states, edges };
}

function childScopes(state: Json, type: string, path: string, ids: Ids): GraphScope[] {
  if (type === 'Map') {
    const processor = isRecord(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
    return isRecord(processor) ? [readScope(processor, `${path}/`, undefined, false, ids)] : [];
  }
  if (type === 'Parallel' && Array.isArray(state.Branches))
    return state.Branches.map((branch: unknown, i) =>
      readScope(isRecord(branch) ? branch : {}, `${path}/${i}/`, `Branch ${i + 1}`, false, ids),
    );
  return [];
}
