/**
 * The DynamoDB Streams API (`DynamoDBStreams_20120810.*`): ListStreams, DescribeStream,
 * GetShardIterator, GetRecords, over one open shard per stream. Iterators are opaque, expire 15
 * minutes after they are issued, and reading before the trim horizon is TrimmedDataAccess.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Operations_Amazon_DynamoDB_Streams.html
 */
import { z } from 'zod';
import { resourceNotFound, streamError, validation } from '../errors.ts';
import type { Backend, Operation } from './backend.ts';
import { parseRequest } from './input.ts';
import type { Stream, StreamMeta } from './stream-log.ts';

const ITERATOR_TTL_MS = 15 * 60 * 1000;
const Arn = z.string().min(37).max(1024);
const SequenceNumber = z.string().regex(/^\d{1,40}$/, 'Member must be a sequence number (digits)');

function requireStream(backend: Backend, arn: string): Stream {
  const stream = backend.streams.get(arn);
  if (!stream) throw resourceNotFound(`Requested resource not found: Stream: ${arn} not found`);
  return stream;
}

function lastSeq(stream: Stream): bigint {
  return stream.entries.at(-1)?.seq ?? BigInt(stream.meta.trimmedThrough ?? stream.meta.startSeq);
}

function trimmed(meta: StreamMeta, after: bigint): boolean {
  return meta.trimmedThrough !== undefined && after < BigInt(meta.trimmedThrough);
}

function trimmedError(): never {
  throw streamError(
    'TrimmedDataAccessException',
    'The operation attempted to read past the oldest stream record in a shard: the records asked for ' +
      'are older than 24 hours and were trimmed. Start again from TRIM_HORIZON.',
  );
}

interface IteratorState {
  readonly arn: string;
  readonly shard: string;
  readonly after: string;
  readonly issued: number;
}

const IteratorShape = z.object({ arn: z.string(), shard: z.string(), after: z.string(), issued: z.number() });

function encodeIterator(state: IteratorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeIterator(text: string): IteratorState {
  try {
    return IteratorShape.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw validation(
      'Invalid ShardIterator: pass a NextShardIterator or a GetShardIterator result unchanged.',
    );
  }
}

export const listStreams: Operation = async (backend, body) => {
  const request = parseRequest(
    z.strictObject({
      TableName: z.string().min(3).max(255).optional(),
      Limit: z.number().int().min(1).max(100).optional(),
      ExclusiveStartStreamArn: Arn.optional(),
    }),
    body,
  );
  await backend.streams.trim();
  const all = backend.streams.list().filter((m) => !request.TableName || m.tableName === request.TableName);
  const start = request.ExclusiveStartStreamArn
    ? all.findIndex((m) => m.arn === request.ExclusiveStartStreamArn) + 1
    : 0;
  const page = all.slice(start, start + (request.Limit ?? 100));
  const more = start + page.length < all.length;
  return {
    Streams: page.map((m) => ({ StreamArn: m.arn, TableName: m.tableName, StreamLabel: m.label })),
    ...(more ? { LastEvaluatedStreamArn: page.at(-1)?.arn } : {}),
  };
};

export const describeStream: Operation = async (backend, body) => {
  const request = parseRequest(
    z.strictObject({
      StreamArn: Arn,
      Limit: z.number().int().min(1).max(100).optional(),
      ExclusiveStartShardId: z.string().min(28).max(65).optional(),
    }),
    body,
  );
  await backend.streams.trim();
  const stream = requireStream(backend, request.StreamArn);
  const { meta } = stream;
  const closed = meta.status === 'DISABLED';
  const shard = {
    ShardId: meta.shardId,
    SequenceNumberRange: {
      StartingSequenceNumber: meta.startSeq,
      ...(closed ? { EndingSequenceNumber: lastSeq(stream).toString() } : {}),
    },
  };
  return {
    StreamDescription: {
      StreamArn: meta.arn,
      StreamLabel: meta.label,
      StreamStatus: meta.status,
      StreamViewType: meta.viewType,
      CreationRequestDateTime: meta.createdAt / 1000,
      TableName: meta.tableName,
      KeySchema: meta.keySchema,
      Shards: request.ExclusiveStartShardId === meta.shardId ? [] : [shard],
    },
  };
};

export const getShardIterator: Operation = async (backend, body) => {
  const request = parseRequest(
    z.strictObject({
      StreamArn: Arn,
      ShardId: z.string().min(28).max(65),
      ShardIteratorType: z.enum(['TRIM_HORIZON', 'LATEST', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER']),
      SequenceNumber: SequenceNumber.optional(),
    }),
    body,
  );
  await backend.streams.trim();
  const stream = requireStream(backend, request.StreamArn);
  const { meta } = stream;
  if (request.ShardId !== meta.shardId) {
    throw resourceNotFound(`Requested resource not found: Shard: ${request.ShardId} in Stream: ${meta.arn}`);
  }
  const horizon = BigInt(meta.trimmedThrough ?? meta.startSeq);
  let after: bigint;
  if (request.ShardIteratorType === 'TRIM_HORIZON') after = horizon;
  else if (request.ShardIteratorType === 'LATEST') after = lastSeq(stream);
  else {
    if (request.SequenceNumber === undefined) {
      throw validation(`SequenceNumber is required when ShardIteratorType is ${request.ShardIteratorType}.`);
    }
    const seq = BigInt(request.SequenceNumber);
    after = request.ShardIteratorType === 'AT_SEQUENCE_NUMBER' ? seq - 1n : seq;
    if (trimmed(meta, after)) trimmedError();
    if (seq < BigInt(meta.startSeq) || seq > lastSeq(stream)) {
      throw validation(
        `Invalid SequenceNumber ${request.SequenceNumber} for shard ${meta.shardId}: it is outside the ` +
          `shard's range ${meta.startSeq}..${lastSeq(stream)}.`,
      );
    }
  }
  const state = { arn: meta.arn, shard: meta.shardId, after: after.toString(), issued: backend.now() };
  return { ShardIterator: encodeIterator(state) };
};

export const getRecords: Operation = async (backend, body) => {
  const request = parseRequest(
    z.strictObject({
      ShardIterator: z.string().min(1).max(2048),
      Limit: z.number().int().min(1).max(1000).optional(),
    }),
    body,
  );
  const state = decodeIterator(request.ShardIterator);
  const now = backend.now();
  if (now - state.issued > ITERATOR_TTL_MS) {
    throw streamError(
      'ExpiredIteratorException',
      `Iterator expired. The iterator was created at time ${new Date(state.issued).toISOString()} while right ` +
        `now it is ${new Date(now).toISOString()} which is further in the future than the tolerated delay of ` +
        `${ITERATOR_TTL_MS} milliseconds.`,
    );
  }
  await backend.streams.trim();
  const stream = requireStream(backend, state.arn);
  const after = BigInt(state.after);
  if (trimmed(stream.meta, after)) trimmedError();
  const entries = backend.streams.after(stream, after, request.Limit ?? 1000);
  const next = entries.at(-1)?.seq ?? after;
  // A closed shard read to its end has no next iterator: that is how readers learn it is done.
  const done = stream.meta.status === 'DISABLED' && next >= lastSeq(stream);
  return {
    Records: entries.map((e) => e.record),
    ...(done ? {} : { NextShardIterator: encodeIterator({ ...state, after: next.toString(), issued: now }) }),
  };
};
