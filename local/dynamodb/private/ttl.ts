/**
 * Time to Live: UpdateTimeToLive, DescribeTimeToLive, and the sweep that deletes expired items.
 * "The TTL attribute's value must be a top-level Number data type ... in Unix epoch time format
 * in seconds"; items whose attribute is of another type are ignored, and so are items that
 * expired more than five years ago. TTL deletions reach the stream as REMOVE records whose
 * userIdentity is the DynamoDB service.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html
 */
import { z } from 'zod';
import { fromDynalite, validation } from '../errors.ts';
import type { Backend, Operation } from './backend.ts';
import { capture, TTL_IDENTITY } from './capture.ts';
import { dynaliteDb, getItem, getTable, type Item, lockItems, type Table, writeItem } from './dynalite.ts';
import { parseRequest } from './input.ts';

const FIVE_YEARS_S = 5 * 365 * 24 * 60 * 60;
const TableName = z
  .string()
  .min(3)
  .max(255)
  .regex(/^[a-zA-Z0-9_.-]+$/);

async function requireTable(backend: Backend, name: string): Promise<Table> {
  try {
    return await getTable(backend.store, name);
  } catch (error) {
    throw fromDynalite(error) ?? error;
  }
}

export const updateTimeToLive: Operation = async (backend, body) => {
  const { TableName: name, TimeToLiveSpecification: spec } = parseRequest(
    z.strictObject({
      TableName,
      TimeToLiveSpecification: z.strictObject({
        Enabled: z.boolean(),
        AttributeName: z.string().min(1).max(255),
      }),
    }),
    body,
  );
  await requireTable(backend, name);
  const current = backend.ttl.attributeOf(name);
  // DynamoDB Local's wording, which names the rule AWS applies.
  if (current !== undefined && current !== spec.AttributeName) {
    throw validation('TimeToLive is active on a different AttributeName');
  }
  if (spec.Enabled) {
    if (current !== undefined) throw validation('TimeToLive is already enabled');
    await backend.ttl.enable(name, spec.AttributeName);
  } else {
    if (current === undefined) throw validation('TimeToLive is already disabled');
    await backend.ttl.disable(name);
  }
  return { TimeToLiveSpecification: spec };
};

export const describeTimeToLive: Operation = async (backend, body) => {
  const { TableName: name } = parseRequest(z.strictObject({ TableName }), body);
  await requireTable(backend, name);
  const attribute = backend.ttl.attributeOf(name);
  return {
    TimeToLiveDescription:
      attribute === undefined
        ? { TimeToLiveStatus: 'DISABLED' }
        : { TimeToLiveStatus: 'ENABLED', AttributeName: attribute },
  };
};

function expired(item: Item | undefined, attribute: string, nowSeconds: number): boolean {
  const value = item?.[attribute]?.N;
  if (typeof value !== 'string') return false;
  const expiry = Number(value);
  return Number.isFinite(expiry) && expiry < nowSeconds && expiry >= nowSeconds - FIVE_YEARS_S;
}

async function expiredItems(backend: Backend, table: string, attribute: string, nowSeconds: number) {
  const found: Item[] = [];
  for await (const item of backend.store.getItemDb(table).createValueStream()) {
    if (expired(item as Item, attribute, nowSeconds)) found.push(item as Item);
  }
  return found;
}

/** Deletes every expired item now; returns how many. The service's timer calls it too. */
export async function sweepExpired(backend: Backend): Promise<number> {
  const nowSeconds = backend.now() / 1000;
  let deleted = 0;
  for (const [name, attribute] of backend.ttl.tables()) {
    const table = await getTable(backend.store, name, true).catch(() => undefined);
    if (!table) continue;
    for (const candidate of await expiredItems(backend, name, attribute, nowSeconds)) {
      const key = dynaliteDb.createKey(candidate, table);
      const release = await lockItems(backend.store, name, [key]);
      try {
        // The item may have been changed or deleted since the scan read it.
        const old = await getItem(backend.store, name, key);
        if (!old || !expired(old, attribute, nowSeconds)) continue;
        await writeItem(backend.store, table, old, undefined);
        await capture(backend, table, old, undefined, TTL_IDENTITY);
        deleted += 1;
      } finally {
        release();
      }
    }
  }
  return deleted;
}
