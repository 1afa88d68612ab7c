/**
 * The DynamoDB Streams API as a pipe reads it: DescribeStream for the shards, GetShardIterator
 * and GetRecords, over HTTP (AWS JSON 1.0, unsigned: the local endpoints do not check
 * signatures). Records stay in the wire shape, which is what Pipes hands its target.
 */
import { PipesError } from './errors.ts';

export interface WireRecord {
  readonly eventID: string;
  readonly eventName: string;
  readonly eventVersion?: string;
  readonly eventSource?: string;
  readonly awsRegion?: string;
  readonly dynamodb: {
    readonly ApproximateCreationDateTime: number;
    readonly SequenceNumber: string;
    readonly SizeBytes?: number;
    readonly [member: string]: unknown;
  };
  readonly userIdentity?: { readonly PrincipalId: string; readonly Type: string };
}

/** A failure the Streams API answered, by its AWS name (ExpiredIteratorException, ...). */
export class StreamsApiFailure extends PipesError {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`DynamoDB Streams answered ${type}: ${message}`);
    this.name = 'StreamsApiFailure';
  }
}

export class StreamsClient {
  constructor(private readonly endpoint: () => string) {}

  private async call<T>(operation: string, body: Record<string, unknown>): Promise<T> {
    const response = await fetch(this.endpoint(), {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) {
      const type = String(answer.__type ?? 'UnknownError');
      throw new StreamsApiFailure(
        type.slice(type.indexOf('#') + 1),
        String(answer.message ?? answer.Message ?? ''),
      );
    }
    return answer as T;
  }

  async shards(streamArn: string): Promise<string[]> {
    const answer = await this.call<{ StreamDescription: { Shards?: { ShardId: string }[] } }>(
      'DescribeStream',
      {
        StreamArn: streamArn,
      },
    );
    return (answer.StreamDescription.Shards ?? []).map((s) => s.ShardId);
  }

  async iterator(
    streamArn: string,
    shardId: string,
    position: { type: 'TRIM_HORIZON' | 'LATEST' } | { type: 'AFTER_SEQUENCE_NUMBER'; sequenceNumber: string },
  ): Promise<string> {
    const answer = await this.call<{ ShardIterator: string }>('GetShardIterator', {
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: position.type,
      ...('sequenceNumber' in position ? { SequenceNumber: position.sequenceNumber } : {}),
    });
    return answer.ShardIterator;
  }

  async records(iterator: string, limit: number): Promise<{ records: WireRecord[]; next?: string }> {
    const answer = await this.call<{ Records?: WireRecord[]; NextShardIterator?: string }>('GetRecords', {
      ShardIterator: iterator,
      Limit: limit,
    });
    return {
      records: answer.Records ?? [],
      ...(answer.NextShardIterator ? { next: answer.NextShardIterator } : {}),
    };
  }
}

/** The record as Pipes sends it: the GetRecords record, `eventSourceARN`, `userIdentity` lower-cased. */
export function toPipeEvent(record: WireRecord, streamArn: string): Record<string, unknown> {
  const { userIdentity, ...rest } = record;
  return {
    ...rest,
    eventSourceARN: streamArn,
    ...(userIdentity
      ? { userIdentity: { type: userIdentity.Type, principalId: userIdentity.PrincipalId } }
      : {}),
  };
}
