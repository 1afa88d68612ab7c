/**
 * What the DynamoDB contract suite runs against: any endpoint that speaks DynamoDB and DynamoDB
 * Streams (this project's local service, or AWS's DynamoDB Local as the reference), plus the
 * controls only some targets have: virtual time and the TTL sweep, and a restart.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import {
  type _Record,
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';

export interface TargetControls {
  /** Moves the target's clock forward. */
  advance(ms: number): void;
  /** The target's clock, epoch milliseconds. */
  now(): number;
  /** Runs the TTL sweep and stream trimming now. */
  sweep(): Promise<number>;
  /** Stops the target and starts it again on the same data; resolves with the new endpoint. */
  restart(): Promise<string>;
}

export interface ContractTarget {
  readonly endpoint: string;
  readonly controls?: TargetControls;
}

export interface ContractOptions {
  /** Registers the tests that need TargetControls (virtual time, TTL sweep, restart). */
  readonly controlled: boolean;
  /** The `awsRegion` records carry: the client's region on AWS; DynamoDB Local says `ddblocal`. */
  readonly recordRegion: string;
}

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

export function clients(endpoint: string) {
  const config = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  return { db: new DynamoDBClient(config), streams: new DynamoDBStreamsClient(config) };
}

export type Clients = ReturnType<typeof clients>;

let counter = 0;
/** Unique per run, so a long-lived reference server never sees a name twice. */
export function tableName(prefix: string): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

export async function createTable(
  c: Clients,
  name: string,
  viewType?: StreamViewType,
  extra: Partial<CreateTableCommandInput> = {},
) {
  const created = await c.db.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      ...(viewType ? { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } } : {}),
      ...extra,
    }),
  );
  // Tables become ACTIVE right after creation on both targets; this waits for that turn only.
  for (let i = 0; i < 200; i++) {
    const { Table } = await c.db.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return { created: created.TableDescription, table: Table };
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new TypeError(`table ${name} did not become ACTIVE`);
}

export async function iterator(
  c: Clients,
  streamArn: string,
  type: ShardIteratorType,
  SequenceNumber?: string,
): Promise<string> {
  const { StreamDescription } = await c.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const ShardId = StreamDescription?.Shards?.[0]?.ShardId;
  const { ShardIterator } = await c.streams.send(
    new GetShardIteratorCommand({ StreamArn: streamArn, ShardId, ShardIteratorType: type, SequenceNumber }),
  );
  if (!ShardIterator) throw new TypeError('no ShardIterator');
  return ShardIterator;
}

/** Every record from the iterator on, following NextShardIterator until a page comes back empty. */
export async function drain(c: Clients, start: string): Promise<_Record[]> {
  const records: _Record[] = [];
  let next: string | undefined = start;
  for (let page = 0; next && page < 50; page++) {
    const out: GetRecordsCommandOutput = await c.streams.send(new GetRecordsCommand({ ShardIterator: next }));
    records.push(...(out.Records ?? []));
    if ((out.Records ?? []).length === 0) break;
    next = out.NextShardIterator;
  }
  return records;
}

export async function records(c: Clients, streamArn: string): Promise<_Record[]> {
  return drain(c, await iterator(c, streamArn, 'TRIM_HORIZON'));
}
