/**
 * ReceiveMessage: up to MaxNumberOfMessages (1 to 10) visible messages, each hidden for the
 * VisibilityTimeout (0 to 43,200 s), waiting up to WaitTimeSeconds (0 to 20) for one to arrive
 * (long polling). A message past its queue's maxReceiveCount goes to the dead-letter queue
 * instead; one past MessageRetentionPeriod is dropped.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
import { numberAttribute, stateOf } from './attributes.ts';
import type { Operation, SqsContext } from './context.ts';
import { invalidParameter } from './errors.ts';
import { md5, md5OfAttributes } from './md5.ts';
import { queueOf } from './queues.ts';
import { encodeReceipt, newNonce } from './receipts.ts';
import { deadLetter } from './redrive.ts';
import { type Body, optionalInteger, stringList } from './requests.ts';
import type { Entry, MessageAttributeValue, Queue, StoredMessage } from './store.ts';

function bounded(body: Body, name: string, fallback: number, min: number, max: number): number {
  const value = optionalInteger(body, name) ?? fallback;
  if (value < min || value > max)
    throw invalidParameter(name, value, `Must be between ${min} and ${max}, if provided.`);
  return value;
}

function pick<T>(all: Readonly<Record<string, T>>, names: readonly string[]): Record<string, T> {
  if (names.includes('All') || names.includes('.*')) return { ...all };
  const answer: Record<string, T> = {};
  for (const [name, value] of Object.entries(all)) {
    const wanted = names.some(
      (asked) => asked === name || (asked.endsWith('.*') && name.startsWith(asked.slice(0, -1))),
    );
    if (wanted) answer[name] = value;
  }
  return answer;
}

function systemAttributes(context: SqsContext, message: StoredMessage): Record<string, string> {
  const answer: Record<string, string> = {
    SenderId: context.account,
    SentTimestamp: String(message.sent),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceive ?? message.sent),
  };
  for (const [name, value] of Object.entries(message.system))
    if (value.StringValue) answer[name] = value.StringValue;
  if (message.deadLetterSource) answer.DeadLetterQueueSourceArn = message.deadLetterSource;
  return answer;
}

/** Takes what can be received now; answers the entries to commit and the messages received. */
function take(
  context: SqsContext,
  queue: Queue,
  max: number,
  visibility: number,
): [Entry[], StoredMessage[]] {
  const now = context.now();
  const retention = numberAttribute(queue, 'MessageRetentionPeriod') * 1000;
  const entries: Entry[] = [];
  const received: StoredMessage[] = [];
  for (const message of queue.messages.values()) {
    if (received.length >= max) break;
    if (message.sent + retention <= now) {
      entries.push({ t: 'remove', queue: queue.meta.name, id: message.id });
      continue;
    }
    if (stateOf(message, now) !== 'visible') continue;
    const moves = deadLetter(context, queue, message);
    if (moves) {
      entries.push(...moves);
      continue;
    }
    const next: StoredMessage = {
      ...message,
      receiveCount: message.receiveCount + 1,
      firstReceive: message.firstReceive ?? now,
      receipt: newNonce(),
      inflight: visibility > 0,
      visibleAt: now + visibility * 1000,
    };
    entries.push({ t: 'message', queue: queue.meta.name, message: next });
    received.push(next);
  }
  return [entries, received];
}

export const receiveMessage: Operation = async (context, body) => {
  let queue = queueOf(context, body);
  const max = bounded(body, 'MaxNumberOfMessages', 1, 1, 10);
  const visibility = bounded(
    body,
    'VisibilityTimeout',
    numberAttribute(queue, 'VisibilityTimeout'),
    0,
    43200,
  );
  const wait = bounded(
    body,
    'WaitTimeSeconds',
    numberAttribute(queue, 'ReceiveMessageWaitTimeSeconds'),
    0,
    20,
  );
  const systemNames = [
    ...stringList(body, 'AttributeNames'),
    ...stringList(body, 'MessageSystemAttributeNames'),
  ];
  const attributeNames = stringList(body, 'MessageAttributeNames');
  const deadline = Date.now() + wait * 1000;
  let received: StoredMessage[] = [];
  for (;;) {
    const [entries, taken] = take(context, queue, max, visibility);
    await context.store.commit(...entries);
    received = taken;
    if (received.length > 0 || Date.now() >= deadline || context.waiters.closed) break;
    await context.waiters.wait(queue.meta.name, deadline);
    queue = queueOf(context, body);
  }
  if (received.length === 0) return {};
  return {
    Messages: received.map((message) => {
      const attributes = pick<MessageAttributeValue>(message.attributes, attributeNames);
      const attributesMd5 = md5OfAttributes(attributes);
      const system = pick(systemAttributes(context, message), systemNames);
      return {
        MessageId: message.id,
        ReceiptHandle: encodeReceipt({
          queue: queue.meta.name,
          id: message.id,
          nonce: message.receipt ?? '',
        }),
        MD5OfBody: md5(message.body),
        Body: message.body,
        ...(Object.keys(system).length > 0 ? { Attributes: system } : {}),
        ...(attributesMd5 === undefined
          ? {}
          : { MD5OfMessageAttributes: attributesMd5, MessageAttributes: attributes }),
      };
    }),
  };
};
