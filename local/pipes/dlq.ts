/**
 * The dead-letter queue: what a pipe gives up on is described, not copied, in one SQS message
 * per batch, the shape Pipes writes for a stream source: `context` (the pipe's ARN and the
 * condition: RetryAttemptsExhausted, RecordAgeExceeded), `version`, `timestamp` and
 * `DDBStreamBatchInfo` (the shard and the first and last sequence numbers, to read the records
 * again from the stream while it keeps them).
 */
import { GetQueueUrlCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WireRecord } from './streams.ts';

export type DeadLetterCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

const isoSeconds = (epochSeconds: number) =>
  new Date(epochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function deadLetterBody(
  pipeArn: string,
  condition: DeadLetterCondition,
  streamArn: string,
  shardId: string,
  records: readonly WireRecord[],
  now: number,
): Record<string, unknown> {
  const first = records[0];
  const last = records.at(-1);
  return {
    context: { partnerResourceArn: pipeArn, condition },
    version: '1.0',
    timestamp: new Date(now).toISOString(),
    DDBStreamBatchInfo: {
      shardId,
      startSequenceNumber: first?.dynamodb.SequenceNumber,
      endSequenceNumber: last?.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: first && isoSeconds(first.dynamodb.ApproximateCreationDateTime),
      approximateArrivalOfLastRecord: last && isoSeconds(last.dynamodb.ApproximateCreationDateTime),
      batchSize: records.length,
      streamArn,
    },
  };
}

/** Sends one message to the queue the ARN names (its URL asked of SQS once). */
export class DeadLetterQueue {
  private url: string | undefined;

  constructor(
    private readonly client: SQSClient,
    private readonly queueArn: string,
  ) {}

  async send(body: Record<string, unknown>): Promise<void> {
    if (this.url === undefined) {
      const [, , , , account, name] = this.queueArn.split(':');
      const answer = await this.client.send(
        new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }),
      );
      this.url = answer.QueueUrl;
    }
    await this.client.send(new SendMessageCommand({ QueueUrl: this.url, MessageBody: JSON.stringify(body) }));
  }
}
