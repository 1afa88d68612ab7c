/**
 * Stream records as EventBridge Pipes (and Lambda) hand them to their target: the GetRecords
 * record plus `eventSourceARN`, with `userIdentity` spelled `{ type, principalId }` as in those
 * events, and the in-process subscription the local Pipes runner uses instead of polling.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html
 */
import type { StreamLog, WireRecord } from './stream-log.ts';

export interface StreamEvent extends Omit<WireRecord, 'userIdentity'> {
  readonly eventSourceARN: string;
  readonly userIdentity?: { readonly type: string; readonly principalId: string };
}

export type StreamListener = (event: StreamEvent) => void | Promise<void>;

export function toEvent(record: WireRecord, streamArn: string): StreamEvent {
  const { userIdentity, ...rest } = record;
  return {
    ...rest,
    eventSourceARN: streamArn,
    ...(userIdentity
      ? { userIdentity: { type: userIdentity.Type, principalId: userIdentity.PrincipalId } }
      : {}),
  };
}

/**
 * Calls `listener` with each new record of the stream, in sequence order, one at a time (an
 * async listener is awaited before the next record), after the write that made it returned.
 * A listener's failure is logged and does not stop later records: a consumer that must not
 * lose records keeps its own checkpoint and catches up with `read`.
 */
export function subscribe(
  streams: StreamLog,
  streamArn: string,
  listener: StreamListener,
  log: (line: string) => void,
): () => void {
  let queue = Promise.resolve();
  return streams.onRecord((record, meta) => {
    if (meta.arn !== streamArn) return;
    const event = toEvent(record, streamArn);
    queue = queue
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => listener(event))
      .catch((error: unknown) =>
        log(`dynamodb stream subscriber failed on ${event.dynamodb.SequenceNumber}: ${String(error)}`),
      );
  });
}
