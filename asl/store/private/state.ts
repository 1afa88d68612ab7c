/**
 * The store's semantics, synchronous: state machines, executions and their histories in
 * memory (newest-first listing, page tokens, contiguous event ids). The MemoryStore wraps it
 * as is; the file store keeps one as its index, applies each mutation to it at once (so the
 * next call sees it) and resolves the call when the mutation's log line is on disk. Values go
 * in and out as copies; events are held as their JSON text, which is also what the file store
 * writes, so an event is serialised once.
 */
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../../runtime/history.ts';
import {
  EventSequenceError,
  ExecutionAlreadyExists,
  ExecutionNotFound,
  ExecutionStatusMismatch,
  InvalidPageSize,
  InvalidPageToken,
} from '../errors.ts';
import type {
  ExecutionFilter,
  ExecutionPage,
  ExecutionPatch,
  ExecutionRecord,
  HistoryPage,
  HistoryQuery,
  StateMachineRecord,
  UpdateCondition,
} from '../types.ts';

interface Slot {
  /** Creation order: orders executions that started in the same millisecond. */
  readonly seq: number;
  record: ExecutionRecord;
  /** Events not held here (the file store keeps them on disk): the first `dropped` ids. */
  dropped: number;
  /** The JSON text of each event held, in id order from `dropped` + 1. */
  events: string[];
}

export class StoreState {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, Slot>();

  putStateMachine(record: StateMachineRecord): void {
    this.machines.set(record.stateMachineArn, copy(record));
  }

  getStateMachine(stateMachineArn: string): StateMachineRecord | undefined {
    const record = this.machines.get(stateMachineArn);
    return record && copy(record);
  }

  listStateMachines(): StateMachineRecord[] {
    return [...this.machines.values()].map(copy);
  }

  deleteStateMachine(stateMachineArn: string): boolean {
    return this.machines.delete(stateMachineArn);
  }

  /** `stored`: events the execution already has, kept elsewhere (a reopened file store's). */
  createExecution(record: ExecutionRecord, stored = 0): void {
    if (this.executions.has(record.executionArn)) throw new ExecutionAlreadyExists(record.executionArn);
    const slot = { seq: this.executions.size, record: copy(record), dropped: stored, events: [] };
    this.executions.set(record.executionArn, slot);
  }

