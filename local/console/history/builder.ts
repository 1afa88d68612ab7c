/**
 * Reads a history event by event into the execution model. Each event belongs to a thread: the
 * top level, a Map iteration or a Parallel branch (threads.ts). AWS links every event to the
 * previous one of its thread (previousEventId), except where a thread starts or ends:
 * - a branch's first StateEntered links to ParallelStateStarted, in the Parallel's thread;
 * - MapIterationStarted links to MapStateStarted or to the last event of an earlier iteration;
 * - Map/Parallel events after their children (Succeeded, Failed, Exited, a retry's Started) link
 *   to the last event of a child;
 * - EvaluationFailed links to the event before its state's StateEntered.
 * So each event starts from its previous event's thread and, in those cases, walks up to the
 * Map/Parallel run it names or belongs to. This module dispatches the events and records the
 * runs; attempts and their events, threads and the context object have modules of their own.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionFacts, ExecutionModel, ScopeStep, StateRun } from '../history.ts';
import { evaluationFailed, ownerEvent, taskEvent } from './attempt-events.ts';
import { close, closeUnfinished, endThread, RETRYABLE } from './attempts.ts';
import { executionContext, machineContext, redrivenContext, runContext } from './context.ts';
import { topGraph } from './definition.ts';
import { detailsOf, END_STATUS, failureOf, parse } from './events.ts';
import {
  branchThread,
  findUp,
  iterationOf,
  iterationThread,
  type Open,
  openRun,
  rootThread,
  type Thread,
} from './threads.ts';

/** The model without its cost, which buildExecutionModel adds. */
export type BuiltModel = Omit<ExecutionModel, 'costUsd'>;

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
    this.root = rootThread(topGraph(definition));
    this.machine = machineContext(facts.stateMachineArn);
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
        this.execution = redrivenContext(this.execution);
        return this.root;
      case 'MapIterationStarted': {
        const d = event.mapIterationStartedEventDetails;
        return iterationThread(prev, d?.name, d?.index ?? 0) ?? prev;
      }
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
      case 'MapIterationAborted':
        return this.iterationEnded(event, type, prev);
      case 'EvaluationFailed':
        return evaluationFailed(event, at, prev, this.timeBefore(event));
    }
    if (type.endsWith('StateEntered')) return this.entered(event, type, at, prev);
    if (type.endsWith('StateExited')) return this.exited(event, at, prev);
    if (type.startsWith('Map') || type.startsWith('Parallel')) {
      return ownerEvent(event, type, at, prev, this.timeBefore(event), this.model.stopDate);
    }
    const open = prev.current;
    if (open && !open.ended) taskEvent(open, event, type, at);
    return prev;
  }

  /** The time of the event's previous event, if it has one. */
  private timeBefore(event: HistoryEvent): Date | undefined {
    return event.previousEventId !== undefined ? this.timeOf[event.previousEventId] : undefined;
  }

  private started(event: HistoryEvent, at: Date): void {
    const d = event.executionStartedEventDetails;
    const input = parse(d?.input);
    this.model.startDate = at;
    if (input !== undefined) this.model.input = input;
    this.execution = executionContext(this.facts, at, input, d?.roleArn);
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
      close(failing, 'failed', m.stopDate);
    }
  }

  private entered(event: HistoryEvent, type: string, at: Date, prev: Thread): Thread {
    const d = event.stateEnteredEventDetails;
    const name = d?.name ?? '';
    const id = event.id ?? 0;
    let thread = event.previousEventId ? prev : this.root;
    const current = thread.current;
    if (current && !current.ended && current.run.type === 'Parallel' && current.phase === 'started') {
      thread = branchThread(current, name);
    }
    const input = parse(d?.input);
    if (thread.itemFromInput && thread.item && thread.child?.runs.length === 0) {
      thread.item.Value = input;
      thread.itemFromInput = false;
    }
    const stateType = type.slice(0, -'StateEntered'.length);
    const { context, state } = runContext(this.execution, this.machine, name, stateType, at, thread.item);
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
    this.opens.push(openRun(run, thread, state));
    this.record(run, thread);
    return thread;
  }

  /** A run entered: in the model's lists, its path's, and its iteration's or branch's. */
  private record(run: StateRun, thread: Thread): void {
    this.model.runs.push(run);
    this.model.transitions++;
    const same = this.model.byPath.get(run.path);
    if (same) same.push(run);
    else this.model.byPath.set(run.path, [run]);
    if (thread.child) thread.child.runs.push(run);
    else if (thread === this.root) this.model.top.push(run);
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
    close(open, open.pending ? 'caught' : 'succeeded', this.model.stopDate);
    return thread;
  }

  private iterationEnded(event: HistoryEvent, type: string, prev: Thread): Thread {
    const d = detailsOf(event, type);
    const thread = iterationOf(prev, d.name, d.index);
    if (!thread) return prev;
    const status =
      type === 'MapIterationSucceeded' ? 'succeeded' : type === 'MapIterationFailed' ? 'failed' : 'aborted';
    endThread(thread, status, this.model.stopDate);
    return thread;
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
        closeUnfinished(open, m.stopDate);
      }
    }
    for (const run of m.runs) {
      run.children?.sort((a, b) => a.attempt - b.attempt || a.index - b.index);
    }
    return m;
  }
}
