/**
 * Reads a history event by event into the execution model. Each event belongs to a thread: the
 * top level, a Map iteration or a Parallel branch. AWS links every event to the previous one of
 * its thread (previousEventId), except where a thread starts or ends:
 * - a branch's first StateEntered links to ParallelStateStarted, in the Parallel's thread;
 * - MapIterationStarted links to MapStateStarted or to the last event of an earlier iteration;
 * - Map/Parallel events after their children (Succeeded, Failed, Exited, a retry's Started) link
 *   to the last event of a child;
 * - EvaluationFailed links to the event before its state's StateEntered.
 * So each event starts from its previous event's thread and, in those cases, walks up to the
 * Map/Parallel run it names or belongs to.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { Attempt, ChildRun, ExecutionFacts, ExecutionStatus, ScopeStep, StateRun } from '../history.ts';
import {
  branchGraph,
  branchIndexOf,
  failLiterals,
  type Graph,
  hasToleratedThreshold,
  itemIsInput,
  mapItems,
  processorGraph,
  type RawState,
  tokenIn,
  topGraph,
} from './definition.ts';

interface Failure {
  error?: string;
  cause?: string;
}

/** A thread of states: the top level, a Map iteration or a Parallel branch. */
interface Thread {
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
interface Open {
  readonly run: StateRun;
  readonly thread: Thread;
  readonly def: RawState | undefined;
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

const TASK_FAILED = new Set([
  'TaskFailed',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'ActivityFailed',
  'ActivityScheduleFailed',
]);
const TASK_TIMED_OUT = new Set(['TaskTimedOut', 'LambdaFunctionTimedOut', 'ActivityTimedOut']);
const TASK_SUCCEEDED = new Set(['TaskSucceeded', 'LambdaFunctionSucceeded', 'ActivitySucceeded']);
const END_STATUS: Readonly<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};
const RETRYABLE = new Set(['Task', 'Map', 'Parallel']);
/** Fields evaluated after an attempt succeeded or in a catcher: their failure is not an attempt. */
const SETTLE_FIELD = /^(Output|Assign)\b/;

function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // truncated or not JSON: show the text itself
  }
}

/** An event's `...EventDetails` member (e.g. TaskFailed → taskFailedEventDetails). */
function detailsOf(event: HistoryEvent, type: string): Record<string, unknown> {
  const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
  return ((event as unknown as Record<string, unknown>)[key] as Record<string, unknown> | undefined) ?? {};
}

function failureOf(d: Record<string, unknown>): Failure {
  const f: Failure = {};
  if (typeof d.error === 'string') f.error = d.error;
  if (typeof d.cause === 'string') f.cause = d.cause;
  return f;
}

const joinKey = (outer: string, inner: string): string => (outer ? `${outer}/${inner}` : inner);

export interface BuiltModel {
  runs: StateRun[];
  byPath: Map<string, StateRun[]>;
  top: StateRun[];
  transitions: number;
  status: ExecutionStatus;
  startDate?: Date;
  stopDate?: Date;
  input?: unknown;
  output?: unknown;
  error?: string;
  cause?: string;
  waiting: StateRun[];
}

export class ModelBuilder {
  private readonly model: BuiltModel = {
    runs: [],
    byPath: new Map(),
    top: [],
    transitions: 0,
    status: 'RUNNING',
    waiting: [],
  };
  private readonly opens: Open[] = [];
  private readonly root: Thread;
  /** Each event's thread and time, by event id (AWS numbers events 1, 2, 3...). */
  private readonly threadOf: Thread[] = [];
  private readonly timeOf: Date[] = [];
  private execution: Record<string, unknown> = {};
  private readonly machine: Record<string, unknown>;

  constructor(
    definition: unknown,
    private readonly facts: ExecutionFacts,
  ) {
    this.root = {
      key: '',
      prefix: '',
      parent: undefined,
      scopes: [],
      graph: topGraph(definition),
      vars: {},
      current: undefined,
      ended: false,
    };
    const arn = facts.stateMachineArn;
    // arn:aws:states:<region>:<account>:stateMachine:<name>[:<version or alias>]
    this.machine = { Id: arn, Name: arn?.split(':')[6] };
  }

  add(event: HistoryEvent): void {
    const id = event.id ?? 0;
    const type = event.type ?? '';
    const at = event.timestamp ?? new Date(0);
    const prev = this.threadOf[event.previousEventId ?? 0] ?? this.root;
    this.timeOf[id] = at;
    this.threadOf[id] = this.read(event, type, at, prev);
  }

