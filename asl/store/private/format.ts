/**
 * The file store's on-disk values. Every file is JSON Lines (each line sealed when the store
 * has a key), and a line holds one value or an array of them:
 *
 * - a write-ahead log segment: each line is one group commit, an array of LogEntry;
 * - records.jsonl: a checkpoint header, then the live records as putStateMachine and
 *   createExecution entries, each execution with where its events are (a store written before
 *   the log kept a list of every mutation here, one per line, which reads the same way);
 * - a history pack (private/pack.ts): one line per execution a checkpoint filed events of;
 * - a history file of a store written before the log: the events of one execution in id
 *   order, one per line.
 *
 * Dates are ISO strings on disk and Dates again once read.
 */
import type { HistoryEvent } from '../../runtime/history.ts';
import type { ExecutionRecord, StateMachineRecord } from '../types.ts';
import type { Slice } from './pack.ts';

export type LogEntry =
  | { readonly op: 'putStateMachine'; readonly record: StateMachineRecord }
  | { readonly op: 'deleteStateMachine'; readonly stateMachineArn: string }
  | {
      readonly op: 'createExecution';
      readonly record: ExecutionRecord;
      /** In a checkpoint: where the execution's events are, oldest first. */
      readonly history?: readonly Slice[];
    }
  | {
      readonly op: 'updateExecution';
      readonly executionArn: string;
      readonly set: object;
      readonly unset: string[];
    }
  | { readonly op: 'appendEvents'; readonly executionArn: string; readonly events: HistoryEvent[] }
  /** First line of records.jsonl: the log segments from `wal` on are not in this checkpoint. */
  | { readonly op: 'checkpoint'; readonly wal: number };

/** Top-level record fields that hold a Date, which JSON stores as an ISO string. */
const DATE_FIELDS = ['creationDate', 'startDate', 'stopDate', 'redriveDate'];

/** One entry, or an array of entries (a group commit); what is wrong otherwise. */
export function parseEntries(json: unknown): LogEntry[] | string {
  const entries: LogEntry[] = [];
  for (const item of Array.isArray(json) ? json : [json]) {
    const entry = parseEntry(item);
    if (typeof entry === 'string') return entry;
    entries.push(entry);
  }
  return entries;
}

function parseEntry(json: unknown): LogEntry | string {
  if (isObject(json)) {
    const { op } = json;
    if (op === 'putStateMachine' && isObject(json.record)) {
      return { op, record: withDates(json.record) } as unknown as LogEntry;
    }
    const history = json.history ?? [];
    if (op === 'createExecution' && isObject(json.record) && Array.isArray(history)) {
      if (history.every(isSlice)) return { ...json, record: withDates(json.record) } as unknown as LogEntry;
    }
    if (op === 'deleteStateMachine' && typeof json.stateMachineArn === 'string') return json as LogEntry;
    if (
      op === 'updateExecution' &&
      typeof json.executionArn === 'string' &&
      isObject(json.set) &&
      Array.isArray(json.unset)
    ) {
      return { ...json, set: withDates(json.set) } as LogEntry;
    }
    if (op === 'appendEvents' && typeof json.executionArn === 'string' && Array.isArray(json.events)) {
      const events = json.events.map((e) => (isObject(e) ? withTimestamp(e) : e));
      if (events.every((e) => isEvent(e))) return { ...json, events } as LogEntry;
    }
    if (op === 'checkpoint' && Number.isSafeInteger(json.wal)) return json as LogEntry;
  }
  return `not a store entry: ${JSON.stringify(json).slice(0, 100)}`;
}

/**
 * A history line's events (one event or an array of them), which must continue the history:
 * the first has id `next`, each following one the id after it.
 */
export function parseEvents(json: unknown, next: number): HistoryEvent[] | string {
  const events: HistoryEvent[] = [];
  for (const item of Array.isArray(json) ? json : [json]) {
    const id = next + events.length;
    if (!isObject(item) || item.id !== id || typeof item.type !== 'string') {
      return `expected event ${id}: an object with "id": ${id} and a "type"`;
    }
    events.push(withTimestamp(item) as unknown as HistoryEvent);
  }
  return events;
}

/** The update entry for a patch. JSON drops undefined values, so the keys it removes are listed apart. */
export function updateEntry(executionArn: string, patch: object): LogEntry {
  const fields = Object.entries(patch);
  const set = Object.fromEntries(fields.filter(([, value]) => value !== undefined));
  const unset = fields.filter(([, value]) => value === undefined).map(([key]) => key);
  return { op: 'updateExecution', executionArn, set, unset };
}

/** The patch an update entry stands for. */
export function patchOf(entry: { readonly set: object; readonly unset: readonly string[] }): object {
  return { ...entry.set, ...Object.fromEntries(entry.unset.map((key) => [key, undefined])) };
}

function withDates(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const key of DATE_FIELDS) {
    const value = out[key];
    if (typeof value === 'string') out[key] = new Date(value);
  }
  return out;
}

function withTimestamp(event: Record<string, unknown>): Record<string, unknown> {
  return typeof event.timestamp === 'string' ? { ...event, timestamp: new Date(event.timestamp) } : event;
}

function isSlice(value: unknown): value is Slice {
  return Array.isArray(value) && value.length === 4 && value.every((n) => Number.isSafeInteger(n) && n >= 0);
}

function isEvent(value: unknown): value is HistoryEvent {
  return isObject(value) && Number.isSafeInteger(value.id) && typeof value.type === 'string';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
