/**
 * The rules every *Batch operation shares: 1 to 10 entries, each with a distinct Id of up to 80
 * alphanumeric characters, hyphens and underscores. Entries fail one by one in `Failed`.
 */
import { emptyBatch, idsNotDistinct, invalidBatchEntryId, SqsApiError, tooManyEntries } from './errors.ts';
import { type Body, objectList } from './requests.ts';

const ID = /^[A-Za-z0-9_-]{1,80}$/;
export const MAX_ENTRIES = 10;

export function entriesOf(body: Body, operation: string): { id: string; entry: Body }[] {
  const entries = objectList(body, 'Entries');
  if (entries.length === 0) throw emptyBatch(operation);
  if (entries.length > MAX_ENTRIES) throw tooManyEntries(entries.length);
  const seen = new Set<string>();
  return entries.map((entry) => {
    const id = entry.Id;
    if (typeof id !== 'string' || !ID.test(id)) throw invalidBatchEntryId(String(id));
    if (seen.has(id)) throw idsNotDistinct(id);
    seen.add(id);
    return { id, entry };
  });
}

export interface BatchAnswer {
  Successful: Record<string, unknown>[];
  Failed: { Id: string; SenderFault: boolean; Code: string; Message: string }[];
}

/** Runs `each` per entry; an SqsApiError becomes that entry's failure, anything else is thrown. */
export async function runBatch(
  entries: readonly { id: string; entry: Body }[],
  each: (id: string, entry: Body) => Promise<Record<string, unknown>>,
): Promise<BatchAnswer> {
  const answer: BatchAnswer = { Successful: [], Failed: [] };
  for (const { id, entry } of entries) {
    try {
      answer.Successful.push({ Id: id, ...(await each(id, entry)) });
    } catch (error) {
      if (!(error instanceof SqsApiError)) throw error;
      answer.Failed.push({
        Id: id,
        SenderFault: error.status < 500,
        Code: error.name,
        Message: error.message,
      });
    }
  }
  return answer;
}
