/**
 * Resource rules for the data services whose operations do not map one-to-one onto one table or
 * one object: DynamoDB (transactions, batches, PartiQL, indexes) and S3 (bucket versus object).
 */
import { arrayAt, DynamicValue, type Field, field, has, keysAt, runtimeValue } from './arguments.ts';
import { bucketArn, objectArn, type Scoped, scoped, tableArn, unscoped } from './arn.ts';
import { grant, grantCall, type SdkCall, type SdkRule } from './call.ts';
import type { Grant } from './types.ts';

const TABLE = 'DynamoDB table';

/**
 * "Using IAM with DynamoDB transactions": each Put, Update, Delete and Get inside a transaction is
 * authorized as PutItem, UpdateItem, DeleteItem and GetItem, a ConditionCheck as
 * ConditionCheckItem; there is no TransactWriteItems action.
 */
const TRANSACT_WRITE = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};
const TRANSACT_GET = { Get: 'GetItem' };

export const dynamodb: SdkRule = (call) => {
  switch (call.action) {
    case 'transactWriteItems':
      return transaction(call, TRANSACT_WRITE);
    case 'transactGetItems':
      return transaction(call, TRANSACT_GET);
    case 'batchWriteItem':
    case 'batchGetItem':
      return requestItems(call);
    case 'executeStatement':
      return partiql(call, [field(call.args, ['Statement'])]);
    case 'batchExecuteStatement':
      return partiql(call, statements(call, 'Statements'));
    case 'executeTransaction':
      return partiql(call, statements(call, 'TransactStatements'));
    case 'query':
    case 'scan':
      return queryOrScan(call);
    default:
      return grantCall(call, table(call, field(call.args, ['TableName'])));
  }
};

/**
 * A Query or Scan with IndexName is authorized on the index ARN (`table/<t>/index/<i>`), one
 * without it on the table: a literal IndexName names its index, an expression any index of the
 * table (with the reason).
 */
function queryOrScan(call: SdkCall): readonly Grant[] {
  const index = field(call.args, ['IndexName']);
  const named = table(call, field(call.args, ['TableName']));
  if (index.kind === 'absent' || named.resources.includes('*')) return grantCall(call, named);
  const suffix = index.kind === 'literal' ? index.value : '*';
  return grantCall(call, {
    resources: named.resources.map((arn) => `${arn}/index/${suffix}`),
    ...(index.kind === 'dynamic'
      ? { reason: `${runtimeValue(index.location)}, so the index is known only at run time` }
      : {}),
  });
}

function table(call: SdkCall, f: Field): Scoped {
  return scoped(f, TABLE, (t) => [tableArn(call.scope, t)]);
}

function transaction(call: SdkCall, kinds: Record<string, string>): readonly Grant[] {
  const all = Object.values(kinds).map((op) => `dynamodb:${op}`);
  const items = arrayAt(call.args, 'TransactItems');
  if (items.kind === 'dynamic') return [grant(all, dynamicList(items.location, 'tables and operations'))];
  if (items.kind === 'absent') return [grant(all, unscoped('Arguments.TransactItems is not given'))];
  return items.items.flatMap((item, i) => {
    const location = `Arguments.TransactItems[${i}]`;
    if (item instanceof DynamicValue) return [grant(all, dynamicList(item.location, 'table and operation'))];
    return Object.entries(kinds)
      .filter(([kind]) => has(item, kind))
      .map(([kind, op]) =>
        grant([`dynamodb:${op}`], table(call, field(item, [kind, 'TableName'], location))),
      );
  });
}

/** BatchGetItem and BatchWriteItem name their tables as the keys of RequestItems. */
function requestItems(call: SdkCall): readonly Grant[] {
  const keys = keysAt(call.args, 'RequestItems');
  if (keys.kind === 'dynamic') return grantCall(call, dynamicList(keys.location, 'tables'));
  if (keys.kind === 'absent') return grantCall(call, unscoped('Arguments.RequestItems is not given'));
  return grantCall(call, { resources: keys.items.map((t) => tableArn(call.scope, String(t))) });
}

function statements(call: SdkCall, key: string): readonly Field[] {
  const list = arrayAt(call.args, key);
  if (list.kind === 'dynamic') return [{ kind: 'dynamic', location: list.location }];
  if (list.kind === 'absent') return [{ kind: 'absent', location: `Arguments.${key}` }];
  return list.items.map((_, i) => field(call.args, [key, i, 'Statement']));
}

