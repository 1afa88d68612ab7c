/**
 * TransactWriteItems on dynalite: the items' locks are taken together, every action runs first
 * as a dry run (dynalite's own PutItem/UpdateItem/DeleteItem against a view of the store whose
 * writes are captured, not applied), and only when every condition holds are the captured items
 * written, each one change on the table's stream. Any failure cancels all of them, reported as
 * TransactionCanceledException with one CancellationReason per action, in request order.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html
 */
import { z } from 'zod';
import { DynamoDbApiError, fromDynalite, unsupported, validation } from '../errors.ts';
import type { Backend, Operation } from './backend.ts';
import { capture } from './capture.ts';
import {
  call,
  dynaliteAction,
  dynaliteDb,
  getItem,
  getTable,
  type Item,
  lockItems,
  type Store,
  type Table,
  validate,
  writeItem,
} from './dynalite.ts';
import { parseRequest } from './input.ts';

const IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;
const Common = {
  TableName: z.string(),
  ConditionExpression: z.string().optional(),
  ExpressionAttributeNames: z.record(z.string(), z.string()).optional(),
  ExpressionAttributeValues: z.record(z.string(), z.unknown()).optional(),
  ReturnValuesOnConditionCheckFailure: z.enum(['ALL_OLD', 'NONE']).optional(),
};
const Key = z.record(z.string(), z.record(z.string(), z.unknown()));
const Action = z.union([
  z.strictObject({ Put: z.strictObject({ ...Common, Item: Key }) }),
  z.strictObject({ Update: z.strictObject({ ...Common, Key, UpdateExpression: z.string() }) }),
  z.strictObject({ Delete: z.strictObject({ ...Common, Key }) }),
  z.strictObject({ ConditionCheck: z.strictObject({ ...Common, Key, ConditionExpression: z.string() }) }),
]);
const Request = z.strictObject({
  TransactItems: z.array(Action).min(1).max(100),
  ReturnConsumedCapacity: z.enum(['INDEXES', 'TOTAL', 'NONE']).optional(),
  ReturnItemCollectionMetrics: z.enum(['SIZE', 'NONE']).optional(),
  ClientRequestToken: z.string().min(1).max(36).optional(),
});

type Kind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';
interface Step {
  kind: Kind;
  table: Table;
  key: string;
  data: Record<string, unknown>;
  allOld: boolean;
  old?: Item;
  next?: Item | null;
}

const ACTION_OF: Record<Kind, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'DeleteItem',
};

async function prepare(backend: Backend, entry: Record<string, Record<string, unknown>>): Promise<Step> {
  const kind = Object.keys(entry)[0] as Kind;
  const { ReturnValuesOnConditionCheckFailure, ...body } = entry[kind] as Record<string, unknown>;
  const table = await getTable(backend.store, String(body.TableName), true);
  const data = validate(body, dynaliteAction(ACTION_OF[kind]).validation, backend.store);
  const identity = (kind === 'Put' ? data.Item : data.Key) as Item;
  const invalid =
    kind === 'Put' ? dynaliteDb.validateItem(identity, table) : dynaliteDb.validateKey(identity, table);
  if (invalid) throw invalid;
  const key = dynaliteDb.createKey(identity, table);
  return { kind, table, key, data, allOld: ReturnValuesOnConditionCheckFailure === 'ALL_OLD' };
}

/** A view of the store in which writes are recorded on the step instead of applied. */
function dryRunView(store: Store, step: Step): Store {
  const noIndex = {
    put: (_k: string, _v: unknown, cb: () => void) => cb(),
    del: (_k: string, cb: () => void) => cb(),
  };
  return {
    ...store,
    getIndexDb: () => noIndex as never,
    getItemDb: (name) => ({
      ...store.getItemDb(name),
      // The transaction holds the real lock already; dynalite's locks are not re-entrant.
      lock: (_key, exec) => exec((done) => done),
      put: (_key, value, cb) => {
        step.next = value as Item;
        cb();
      },
      del: (_key, cb) => {
        step.next = null;
        cb();
      },
    }),
  };
}

