/**
 * The threads of a history and the runs open in them. A thread is the top level, a Map iteration
 * or a Parallel branch; each holds the state run it is in (Open) and the variables it sees. An
 * iteration or branch is a child of its Map/Parallel run (its owner), in the owner's thread.
 * Events find their thread by walking outwards from their previous event's (see builder.ts).
 */
import type { ChildRun, ScopeStep, StateRun } from '../history.ts';
import {
  branchGraph,
  branchIndexOf,
  type Graph,
  itemIsInput,
  mapItems,
  processorGraph,
  type RawState,
} from './definition.ts';
import type { Failure } from './events.ts';

/** A thread of states: the top level, a Map iteration or a Parallel branch. */
export interface Thread {
  readonly key: string;
  /** What the path of a state in this thread starts with: '', `Map/`, `Par/1/`. */
  readonly prefix: string;
  readonly parent: Thread | undefined;
  readonly scopes: readonly ScopeStep[];
  readonly graph: Graph | undefined;
  vars: Readonly<Record<string, unknown>>;
  current: Open | undefined;
  ended: boolean;
  readonly child?: ChildRun;
  readonly owner?: Open;
  /** `$states.context.Map.Item` in this iteration (and the branches inside it). */
  readonly item?: Record<string, unknown>;
  /** The item is the first state's input (no ItemSelector), not known yet. */
  itemFromInput?: boolean;
}

/** A state run while it is being read. */
export interface Open {
  readonly run: StateRun;
  readonly thread: Thread;
  readonly def: RawState | undefined;
  /** `$states.context.State` of the run (RetryCount follows its attempts). */
  readonly state: Record<string, unknown>;
  ended: boolean;
  /** A Map/Parallel recorded *StateFailed: no retry left. */
  gaveUp: boolean;
  aborted: boolean;
  phase: 'none' | 'started' | 'failed' | 'succeeded';
  attemptCount: number;
  /** The failure of the latest attempt (or of Output/Assign), cleared by a retry. */
  pending: Failure | undefined;
  /** The first failure of a child in the current attempt (Map, Parallel). */
  childFailure: Failure | undefined;
  childThreads: Thread[];
  /** The current attempt waits on an outside answer (task token, activity worker). */
  callback: boolean;
}

const joinKey = (outer: string, inner: string): string => (outer ? `${outer}/${inner}` : inner);

/** The top level of an execution, whose states are the definition's `States`. */
export function rootThread(graph: Graph | undefined): Thread {
  return {
    key: '',
    prefix: '',
    parent: undefined,
    scopes: [],
    graph,
    vars: {},
    current: undefined,
    ended: false,
  };
}

/** A run newly opened in its thread, before any attempt. */
export function openRun(run: StateRun, thread: Thread, state: Record<string, unknown>): Open {
  const open: Open = {
    run,
    thread,
    def: thread.graph?.[run.name],
    state,
    ended: false,
    gaveUp: false,
    aborted: false,
    phase: 'none',
    attemptCount: 0,
    pending: undefined,
    childFailure: undefined,
    childThreads: [],
    callback: false,
  };
  thread.current = open;
  return open;
}

/** The nearest unfinished run, from this thread outwards, that `match`es. */
export function findUp(thread: Thread, match: (open: Open) => boolean): Open | undefined {
  for (let t: Thread | undefined = thread; t; t = t.parent) {
    const open = t.current;
    if (open && !open.ended && match(open)) return open;
  }
  return undefined;
}

/** A child of a Map/Parallel run's current attempt, in a thread of its own. */
function childThread(
  owner: Open,
  step: ScopeStep,
  prefix: string,
  graph: Graph | undefined,
  item: Pick<Thread, 'item' | 'itemFromInput'>,
): Thread {
  const outer = owner.thread;
  const child: ChildRun = {
    kind: step.kind,
    index: step.index,
    attempt: owner.attemptCount,
    status: 'running',
    runs: [],
  };
  owner.run.children?.push(child);
  const thread: Thread = {
    key: joinKey(outer.key, `${owner.run.name}#${step.index}`),
    prefix,
    parent: outer,
    scopes: [...outer.scopes, step],
    graph,
    // An iteration (branch) reads the outer variables as they were when the Map (Parallel) was entered.
    vars: outer.vars,
    current: undefined,
    ended: false,
    child,
    owner,
    ...item,
  };
  owner.childThreads.push(thread);
  return thread;
}

/** A Parallel branch's first state: the branch whose States hold it. */
export function branchThread(parallel: Open, name: string): Thread {
  let index = branchIndexOf(parallel.def, name);
  if (index < 0) index = parallel.childThreads.length;
  const { name: state } = parallel.run;
  return childThread(
    parallel,
    { kind: 'branch', state, index },
    `${parallel.thread.prefix}${state}/${index}/`,
    branchGraph(parallel.def, index),
    parallel.thread.item ? { item: parallel.thread.item } : {},
  );
}

/** MapIterationStarted: iteration `index` of the unfinished Map `name` seen from `prev`. */
export function iterationThread(prev: Thread, name: string | undefined, index: number): Thread | undefined {
  const map = findUp(prev, (o) => o.run.type === 'Map' && o.run.name === name && !o.gaveUp);
  if (!map) return undefined;
  const items = mapItems(map.def, map.run.input);
  const item: Record<string, unknown> = { Index: index };
  if (items) item.Value = items[index];
  const { name: state } = map.run;
  return childThread(
    map,
    { kind: 'iteration', state, index },
    `${map.thread.prefix}${state}/`,
    processorGraph(map.def),
    { item, itemFromInput: !items && itemIsInput(map.def) },
  );
}

/** The thread of iteration `index` of Map `name`, from `prev` outwards. */
export function iterationOf(prev: Thread, name: unknown, index: unknown): Thread | undefined {
  let thread: Thread | undefined = prev;
  while (
    thread &&
    !(thread.child?.kind === 'iteration' && thread.owner?.run.name === name && thread.child.index === index)
  ) {
    thread = thread.parent;
  }
  return thread;
}