  /** Reads one event; answers its thread. */
  private read(event: HistoryEvent, type: string, at: Date, prev: Thread): Thread {
    switch (type) {
      case 'ExecutionStarted':
        this.started(event, at);
        return this.root;
      case 'ExecutionSucceeded':
      case 'ExecutionFailed':
      case 'ExecutionTimedOut':
      case 'ExecutionAborted':
        this.ended(event, type, at);
        return this.root;
      case 'ExecutionRedriven':
        this.model.status = 'RUNNING';
        delete this.model.stopDate;
        this.execution = { ...this.execution, RedriveCount: Number(this.execution.RedriveCount ?? 0) + 1 };
        return this.root;
      case 'MapIterationStarted':
        return this.iterationStarted(event, prev);
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
      case 'MapIterationAborted':
        return this.iterationEnded(event, type, prev);
      case 'EvaluationFailed':
        return this.evaluationFailed(event, at, prev);
    }
    if (type.endsWith('StateEntered')) return this.entered(event, type, at, prev);
    if (type.endsWith('StateExited')) return this.exited(event, at, prev);
    if (type.startsWith('Map') || type.startsWith('Parallel')) return this.ownerEvent(event, type, at, prev);
    const open = prev.current;
    if (open && !open.ended) this.taskEvent(open, event, type, at);
    return prev;
  }

  private started(event: HistoryEvent, at: Date): void {
    const d = event.executionStartedEventDetails;
    const input = parse(d?.input);
    const arn = this.facts.executionArn;
    this.model.startDate = at;
    if (input !== undefined) this.model.input = input;
    // The same members, in the same order, as the engine's context object (states-binding.ts).
    this.execution = {
      Id: arn,
      Input: input,
      StartTime: (this.facts.startDate ?? at).toISOString(),
      Name: this.facts.name ?? arn?.split(':')[7],
      RoleArn: d?.roleArn,
      RedriveCount: this.facts.redriveCount ?? 0,
    };
  }

  private ended(event: HistoryEvent, type: string, at: Date): void {
    const m = this.model;
    m.status = END_STATUS[type] ?? 'ABORTED';
    m.stopDate = at;
    const d = detailsOf(event, type);
    const f = failureOf(d);
    if (f.error !== undefined) m.error = f.error;
    if (f.cause !== undefined) m.cause = f.cause;
    if (typeof d.output === 'string') m.output = parse(d.output);
    const failing = this.root.current;
    // The state that failed the execution failed with the execution's error.
    if (m.status === 'FAILED' && failing && !failing.ended) {
      failing.pending = f;
      this.close(failing, 'failed');
    }
  }

  private entered(event: HistoryEvent, type: string, at: Date, prev: Thread): Thread {
    const d = event.stateEnteredEventDetails;
    const name = d?.name ?? '';
    const id = event.id ?? 0;
    let thread = event.previousEventId ? prev : this.root;
    const current = thread.current;
    if (current && !current.ended && current.run.type === 'Parallel' && current.phase === 'started') {
      thread = this.branch(current, name);
    }
    const input = parse(d?.input);
    if (thread.itemFromInput && thread.item && thread.child?.runs.length === 0) {
      thread.item.Value = input;
      thread.itemFromInput = false;
    }
    const stateType = type.slice(0, -'StateEntered'.length);
    const state: Record<string, unknown> = { Name: name, EnteredTime: at.toISOString(), RetryCount: 0 };
    const context: Record<string, unknown> = {
      Execution: this.execution,
      StateMachine: this.machine,
      State: state,
    };
    if (thread.item) context.Map = { Item: thread.item };
    const run: StateRun = {
      id: String(id),
      name,
      type: stateType,
      path: thread.prefix + name,
      scopes: thread.scopes,
      scope: thread.key,
      enteredEventId: id,
      enteredAt: at,
      status: 'running',
      attempts: [],
      variablesBefore: thread.vars,
      variablesAfter: thread.vars,
      context,
    };
    for (let i = thread.scopes.length - 1; i >= 0; i--) {
      const s = thread.scopes[i] as ScopeStep;
      if (s.kind === 'iteration') run.iteration ??= { map: s.state, index: s.index };
      else run.branch ??= { parallel: s.state, index: s.index };
    }
    if (input !== undefined) run.input = input;
    if (stateType === 'Map' || stateType === 'Parallel') run.children = [];
    const open: Open = {
      run,
      thread,
      def: thread.graph?.[name],
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
    this.opens.push(open);
    this.model.runs.push(run);
    this.model.transitions++;
    const same = this.model.byPath.get(run.path);
    if (same) same.push(run);
    else this.model.byPath.set(run.path, [run]);
    if (thread.child) thread.child.runs.push(run);
    else if (thread === this.root) this.model.top.push(run);
    return thread;
  }

  private exited(event: HistoryEvent, at: Date, prev: Thread): Thread {
    const d = event.stateExitedEventDetails;
    const open = findUp(prev, (o) => o.run.name === d?.name);
    if (!open) return prev;
    const { run, thread } = open;
    run.exitedEventId = event.id ?? 0;
    run.exitedAt = at;
    const output = parse(d?.output);
    if (output !== undefined) run.output = output;
    if (d?.assignedVariables) {
      const assigned: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(d.assignedVariables)) assigned[k] = parse(v);
      run.assigned = assigned;
      thread.vars = { ...thread.vars, ...assigned };
    }
    run.variablesAfter = thread.vars;
    this.close(open, open.pending ? 'caught' : 'succeeded');
    return thread;
  }

