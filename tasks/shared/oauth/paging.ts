/**
 * Following a resource API's pages (`{ <items>: [...], nextCursor }`) and normalising each item:
 * at most MAX_PAGES pages and MAX_RECORDS records, the items that cannot be normalised (or do not
 * fit) counted as dropped, and a page of another shape refused.
 */
import { z } from 'zod';
import { ProviderError } from './errors.ts';
import {
  type DiscoveryResult,
  MAX_PAGES,
  MAX_RECORDS,
  MAX_RECORDS_BYTES,
  type ResourceRecord,
} from './resources.ts';

export interface Page {
  readonly items: readonly Record<string, unknown>[];
  readonly nextCursor?: string;
}

/** A page's body as `{ <key>: [...], nextCursor }`, or ProviderError naming the API. */
export function parsePage(body: unknown, key: string, what: string): Page {
  const parsed = z
    .object({
      [key]: z.array(z.record(z.string(), z.unknown())),
      nextCursor: z.string().max(500).nullable().optional(),
    })
    .safeParse(body);
  if (!parsed.success) throw new ProviderError(`${what} answered a page of an unexpected shape.`);
  const items = parsed.data[key] as Record<string, unknown>[];
  const cursor = parsed.data.nextCursor as string | null | undefined;
  return { items, ...(cursor ? { nextCursor: cursor } : {}) };
}

export async function collectRecords(
  source: ResourceRecord['source'],
  what: string,
  fetchPage: (cursor: string | undefined) => Promise<Page>,
  normalise: (item: Record<string, unknown>) => ResourceRecord | undefined,
): Promise<DiscoveryResult> {
  const records: ResourceRecord[] = [];
  let dropped = 0;
  let bytes = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, nextCursor } = await fetchPage(cursor);
    for (const item of items) {
      const normalised = normalise(item);
      const size = normalised ? Buffer.byteLength(JSON.stringify(normalised)) + 1 : 0;
      if (normalised && records.length < MAX_RECORDS && bytes + size <= MAX_RECORDS_BYTES) {
        records.push(normalised);
        bytes += size;
      } else {
        dropped++;
      }
    }
    if (!nextCursor) return { source, records, dropped };
    cursor = nextCursor;
  }
  throw new ProviderError(`${what} kept paging past ${MAX_PAGES} pages.`);
}
