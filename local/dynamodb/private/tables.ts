/**
 * CreateTable, UpdateTable and DeleteTable: dynalite's, with StreamSpecification honoured (the
 * stream members are stored in dynalite's table description, so DescribeTable reports them as
 * AWS does) and the stream and TTL settings following the table's life.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_StreamSpecification.html
 */
import { z } from 'zod';
import { fromDynalite, unsupported, validation } from '../errors.ts';
import type { Backend, Operation } from './backend.ts';
import { dynaliteDb, getTable, type Item, type Table } from './dynalite.ts';
import { parseRequest } from './input.ts';
import { runDynalite } from './passthrough.ts';

const ViewType = z.enum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']);
const StreamSpecification = z.strictObject({
  StreamEnabled: z.boolean(),
  StreamViewType: ViewType.optional(),
});
type StreamSpecification = z.infer<typeof StreamSpecification>;

function streamSpecification(value: unknown): StreamSpecification | undefined {
  if (value == null) return undefined;
  const spec = parseRequest(z.strictObject({ StreamSpecification }), {
    StreamSpecification: value,
  }).StreamSpecification;
  if (spec.StreamEnabled && !spec.StreamViewType) {
    throw validation(
      'One or more parameter values were invalid: StreamViewType is required when StreamEnabled is true',
    );
  }
  if (!spec.StreamEnabled && spec.StreamViewType) {
    throw validation(
      'One or more parameter values were invalid: StreamViewType cannot be set when StreamEnabled is false',
    );
  }
  return spec;
}

function tableArn(backend: Backend, name: unknown): string {
  return `arn:aws:dynamodb:${backend.region}:${backend.account}:table/${String(name)}`;
}

export const createTable: Operation = async (backend, body) => {
  const spec = streamSpecification(body.StreamSpecification);
  const request = { ...body };
  const stream =
    spec?.StreamEnabled && spec.StreamViewType
      ? backend.streams.draft(
          tableArn(backend, body.TableName),
          String(body.TableName),
          spec.StreamViewType,
          (body.KeySchema ?? []) as Table['KeySchema'],
        )
      : undefined;
  if (stream) {
    Object.assign(request, { LatestStreamArn: stream.arn, LatestStreamLabel: stream.label });
  }
  const handled = stream ? ['StreamSpecification', 'LatestStreamArn', 'LatestStreamLabel'] : [];
  if (!stream) delete request.StreamSpecification;
  // Registered first: a write that reaches the table as soon as it exists must find its stream.
  if (stream) await backend.streams.register(stream);
  try {
    return await runDynalite(backend, 'CreateTable', request, handled);
  } catch (error) {
    if (stream) await backend.streams.discard(stream.arn);
    throw error;
  }
};

type Out = { TableDescription: Table };

function lockTable(backend: Backend, name: string): Promise<() => void> {
  return new Promise((resolve) => backend.store.tableDb.lock(name, (release) => resolve(release(() => {}))));
}

function put(backend: Backend, table: Table): Promise<void> {
  return new Promise((resolve, reject) =>
    backend.store.tableDb.put(table.TableName, table, (error) => (error ? reject(error) : resolve())),
  );
}

/** Enables or disables the stream: on AWS that is one change, never combined with another. */
async function updateStream(backend: Backend, name: string, spec: StreamSpecification): Promise<Out> {
  const release = await lockTable(backend, name);
  try {
    const table = await getTable(backend.store, name).catch((error: unknown) => {
      throw fromDynalite(error) ?? error;
    });
    const enabled = table.StreamSpecification?.StreamEnabled === true;
    if (spec.StreamEnabled && enabled) {
      throw validation(`Table already has an enabled stream: TableName: ${name}`);
    }
    if (!spec.StreamEnabled && !enabled) {
      throw validation(`Table ${name} has no enabled stream to disable.`);
    }
    if (spec.StreamEnabled && spec.StreamViewType) {
      const meta = backend.streams.draft(table.TableArn, name, spec.StreamViewType, table.KeySchema);
      await backend.streams.register(meta);
      Object.assign(table, {
        StreamSpecification: spec,
        LatestStreamArn: meta.arn,
        LatestStreamLabel: meta.label,
      });
    } else {
      if (table.LatestStreamArn) await backend.streams.disable(table.LatestStreamArn);
      table.StreamSpecification = undefined;
    }
    await put(backend, table);
    return { TableDescription: table };
  } finally {
    release();
  }
}

export const updateTable: Operation = async (backend, body) => {
  const spec = streamSpecification(body.StreamSpecification);
  if (spec) {
    const others = Object.keys(body).filter(
      (k) => body[k] != null && k !== 'TableName' && k !== 'StreamSpecification',
    );
    if (others.length > 0) {
      throw validation(
        `UpdateTable changes one thing at a time: enable or disable the stream in its own call, not with ${others.join(', ')}.`,
      );
    }
    return updateStream(backend, String(body.TableName), spec);
  }
  const indexUpdates = (body.GlobalSecondaryIndexUpdates ?? []) as Record<string, unknown>[];
  if (indexUpdates.some((u) => u.Create != null || u.Delete != null)) {
    throw unsupported(
      'creating or deleting a global secondary index in UpdateTable (dynalite 4.0.0 ignores it)',
      'Declare the index in CreateTable.',
    );
  }
  return runDynalite(backend, 'UpdateTable', body);
};

export const deleteTable: Operation = async (backend, body) => {
  const result = (await runDynalite(backend, 'DeleteTable', body)) as Out;
  const { LatestStreamArn, TableName } = result.TableDescription;
  if (LatestStreamArn) await backend.streams.disable(LatestStreamArn);
  await backend.ttl.disable(TableName);
  return result;
};

/**
 * dynalite finishes CREATING, UPDATING and DELETING on a timer; a process that stopped inside
 * that window left the status behind. On start, finish what the timers would have done.
 */
export async function settleTables(backend: Backend): Promise<void> {
  const tables: Table[] = [];
  for await (const table of backend.store.tableDb.createValueStream()) tables.push(table as Table);
  for (const table of tables) {
    if (table.TableStatus === 'DELETING') {
      await new Promise<void>((resolve, reject) =>
        backend.store.tableDb.del(table.TableName, (e) => (e ? reject(e) : resolve())),
      );
    } else if (table.TableStatus !== 'ACTIVE') {
      for (const index of (table.GlobalSecondaryIndexes ?? []) as { IndexStatus?: string }[]) {
        index.IndexStatus = 'ACTIVE';
      }
      await put(backend, { ...table, TableStatus: 'ACTIVE' });
    }
  }
}

/**
 * DescribeTable: dynalite's, with the table's ItemCount and TableSizeBytes, which dynalite leaves
 * at 0. AWS updates both about every six hours; here they are counted when asked (one pass over
 * the table's items), so a reader that sizes its work by them (the reconciliation's scan
 * segments) sees the table it will read. The indexes' figures stay dynalite's.
 */
export const describeTable: Operation = async (backend, body) => {
  const described = (await runDynalite(backend, 'DescribeTable', body)) as { Table: Table };
  const { count, bytes } = await measure(backend, described.Table.TableName);
  Object.assign(described.Table, { ItemCount: count, TableSizeBytes: bytes });
  return described;
};

async function measure(backend: Backend, table: string): Promise<{ count: number; bytes: number }> {
  let count = 0;
  let bytes = 0;
  for await (const item of backend.store.getItemDb(table).createValueStream()) {
    count += 1;
    bytes += dynaliteDb.itemSize(item as Item);
  }
  return { count, bytes };
}