  /** A Parallel branch's first state: the branch whose States hold it. */
  private branch(parallel: Open, name: string): Thread {
    let index = branchIndexOf(parallel.def, name);
    if (index < 0) index = parallel.childThreads.length;
    const outer = parallel.thread;
    const child: ChildRun = {
      kind: 'branch',
      index,
      attempt: parallel.attemptCount,
      status: 'running',
      runs: [],
    };
    parallel.run.children?.push(child);
    const thread: Thread = {
      key: joinKey(outer.key, `${parallel.run.name}#${index}`),
      prefix: `${outer.prefix}${parallel.run.name}/${index}/`,
      parent: outer,
      scopes: [...outer.scopes, { kind: 'branch', state: parallel.run.name, index }],
      graph: branchGraph(parallel.def, index),
      // A branch reads the outer variables as they were when the Parallel was entered.
      vars: outer.vars,
      current: undefined,
      ended: false,
      child,
      owner: parallel,
      ...(outer.item ? { item: outer.item } : {}),
    };
    parallel.childThreads.push(thread);
    return thread;
  }

  private iterationStarted(event: HistoryEvent, prev: Thread): Thread {
    const d = event.mapIterationStartedEventDetails;
    const index = d?.index ?? 0;
    const map = findUp(prev, (o) => o.run.type === 'Map' && o.run.name === d?.name && !o.gaveUp);
    if (!map) return prev;
    const outer = map.thread;
    const child: ChildRun = {
      kind: 'iteration',
      index,
      attempt: map.attemptCount,
      status: 'running',
      runs: [],
    };
    map.run.children?.push(child);
    const items = mapItems(map.def, map.run.input);
    const item: Record<string, unknown> = { Index: index };
    if (items) item.Value = items[index];
    const thread: Thread = {
      key: joinKey(outer.key, `${map.run.name}#${index}`),
      prefix: `${outer.prefix}${map.run.name}/`,
      parent: outer,
      scopes: [...outer.scopes, { kind: 'iteration', state: map.run.name, index }],
      graph: processorGraph(map.def),
      // An iteration reads the outer variables as they were when the Map was entered.
      vars: outer.vars,
      current: undefined,
      ended: false,
      child,
      owner: map,
      item,
      itemFromInput: !items && itemIsInput(map.def),
    };
    map.childThreads.push(thread);
    return thread;
  }

  private iterationEnded(event: HistoryEvent, type: string, prev: Thread): Thread {
    const d = detailsOf(event, type);
    let thread: Thread | undefined = prev;
    while (
      thread &&
      !(
        thread.child?.kind === 'iteration' &&
        thread.owner?.run.name === d.name &&
        thread.child.index === d.index
      )
    ) {
      thread = thread.parent;
    }
    if (!thread) return prev;
    const status =
      type === 'MapIterationSucceeded' ? 'succeeded' : type === 'MapIterationFailed' ? 'failed' : 'aborted';
    this.endThread(thread, status);
    return thread;
  }

  /** Ends a child thread: its open state stops, its status is set, a failure reaches its owner. */
  private endThread(thread: Thread, status: ChildRun['status']): void {
    if (thread.ended) return;
    thread.ended = true;
    const last = thread.current;
    if (last && !last.ended)
      this.close(last, last.pending || last.run.type === 'Fail' ? 'failed' : 'aborted');
    const child = thread.child;
    if (!child) return;
    child.status = status === 'succeeded' && last?.run.status === 'failed' ? 'failed' : status;
    const owner = thread.owner;
    if (child.status === 'failed' && owner && !owner.childFailure && last) {
      owner.childFailure = {
        ...(last.run.error !== undefined ? { error: last.run.error } : {}),
        ...(last.run.cause !== undefined ? { cause: last.run.cause } : {}),
      };
    }
  }