/**
 * "IAM policies with PartiQL for DynamoDB": a statement is authorized as PartiQLSelect, -Insert,
 * -Update or -Delete by its verb, on the table (or `table/<t>/index/<i>` for a SELECT from an index).
 */
const VERBS: Record<string, string> = {
  SELECT: 'PartiQLSelect',
  INSERT: 'PartiQLInsert',
  UPDATE: 'PartiQLUpdate',
  DELETE: 'PartiQLDelete',
};
const NAME = '("[^"]+"|[A-Za-z0-9_-]+)';
const TARGETS: Record<string, RegExp> = {
  SELECT: new RegExp(String.raw`\bFROM\s+${NAME}(?:\s*\.\s*${NAME})?`, 'i'),
  INSERT: new RegExp(String.raw`^\s*INSERT\s+INTO\s+${NAME}`, 'i'),
  UPDATE: new RegExp(String.raw`^\s*UPDATE\s+${NAME}`, 'i'),
  DELETE: new RegExp(String.raw`^\s*DELETE\s+FROM\s+${NAME}`, 'i'),
};

function partiql(call: SdkCall, fields: readonly Field[]): readonly Grant[] {
  const every = Object.values(VERBS).map((v) => `dynamodb:${v}`);
  return fields.map((f) => {
    if (f.kind !== 'literal')
      return grant(
        every,
        scoped(f, 'PartiQL statement and its table', () => undefined),
      );
    const verb = /^\s*([A-Za-z]+)/.exec(f.value)?.[1]?.toUpperCase() ?? '';
    const action = VERBS[verb];
    const target = TARGETS[verb]?.exec(f.value);
    if (action === undefined || !target?.[1]) {
      return grant(
        action ? [`dynamodb:${action}`] : every,
        scoped(f, 'PartiQL statement', () => undefined),
      );
    }
    const name = (s: string) => s.replace(/^"|"$/g, '');
    const tableResource = tableArn(call.scope, name(target[1]));
    const resource = target[2] ? `${tableResource}/index/${name(target[2])}` : tableResource;
    return grant([`dynamodb:${action}`], { resources: [resource] });
  });
}

function dynamicList(location: string, what: string): Scoped {
  return unscoped(`${runtimeValue(location)}, so the ${what} are known only at run time`);
}

/**
 * S3 authorizes object operations (those taking a Key) on `arn:aws:s3:::<bucket>/<key>` and
 * bucket operations on `arn:aws:s3:::<bucket>` ("Amazon S3 resources", S3 user guide).
 */
export const s3: SdkRule = (call) => {
  if (call.action === 'copyObject') return copyObject(call);
  const bucket = field(call.args, ['Bucket']);
  const key = field(call.args, ['Key']);
  // DeleteObjects lists its keys inside Delete.Objects; the bucket's objects are the narrowest stable scope.
  if (call.action === 'deleteObjects') {
    return grantCall(call, objects(call, bucket, key, 'DeleteObjects names its keys in Delete.Objects'));
  }
  if (key.kind === 'absent')
    return grantCall(
      call,
      scoped(bucket, 'S3 bucket', (b) => [bucketArn(call.scope, b)]),
    );
  return grantCall(call, objects(call, bucket, key));
};

function objects(call: SdkCall, bucket: Field, key: Field, whyAllObjects?: string): Scoped {
  if (bucket.kind !== 'literal') return scoped(bucket, 'S3 bucket', () => undefined);
  if (key.kind === 'literal' && whyAllObjects === undefined) {
    return { resources: [objectArn(call.scope, bucket.value, key.value)] };
  }
  const why = whyAllObjects ?? `${key.location} is not a literal key`;
  return {
    resources: [objectArn(call.scope, bucket.value, '*')],
    reason: `${why}, so the permission covers every object in the bucket`,
  };
}

/** CopyObject reads `CopySource` (`bucket/key`, URL-encoded) and writes Bucket/Key. */
function copyObject(call: SdkCall): readonly Grant[] {
  const source = field(call.args, ['CopySource']);
  const read = scoped(source, 'S3 source object', (s) => {
    const [path = ''] = s.replace(/^\//, '').split('?');
    const slash = path.indexOf('/');
    if (slash <= 0) return undefined;
    return [objectArn(call.scope, path.slice(0, slash), decodeURIComponent(path.slice(slash + 1)))];
  });
  const write = objects(call, field(call.args, ['Bucket']), field(call.args, ['Key']));
  return [grant(['s3:GetObject'], read), grant(['s3:PutObject'], write)];
}
