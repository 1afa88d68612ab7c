/**
 * The local DynamoDB service: dynalite 4.0.0 in process, with the project's layer for what
 * dynalite lacks: StreamSpecification and change capture, the DynamoDB Streams API on the same
 * port, Time to Live with a sweeper, and TransactWriteItems. Tables, items, stream records and
 * TTL settings live in one LevelDB under `dataDir/tables`; a restart keeps them.
 *
 * Point the SDK at it with both variables set to `endpoint` (see `environment`):
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_DYNAMODB_STREAMS.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  endpointVariable,
  type Listening,
  type LocalService,
  type LocalServiceOptions,
  listen,
} from '../service.ts';
import { DynamoDbDataError, DynamoDbError } from './errors.ts';
import type { Backend } from './private/backend.ts';
import { capture } from './private/capture.ts';
import { dynaliteDb, offChange, onChange } from './private/dynalite.ts';
import { type StreamEvent, type StreamListener, subscribe, toEvent } from './private/events.ts';
import { createDynamoDbServer } from './private/server.ts';
import { StreamLog } from './private/stream-log.ts';
import { settleTables } from './private/tables.ts';
import { sweepExpired } from './private/ttl.ts';
import { TtlSettings } from './private/ttl-settings.ts';

export { DynamoDbApiError, DynamoDbDataError, DynamoDbError } from './errors.ts';
export type { StreamEvent, StreamListener } from './private/events.ts';

export interface DynamoDbOptions extends LocalServiceOptions {
  /** Epoch milliseconds for stream timestamps, iterator expiry, trimming and TTL; default Date.now. */
  readonly now?: () => number;
  /** How often expired items are deleted and old stream records trimmed; 0 turns the timer off. */
  readonly sweepIntervalMs?: number;
  /** How long tables stay CREATING, UPDATING or DELETING (dynalite's delay); default 0. */
  readonly tableTransitionMs?: number;
}

export interface DynamoDbStreams {
  readonly id: 'DYNAMODB_STREAMS';
  /** The same URL as the DynamoDB endpoint: the two APIs share the port. */
  readonly endpoint: string;
  /** The ARN of the table's enabled stream, as DescribeTable's LatestStreamArn; undefined if none. */
  latestStreamArn(tableName: string): string | undefined;
  /** Records after a sequence number (all retained ones without it), oldest first. */
  read(streamArn: string, options?: { afterSequenceNumber?: string; limit?: number }): StreamEvent[];
  /** Push delivery for the in-process Pipes runner; returns the unsubscribe function. */
  subscribe(streamArn: string, listener: StreamListener): () => void;
}

export interface DynamoDbService extends LocalService {
  readonly id: 'DYNAMODB';
  readonly streams: DynamoDbStreams;
  /** Runs the TTL sweep and stream trimming now; resolves with the number of items deleted. */
  sweep(): Promise<number>;
  /** The endpoint variables the AWS SDKs read, both set to this service. */
  readonly environment: Readonly<Record<string, string>>;
}

const DEFAULT_SWEEP_MS = 10_000;

async function openStore(options: DynamoDbOptions) {
  const path = join(options.dataDir, 'tables');
  await mkdir(path, { recursive: true });
  const transition = options.tableTransitionMs ?? 0;
  const store = dynaliteDb.create({
    path,
    createTableMs: transition,
    updateTableMs: transition,
    deleteTableMs: transition,
  });
  try {
    await store.db.open();
  } catch (error) {
    throw new DynamoDbDataError(
      `Cannot open the DynamoDB data at ${path}: another process may hold it (a second local cloud on the same data directory?).`,
      path,
      { cause: error },
    );
  }
  // dynalite reads the ARN's region and account from the environment; the options win here.
  store.tableDb.awsRegion = options.region ?? 'us-east-1';
  store.tableDb.awsAccountId = options.account ?? '111111111111';
  return store;
}

export async function startDynamoDb(options: DynamoDbOptions): Promise<DynamoDbService> {
  const store = await openStore(options);
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => {});
  const backend: Backend = {
    store,
    streams: await StreamLog.open(store.db, now),
    ttl: await TtlSettings.open(store.db),
    region: store.tableDb.awsRegion,
    account: store.tableDb.awsAccountId,
    now,
    log,
  };
  await settleTables(backend);
  onChange(store, async (table, old, item) => {
    await capture(backend, table, old, item);
  });

  const sweep = async () => {
    const deleted = await sweepExpired(backend);
    await backend.streams.trim();
    return deleted;
  };
  const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_MS;
  const timer =
    interval > 0
      ? setInterval(
          () => sweep().catch((error: unknown) => log(`dynamodb sweep failed: ${String(error)}`)),
          interval,
        )
      : undefined;
  timer?.unref();

  const server = createDynamoDbServer(backend);
  let listening: Listening;
  try {
    listening = await listen(server, options);
  } catch (error) {
    // Release the data directory: a caller may retry on another port.
    if (timer) clearInterval(timer);
    await store.lifecycleManager.gracefulClose();
    offChange(store);
    throw new DynamoDbError(
      `The local DynamoDB endpoint cannot listen on port ${options.port}: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const { endpoint } = listening;

  const streams: DynamoDbStreams = {
    id: 'DYNAMODB_STREAMS',
    endpoint,
    latestStreamArn: (tableName) =>
      backend.streams
        .list()
        .filter((m) => m.tableName === tableName && m.status === 'ENABLED')
        .at(-1)?.arn,
    read: (streamArn, { afterSequenceNumber, limit = 1000 } = {}) => {
      const stream = backend.streams.get(streamArn);
      if (!stream) return [];
      if (afterSequenceNumber !== undefined && !/^\d{1,40}$/.test(afterSequenceNumber)) {
        throw new DynamoDbError(
          `afterSequenceNumber '${afterSequenceNumber}' is not a sequence number: pass a record's dynamodb.SequenceNumber.`,
        );
      }
      const after = afterSequenceNumber === undefined ? -1n : BigInt(afterSequenceNumber);
      return backend.streams.after(stream, after, limit).map((e) => toEvent(e.record, streamArn));
    },
    subscribe: (streamArn, listener) => subscribe(backend.streams, streamArn, listener, log),
  };

  let closed: Promise<void> | undefined;
  return {
    id: 'DYNAMODB',
    endpoint,
    streams,
    sweep,
    environment: {
      [endpointVariable('DYNAMODB')]: endpoint,
      [endpointVariable('DYNAMODB_STREAMS')]: endpoint,
    },
    close: () => {
      closed ??= (async () => {
        if (timer) clearInterval(timer);
        await listening.stop();
        // Writes still in flight finish, with their stream records, before the hook goes.
        await store.lifecycleManager.gracefulClose();
        offChange(store);
      })();
      return closed;
    },
  };
}