  /** Ends the children of a Map/Parallel attempt that no event ended (Parallel branches, stopped iterations). */
  private endChildren(open: Open, how: 'succeeded' | 'failed' | 'aborted'): void {
    for (const thread of open.childThreads) {
      if (thread.ended) continue;
      const last = thread.current;
      const done = last?.ended && (last.def?.End === true || last.run.type === 'Succeed');
      const failed = last && !last.ended && (last.pending || last.run.type === 'Fail');
      this.endThread(thread, how === 'succeeded' || done ? 'succeeded' : failed ? 'failed' : 'aborted');
    }
  }

  /** Map*, Parallel* and MapRun* events of the state's own thread. */
  private ownerEvent(event: HistoryEvent, type: string, at: Date, prev: Thread): Thread {
    const kind = type.startsWith('Map') ? 'Map' : 'Parallel';
    const open = findUp(prev, (o) => o.run.type === kind && !o.gaveUp);
    if (!open) return prev;
    const { run } = open;
    switch (type) {
      case 'MapStateStarted':
      case 'ParallelStateStarted':
        this.endChildren(open, 'failed');
        open.childThreads = [];
        this.startAttempt(open, at, event.previousEventId);
        break;
      case 'MapStateSucceeded':
      case 'ParallelStateSucceeded': {
        this.endChildren(open, 'succeeded');
        const children = [...open.childThreads].sort((a, b) => (a.child?.index ?? 0) - (b.child?.index ?? 0));
        run.result = children.map((t) => t.child?.runs.at(-1)?.output ?? null);
        this.endAttempt(open, at, 'succeeded', {});
        open.phase = 'succeeded';
        break;
      }
      case 'MapStateFailed':
      case 'ParallelStateFailed': {
        this.endChildren(open, 'failed');
        const threshold =
          kind === 'Map' && hasToleratedThreshold(open.def)
            ? {
                error: 'States.ExceedToleratedFailureThreshold',
                cause: 'The specified tolerated failure threshold was exceeded',
              }
            : undefined;
        const failure = open.pending ?? threshold ?? open.childFailure ?? {};
        this.endAttempt(open, at, 'failed', failure);
        open.pending = failure;
        open.gaveUp = true;
        break;
      }
      case 'MapStateAborted':
      case 'ParallelStateAborted':
        this.endChildren(open, 'aborted');
        this.endAttempt(open, at, 'aborted', {});
        open.aborted = true;
        break;
      case 'MapRunFailed':
        open.childFailure = failureOf(detailsOf(event, type));
        break;
    }
    return open.thread;
  }

