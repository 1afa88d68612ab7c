/**
 * The file store's on-disk format. The record log holds one mutation per line, replayed in
 * order at open; a history file holds one HistoryEvent per line, line n being event id n.
 * Dates are ISO strings on disk and Dates again once read.
 */
import type { HistoryEvent } from '../../runtime/history.ts';
import type { MemoryStore } from '../memory.ts';
import type { ExecutionRecord, StateMachineRecord } from '../types.ts';

export type LogEntry =
  | { readonly op: 'putStateMachine'; readonly record: StateMachineRecord }
  | { readonly op: 'deleteStateMachine'; readonly stateMachineArn: string }
  | { readonly op: 'createExecution'; readonly record: ExecutionRecord }
  | {
      readonly op: 'updateExecution';
      readonly executionArn: string;
      readonly set: object;
      readonly unset: string[];
    };

/** Top-level record fields that hold a Date, which JSON stores as an ISO string. */
const DATE_FIELDS = ['creationDate', 'startDate', 'stopDate', 'redriveDate'];

export function parseEntry(json: unknown): LogEntry | string {
  if (isObject(json)) {
    const { op } = json;
    if ((op === 'putStateMachine' || op === 'createExecution') && isObject(json.record)) {
      return { op, record: withDates(json.record) } as unknown as LogEntry;
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
  }
  return `not a record mutation: ${JSON.stringify(json).slice(0, 100)}`;
}

export function parseEvent(json: unknown, line: number): HistoryEvent | string {
  if (!isObject(json) || json.id !== line || typeof json.type !== 'string') {
    return `expected event ${line} (the line number): an object with "id": ${line} and a "type"`;
  }
  const timestamp = typeof json.timestamp === 'string' ? new Date(json.timestamp) : json.timestamp;
  return { ...json, timestamp } as unknown as HistoryEvent;
}

export async function replay(memory: MemoryStore, entry: LogEntry): Promise<unknown> {
  switch (entry.op) {
    case 'putStateMachine':
      return memory.putStateMachine(entry.record);
    case 'deleteStateMachine':
      return memory.deleteStateMachine(entry.stateMachineArn);
    case 'createExecution':
      return memory.createExecution(entry.record);
    case 'updateExecution': {
      const unset = Object.fromEntries(entry.unset.map((key) => [key, undefined]));
      return memory.updateExecution(entry.executionArn, { ...entry.set, ...unset });
    }
  }
}

function withDates(fields: Record<string, unknown>): Record<string, unknown> {
  const out = { ...fields };
  for (const key of DATE_FIELDS) {
    const value = out[key];
    if (typeof value === 'string') out[key] = new Date(value);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