/** Runs one step without writing; undefined when it would succeed, else its cancellation reason. */
async function dryRun(backend: Backend, step: Step): Promise<Record<string, unknown> | undefined> {
  step.old = await getItem(backend.store, step.table.TableName, step.key);
  try {
    if (step.kind === 'ConditionCheck') {
      const failed = dynaliteDb.checkConditional(step.data, step.old);
      if (failed) throw failed;
    } else {
      await call(dynaliteAction(ACTION_OF[step.kind]).action, dryRunView(backend.store, step), step.data);
    }
    return undefined;
  } catch (error) {
    const api = fromDynalite(error);
    if (!api) throw error;
    if (api.name === 'ConditionalCheckFailedException') {
      return {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
        ...(step.allOld && step.old ? { Item: step.old } : {}),
      };
    }
    if (api.name === 'ValidationException') return { Code: 'ValidationError', Message: api.message };
    throw api;
  }
}

async function lockAll(backend: Backend, steps: Step[]): Promise<() => void> {
  const byTable = new Map<string, string[]>();
  for (const s of steps) byTable.set(s.table.TableName, [...(byTable.get(s.table.TableName) ?? []), s.key]);
  const releases: (() => void)[] = [];
  // Tables in name order: two transactions never wait on each other's tables crosswise.
  for (const table of [...byTable.keys()].sort()) {
    releases.push(await lockItems(backend.store, table, byTable.get(table) ?? []));
  }
  return () => {
    for (const release of releases) release();
  };
}

async function transact(backend: Backend, request: z.infer<typeof Request>): Promise<void> {
  const steps: Step[] = [];
  try {
    for (const entry of request.TransactItems) steps.push(await prepare(backend, entry));
  } catch (error) {
    throw fromDynalite(error) ?? error;
  }
  const ids = new Set(steps.map((s) => `${s.table.TableName}\u0000${s.key}`));
  if (ids.size < steps.length)
    throw validation('Transaction request cannot include multiple operations on one item');
  const release = await lockAll(backend, steps);
  try {
    const reasons = [];
    for (const step of steps) reasons.push(await dryRun(backend, step));
    if (reasons.some(Boolean)) {
      const CancellationReasons = reasons.map((r) => r ?? { Code: 'None' });
      throw new DynamoDbApiError(
        'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        `Transaction cancelled, please refer cancellation reasons for specific reasons [${CancellationReasons.map((r) => r.Code).join(', ')}]`,
        400,
        { CancellationReasons },
      );
    }
    for (const step of steps) {
      if (step.kind === 'ConditionCheck' || step.next === undefined) continue;
      const next = step.next ?? undefined;
      if (!step.old && !next) continue;
      await writeItem(backend.store, step.table, step.old, next);
      await capture(backend, step.table, step.old, next);
    }
  } finally {
    release();
  }
}

/** TransactWriteItems, with the idempotency AWS gives a ClientRequestToken for ten minutes. */
export function transactWriteItems(): Operation {
  const done = new Map<string, { request: string; at: number }>();
  return async (backend, body) => {
    const { ClientRequestToken, ...request } = parseRequest(Request, body);
    if (request.ReturnConsumedCapacity && request.ReturnConsumedCapacity !== 'NONE') {
      throw unsupported('ReturnConsumedCapacity on TransactWriteItems', 'Leave it unset or NONE.');
    }
    if (request.ReturnItemCollectionMetrics === 'SIZE') {
      throw unsupported('ReturnItemCollectionMetrics on TransactWriteItems', 'Leave it unset or NONE.');
    }
    const now = backend.now();
    for (const [token, entry] of done) if (now - entry.at > IDEMPOTENCY_WINDOW_MS) done.delete(token);
    const fingerprint = JSON.stringify(request);
    const earlier = ClientRequestToken ? done.get(ClientRequestToken) : undefined;
    if (earlier && earlier.request !== fingerprint) {
      throw new DynamoDbApiError(
        'com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException',
        'The ClientRequestToken was used in the last ten minutes with a different request: use a new token.',
      );
    }
    if (earlier) return {};
    await transact(backend, request);
    if (ClientRequestToken) done.set(ClientRequestToken, { request: fingerprint, at: now });
    return {};
  };
}
