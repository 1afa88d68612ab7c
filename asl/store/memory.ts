/**
 * The in-memory execution store. It defines the store's semantics (newest-first listing, page
 * tokens, contiguous event ids); the file store keeps one as its index and writes to disk
 * around it, so both behave the same by construction. The `check*` methods throw what the
 * matching mutation would throw without changing anything: the file store validates, writes
 * the log line, then applies.
 */
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../runtime/history.ts';
import {
  EventSequenceError,
  ExecutionAlreadyExists,
  ExecutionNotFound,
  ExecutionStatusMismatch,
  InvalidPageSize,
  InvalidPageToken,
  StoreClosed,
} from './errors.ts';
import type {
  ExecutionFilter,
  ExecutionPage,
  ExecutionPatch,
  ExecutionRecord,
  ExecutionStore,
  HistoryPage,
  HistoryQuery,
  StateMachineRecord,
  UpdateCondition,
} from './types.ts';

interface Slot {
  /** Creation order: orders executions that started in the same millisecond. */
  readonly seq: number;
  record: ExecutionRecord;
  readonly events: HistoryEvent[];
}

export class MemoryStore implements ExecutionStore {
  private readonly machines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, Slot>();
  private closed = false;

  async putStateMachine(record: StateMachineRecord): Promise<void> {
    this.checkOpen();
    this.machines.set(record.stateMachineArn, copy(record));
  }

  async getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined> {
    this.checkOpen();
    const record = this.machines.get(stateMachineArn);
    return record && copy(record);
  }

  async listStateMachines(): Promise<StateMachineRecord[]> {
    this.checkOpen();
    return [...this.machines.values()].map(copy);
  }

  async deleteStateMachine(stateMachineArn: string): Promise<boolean> {
    this.checkOpen();
    return this.machines.delete(stateMachineArn);
  }

  checkCreate(record: ExecutionRecord): void {
    this.checkOpen();
    if (this.executions.has(record.executionArn)) throw new ExecutionAlreadyExists(record.executionArn);
  }

  async createExecution(record: ExecutionRecord): Promise<void> {
    this.checkCreate(record);
    const slot = { seq: this.executions.size, record: copy(record), events: [] };
    this.executions.set(record.executionArn, slot);
  }

  checkUpdate(executionArn: string, condition: UpdateCondition = {}): void {
    const { record } = this.slot(executionArn);
    if (condition.ifStatus !== undefined && record.status !== condition.ifStatus) {
      throw new ExecutionStatusMismatch(executionArn, condition.ifStatus, record.status);
    }
  }

  async updateExecution(
    executionArn: string,
    patch: ExecutionPatch,
    condition?: UpdateCondition,
  ): Promise<ExecutionRecord> {
    this.checkUpdate(executionArn, condition);
    const slot = this.slot(executionArn);
    const next: Record<string, unknown> = { ...slot.record };
    for (const [key, value] of Object.entries(copy(patch))) {
      if (key === 'executionArn') continue; // the key of the record; the type already forbids it
      if (value === undefined) delete next[key];
      else next[key] = value;
    }
    slot.record = next as unknown as ExecutionRecord;
    return copy(slot.record);
  }

  async getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    this.checkOpen();
    const slot = this.executions.get(executionArn);
    return slot && copy(slot.record);
  }

  async listExecutions(filter: ExecutionFilter = {}): Promise<ExecutionPage> {
    this.checkOpen();
    const limit = pageSize(filter.maxResults);
    const query = JSON.stringify(['executions', filter.stateMachineArn ?? null, filter.status ?? null]);
    const matches = [...this.executions.values()]
      .filter(
        ({ record }) =>
          filter.stateMachineArn === undefined || record.stateMachineArn === filter.stateMachineArn,
      )
      .filter(({ record }) => filter.status === undefined || record.status === filter.status)
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

  /** Number of events in an execution's history. */
  historyLength(executionArn: string): number {
    return this.slot(executionArn).events.length;
  }

  checkAppend(executionArn: string, events: readonly HistoryEvent[]): void {
    const base = this.slot(executionArn).events.length;
    events.forEach((event, i) => {
      if (event.id !== base + i + 1) throw new EventSequenceError(executionArn, base + i + 1, event.id);
    });
  }

  async appendEvents(executionArn: string, events: readonly HistoryEvent[]): Promise<void> {
    this.checkAppend(executionArn, events);
    this.slot(executionArn).events.push(...events.map(copy));
  }

  async getHistory(executionArn: string, query: HistoryQuery = {}): Promise<HistoryPage> {
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
    return { events: page.map(copy), ...(more ? { nextToken: writeToken(binding, [after]) } : {}) };
  }

  async listResumable(): Promise<ExecutionRecord[]> {
    this.checkOpen();
    return [...this.executions.values()]
      .filter((s) => s.record.status === 'RUNNING')
      .map((s) => copy(s.record));
  }

  /** Every record in creation order: what the file store writes when it compacts its log. */
  snapshot(): { machines: StateMachineRecord[]; executions: ExecutionRecord[] } {
    this.checkOpen();
    return {
      machines: [...this.machines.values()].map(copy),
      executions: [...this.executions.values()].map((s) => copy(s.record)),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosed();
  }

  private slot(executionArn: string): Slot {
    this.checkOpen();
    const slot = this.executions.get(executionArn);
    if (!slot) throw new ExecutionNotFound(executionArn);
    return slot;
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
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
