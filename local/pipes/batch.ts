/**
 * A batch as the runner cuts it: at most BatchSize records whose JSON array stays within the
 * target's payload limit (a single record over it still makes a batch of one, which the runner
 * never sends).
 */
import type { WireRecord } from './streams.ts';

/** "The maximum payload size of a target invocation: 256 KB" (262,144 characters of JSON). */
export const PAYLOAD_LIMIT = 262_144;

export interface Entry {
  readonly record: WireRecord;
  /** Characters of this record in the batch's JSON. */
  readonly size: number;
  /** The checkpoint once this record is done: its own number, or that of filtered records after it. */
  until: string;
}

/** The characters of the batch's JSON array: its records, the commas and the brackets. */
export function sizeOf(entries: readonly Entry[]): number {
  return entries.reduce((sum, e) => sum + e.size, 0) + Math.max(1, entries.length) + 1;
}

/** The next batch: at most `batchSize` records within the payload limit (at least one record). */
export function cut(buffer: readonly Entry[], batchSize: number): Entry[] {
  const batch: Entry[] = [];
  let size = 2;
  for (const entry of buffer) {
    if (batch.length >= batchSize) break;
    const next = size + entry.size + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && next > PAYLOAD_LIMIT) break;
    batch.push(entry);
    size = next;
  }
  return batch;
}