  updateExecution(
    executionArn: string,
    patch: ExecutionPatch,
    condition: UpdateCondition = {},
  ): ExecutionRecord {
    const slot = this.slot(executionArn);
    if (condition.ifStatus !== undefined && slot.record.status !== condition.ifStatus) {
      throw new ExecutionStatusMismatch(executionArn, condition.ifStatus, slot.record.status);
    }
    const next: Record<string, unknown> = { ...slot.record };
    for (const [key, value] of Object.entries(copy(patch))) {
      if (key === 'executionArn') continue; // the key of the record; the type already forbids it
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    slot.record = next as unknown as ExecutionRecord;
    return copy(slot.record);
  }

  getExecution(executionArn: string): ExecutionRecord | undefined {
    const slot = this.executions.get(executionArn);
    return slot && copy(slot.record);
  }

  /** The status, without copying the record; undefined if there is no such execution. */
  statusOf(executionArn: string): ExecutionRecord['status'] | undefined {
    return this.executions.get(executionArn)?.record.status;
  }

  listExecutions(filter: ExecutionFilter = {}): ExecutionPage {
    const limit = pageSize(filter.maxResults);
    const query = JSON.stringify([
      'executions',
      filter.stateMachineArn ?? null,
      filter.status ?? null,
      // Only when set, so a page token issued before redriveFilter existed stays valid.
      ...(filter.redriven !== undefined ? [filter.redriven] : []),
    ]);
    const matches = [...this.executions.values()]
      .filter(
        ({ record }) =>
          filter.stateMachineArn === undefined || record.stateMachineArn === filter.stateMachineArn,
      )
      .filter(({ record }) => filter.status === undefined || record.status === filter.status)
      .filter(({ record }) => filter.redriven === undefined || record.redriveCount > 0 === filter.redriven)
      .sort((a, b) => startTime(b) - startTime(a) || b.seq - a.seq);
    let start = 0;
    if (filter.nextToken !== undefined) {
      // The token holds the sort key of the last execution returned, not an index, so
      // executions started between two pages neither repeat nor shift what follows.
      const [time = 0, seq = 0] = readToken(filter.nextToken, query, 2);
      const after = matches.findIndex((s) => startTime(s) < time || (startTime(s) === time && s.seq < seq));
      start = after < 0 ? matches.length : after;
    }
    const page = matches.slice(start, start + limit);
    const last = page.at(-1);
    const more = last !== undefined && start + page.length < matches.length;
    return {
      executions: page.map((s) => copy(s.record)),
      ...(more ? { nextToken: writeToken(query, [startTime(last), last.seq]) } : {}),
    };
  }

  /** Number of events in an execution's history, held or not. */
  historyLength(executionArn: string): number {
    const slot = this.slot(executionArn);
    return slot.dropped + slot.events.length;
  }

  /** Number of the first events not held here. */
  dropped(executionArn: string): number {
    return this.slot(executionArn).dropped;
  }

  /** Throws what appendEvents would throw, changing nothing. */
  checkAppend(executionArn: string, events: readonly HistoryEvent[]): void {
    const base = this.historyLength(executionArn);
    events.forEach((event, i) => {
      if (event.id !== base + i + 1) throw new EventSequenceError(executionArn, base + i + 1, event.id);
    });
  }

  /** Appends the events; answers their JSON text. */
  appendEvents(executionArn: string, events: readonly HistoryEvent[]): string[] {
    this.checkAppend(executionArn, events);
    const texts = events.map((event) => JSON.stringify(event));
    this.slot(executionArn).events.push(...texts);
    return texts;
  }

  /** The JSON text of the events after the first `from` (all held): what a checkpoint writes out. */
  eventsFrom(executionArn: string, from: number): string[] {
    const slot = this.slot(executionArn);
    return slot.events.slice(from - slot.dropped);
  }

  /** Stops holding the first `count` events (no more than it holds); the file store has them on disk. */
  dropEvents(executionArn: string, count: number): void {
    const slot = this.slot(executionArn);
    slot.events = slot.events.slice(count - slot.dropped);
    slot.dropped = count;
  }

  /** Holds again the events dropped: `events` are (at least) the first ones. */
  restoreEvents(executionArn: string, events: readonly string[]): void {
    const slot = this.slot(executionArn);
    slot.events = [...events.slice(0, slot.dropped), ...slot.events];
    slot.dropped = 0;
  }

  /** `dropped` must be 0: the file store restores the events first. */
  getHistory(executionArn: string, query: HistoryQuery = {}): HistoryPage {
    const { events } = this.slot(executionArn);
    const limit = pageSize(query.maxResults);
    const reverse = query.reverseOrder === true;
    const binding = JSON.stringify(['history', executionArn, reverse]);
    // `next` is the id of the first event of the page; ids are 1..length, so it is also an offset.
    let next = reverse ? events.length : 1;
    if (query.nextToken !== undefined) {
      [next = 0] = readToken(query.nextToken, binding, 1);
      if (next < 1 || next > events.length)
        throw new InvalidPageToken(query.nextToken, 'it points past the history');
    }
    const page = reverse
      ? events.slice(Math.max(0, next - limit), next).reverse()
      : events.slice(next - 1, next - 1 + limit);
    const after = reverse ? next - page.length : next + page.length;
    const more = reverse ? after >= 1 : after <= events.length;
    return {
      events: page.map(readEvent),
      ...(more ? { nextToken: writeToken(binding, [after]) } : {}),
    };
  }

  listResumable(): ExecutionRecord[] {
    return [...this.executions.values()]
      .filter((s) => s.record.status === 'RUNNING')
      .map((s) => copy(s.record));
  }

  /** Every record in creation order, as held (not copies): what a checkpoint writes. */
  records(): { machines: StateMachineRecord[]; executions: ExecutionRecord[] } {
    return {
      machines: [...this.machines.values()],
      executions: [...this.executions.values()].map((s) => s.record),
    };
  }

  private slot(executionArn: string): Slot {
    const slot = this.executions.get(executionArn);
    if (!slot) throw new ExecutionNotFound(executionArn);
    return slot;
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/** An event back from its JSON text, its timestamp a Date again. */
function readEvent(text: string): HistoryEvent {
  const event = JSON.parse(text) as HistoryEvent;
  if (typeof event.timestamp === 'string') event.timestamp = new Date(event.timestamp);
  return event;
}

function startTime(slot: Slot): number {
  return slot.record.startDate.getTime();
}

function pageSize(maxResults: number | undefined): number {
  if (maxResults === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(maxResults) || maxResults < 1) throw new InvalidPageSize(maxResults);
  return maxResults;
}

/**
 * A page token: base64url of the position and a check. The check hashes the query with the
 * position, so a token altered, truncated, or replayed with another filter is refused. It is
 * not a secret (the local endpoint has nothing to protect), only a guard against misuse.
 */
function writeToken(query: string, position: readonly number[]): string {
  return Buffer.from(JSON.stringify({ p: position, c: check(query, position) })).toString('base64url');
}

function readToken(token: string, query: string, length: number): number[] {
  let parsed: { p?: unknown; c?: unknown } | undefined;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPageToken(token, 'it is not a token of this store');
  }
  const position = parsed?.p;
  const valid =
    Array.isArray(position) &&
    position.length === length &&
    position.every((n) => Number.isSafeInteger(n)) &&
    parsed?.c === check(query, position);
  if (!valid) throw new InvalidPageToken(token);
  return position as number[];
}

function check(query: string, position: readonly number[]): string {
  return createHash('sha256').update(query).update(JSON.stringify(position)).digest('base64url').slice(0, 22);
}
