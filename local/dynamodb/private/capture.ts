/**
 * Change capture: turns one applied write (old item, new item) into the stream record AWS would
 * write, with the images the stream's view type asks for. "If you perform a PutItem or
 * UpdateItem operation that does not change any data in an item, DynamoDB Streams does not
 * write a stream record for that operation."
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html
 */
import { randomUUID } from 'node:crypto';
import { dynaliteDb, type Item, type Table } from './dynalite.ts';
import type { StreamLog, WireRecord } from './stream-log.ts';

/** Who made a change that no caller made: TTL deletions carry this identity. */
export const TTL_IDENTITY = { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' } as const;

/** Sets are unordered and map members have no order: compare a canonical form. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(
    entries.map(([type, v]) => [
      type,
      (type === 'SS' || type === 'NS' || type === 'BS') && Array.isArray(v) ? [...v].sort() : canonical(v),
    ]),
  );
}

export function sameItem(a: Item, b: Item): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function keysOf(item: Item, table: Table): Item {
  return Object.fromEntries(
    table.KeySchema.flatMap(({ AttributeName }) => {
      const value = item[AttributeName];
      return value ? [[AttributeName, value]] : [];
    }),
  );
}

export interface CaptureContext {
  readonly streams: StreamLog;
  readonly region: string;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

/** Appends the record for one change to the table's enabled stream; no stream, no record. */
export async function capture(
  context: CaptureContext,
  table: Table,
  old: Item | undefined,
  item: Item | undefined,
  userIdentity?: WireRecord['userIdentity'],
): Promise<WireRecord | undefined> {
  const arn = table.LatestStreamArn;
  const viewType = table.StreamSpecification?.StreamViewType;
  if (!table.StreamSpecification?.StreamEnabled || !arn || !viewType) return undefined;
  const current = item ?? old;
  if (!current) return undefined;
  if (old && item && sameItem(old, item)) return undefined;
  const eventName = !old ? 'INSERT' : !item ? 'REMOVE' : 'MODIFY';
  const Keys = keysOf(current, table);
  const images: { NewImage?: Item; OldImage?: Item } = {};
  if (item && (viewType === 'NEW_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) images.NewImage = item;
  if (old && (viewType === 'OLD_IMAGE' || viewType === 'NEW_AND_OLD_IMAGES')) images.OldImage = old;
  // AWS does not publish its formula; the size of what the record carries is close to it.
  const SizeBytes = [Keys, images.NewImage, images.OldImage].reduce(
    (sum, part) => sum + (part ? dynaliteDb.itemSize(part) : 0),
    0,
  );
  const record = await context.streams.append(arn, {
    eventID: randomUUID().replaceAll('-', ''),
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: context.region,
    dynamodb: {
      // "in UNIX epoch time format and rounded down to the closest second"
      ApproximateCreationDateTime: Math.floor(context.now() / 1000),
      Keys,
      ...images,
      SizeBytes,
      StreamViewType: viewType,
    },
    ...(userIdentity ? { userIdentity } : {}),
  });
  // Only a stream disabled between the table read and this write can be missing; say so.
  if (!record)
    context.log(`dynamodb stream ${arn} is not open; a ${eventName} on ${table.TableName} has no record`);
  return record;
}