  private evaluationFailed(event: HistoryEvent, at: Date, prev: Thread): Thread {
    const d = event.evaluationFailedEventDetails;
    const name = d?.state;
    const current = prev.current;
    let open: Open | undefined;
    if (current && !current.ended && current.run.name === name) open = current;
    else if (current && !current.ended && current.run.type === 'Parallel') {
      // A branch's first state: its EvaluationFailed links to ParallelStateStarted.
      open = current.childThreads.map((t) => t.current).find((o) => o && !o.ended && o.run.name === name);
    }
    open ??= findUp(prev, (o) => o.run.name === name);
    if (!open) return prev;
    const failure = failureOf({ error: d?.error, cause: d?.cause });
    const location = d?.location ?? /for the field '([^']*)'/.exec(d?.cause ?? '')?.[1] ?? '';
    if (RETRYABLE.has(open.run.type) && open.phase !== 'succeeded' && !SETTLE_FIELD.test(location)) {
      // Arguments, Items, TimeoutSeconds...: an attempt that failed before any call.
      this.startAttempt(open, at, event.previousEventId);
      this.endAttempt(open, at, 'failed', failure);
    }
    open.pending = failure;
    return open.thread;
  }

  private taskEvent(open: Open, event: HistoryEvent, type: string, at: Date): void {
    const { run } = open;
    switch (type) {
      case 'TaskScheduled': {
        const d = event.taskScheduledEventDetails;
        this.startAttempt(open, at, undefined, `${d?.resourceType}:${d?.resource}`);
        run.arguments = parse(d?.parameters);
        open.callback = d?.resource?.endsWith('.waitForTaskToken') ?? false;
        if (open.callback) {
          const token = tokenIn(open.def?.Arguments ?? open.def?.Parameters, run.arguments);
          if (token !== undefined) run.context.Task = { Token: token };
        }
        return;
      }
      case 'LambdaFunctionScheduled':
      case 'ActivityScheduled': {
        const d = event.lambdaFunctionScheduledEventDetails ?? event.activityScheduledEventDetails;
        this.startAttempt(open, at, undefined, d?.resource);
        run.arguments = parse(d?.input);
        open.callback = type === 'ActivityScheduled';
        return;
      }
    }
    if (TASK_SUCCEEDED.has(type)) {
      const output = parse(detailsOf(event, type).output as string | undefined);
      if (output !== undefined) run.result = output;
      this.endAttempt(open, at, 'succeeded', {});
      open.phase = 'succeeded';
    } else if (TASK_FAILED.has(type) || TASK_TIMED_OUT.has(type)) {
      const failure = failureOf(detailsOf(event, type));
      if (run.attempts.at(-1)?.outcome !== 'running') this.startAttempt(open, at, undefined); // *ScheduleFailed
      this.endAttempt(open, at, TASK_TIMED_OUT.has(type) ? 'timed-out' : 'failed', failure);
      open.pending = failure;
    } else if (type.endsWith('StateAborted')) {
      this.endAttempt(open, at, 'aborted', {});
      open.aborted = true;
    }
  }

  /** A new attempt (the first, or a retry): an unfinished earlier one failed. */
  private startAttempt(open: Open, at: Date, previousEventId: number | undefined, resource?: string): void {
    const before = previousEventId !== undefined ? this.timeOf[previousEventId] : undefined;
    this.endAttempt(open, before ?? at, 'failed', open.childFailure ?? {});
    open.attemptCount++;
    open.phase = 'started';
    open.pending = undefined;
    open.childFailure = undefined;
    const attempt: Attempt = { scheduledAt: at, outcome: 'running' };
    if (resource !== undefined) attempt.resource = resource;
    open.run.attempts.push(attempt);
    // Only a Task's context object counts retries (Map and Parallel show 0, as the engine does).
    if (open.run.type === 'Task') open.state.RetryCount = open.attemptCount - 1;
  }

  /** Ends the running attempt, if any. */
  private endAttempt(open: Open, at: Date, outcome: Attempt['outcome'], failure: Failure): void {
    const attempt = open.run.attempts.at(-1);
    if (attempt?.outcome !== 'running') return;
    attempt.outcome = outcome;
    attempt.endedAt = at;
    if (failure.error !== undefined) attempt.error = failure.error;
    if (failure.cause !== undefined) attempt.cause = failure.cause;
    if (outcome !== 'succeeded') open.phase = 'failed';
  }

  /** A run ends: exited (succeeded, caught), failed or stopped. */
  private close(open: Open, status: StateRun['status']): void {
    open.ended = true;
    const { run } = open;
    run.status = status;
    if (status === 'failed' || status === 'caught') {
      const failure = open.pending ?? (run.type === 'Fail' ? failLiterals(open.def) : {});
      if (failure.error !== undefined) run.error = failure.error;
      if (failure.cause !== undefined) run.cause = failure.cause;
    }
    if (status === 'aborted' || status === 'failed') {
      this.endAttempt(open, this.model.stopDate ?? run.enteredAt, 'aborted', {});
      for (const t of open.childThreads) this.endThread(t, 'aborted');
    }
  }

  finish(): BuiltModel {
    const m = this.model;
    const running = m.status === 'RUNNING';
    for (const open of this.opens) {
      if (RETRYABLE.has(open.run.type)) m.transitions += Math.max(0, open.attemptCount - 1);
      if (open.ended) continue;
      if (running) {
        const waiting = open.callback && open.run.attempts.at(-1)?.outcome === 'running';
        open.run.status = waiting ? 'waiting' : 'running';
        if (waiting) m.waiting.push(open.run);
      } else {
        this.close(open, open.pending || open.run.type === 'Fail' ? 'failed' : 'aborted');
      }
    }
    for (const run of m.runs) {
      run.children?.sort((a, b) => a.attempt - b.attempt || a.index - b.index);
    }
    return m;
  }
}

/** The nearest unfinished run, from this thread outwards, that `match`es. */
function findUp(thread: Thread, match: (open: Open) => boolean): Open | undefined {
  for (let t: Thread | undefined = thread; t; t = t.parent) {
    const open = t.current;
    if (open && !open.ended && match(open)) return open;
  }
  return undefined;
}
