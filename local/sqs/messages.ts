/**
 * DeleteMessage(Batch) and ChangeMessageVisibility(Batch), by receipt handle. As AWS: deleting
 * a message already gone succeeds; a handle from an earlier receive deletes nothing.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html
 */
import { stateOf } from './attributes.ts';
import { entriesOf, runBatch } from './batch.ts';
import type { Operation, SqsContext } from './context.ts';
import { invalidParameter, messageNotInflight } from './errors.ts';
import { queueOf } from './queues.ts';
import { decodeReceipt } from './receipts.ts';
import { type Body, optionalInteger, requiredString } from './requests.ts';
import type { Queue } from './store.ts';

async function deleteOne(context: SqsContext, queue: Queue, entry: Body): Promise<void> {
  const handle = requiredString(entry, 'ReceiptHandle');
  const receipt = decodeReceipt(handle, queue.meta.name);
  const message = queue.messages.get(receipt.id);
  if (message === undefined || message.receipt !== receipt.nonce) return;
  await context.store.commit({ t: 'remove', queue: queue.meta.name, id: receipt.id });
}

async function changeOne(context: SqsContext, queue: Queue, entry: Body): Promise<void> {
  const handle = requiredString(entry, 'ReceiptHandle');
  const timeout = optionalInteger(entry, 'VisibilityTimeout');
  if (timeout === undefined || timeout < 0 || timeout > 43200) {
    throw invalidParameter('VisibilityTimeout', timeout, 'Must be between 0 and 43200.');
  }
  const receipt = decodeReceipt(handle, queue.meta.name);
  const message = queue.messages.get(receipt.id);
  const now = context.now();
  if (message === undefined || message.receipt !== receipt.nonce) {
    throw invalidParameter(
      'ReceiptHandle',
      handle.slice(0, 80),
      'Message does not exist or is not available for visibility timeout change.',
    );
  }
  if (stateOf(message, now) !== 'inflight') throw messageNotInflight();
  const next = { ...message, visibleAt: now + timeout * 1000, inflight: timeout > 0 };
  await context.store.commit({ t: 'message', queue: queue.meta.name, message: next });
  if (timeout === 0) context.waiters.notify(queue.meta.name);
}

export const deleteMessage: Operation = async (context, body) => {
  await deleteOne(context, queueOf(context, body), body);
  return {};
};

export const deleteMessageBatch: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  return runBatch(entriesOf(body, 'DeleteMessageBatchRequest'), async (_id, entry) => {
    await deleteOne(context, queue, entry);
    return {};
  });
};

export const changeMessageVisibility: Operation = async (context, body) => {
  await changeOne(context, queueOf(context, body), body);
  return {};
};

export const changeMessageVisibilityBatch: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  return runBatch(entriesOf(body, 'ChangeMessageVisibilityBatchRequest'), async (_id, entry) => {
    await changeOne(context, queue, entry);
    return {};
  });
};
