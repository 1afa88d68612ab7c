/**
 * Dead-letter queues. A receive that finds a message already received maxReceiveCount times
 * moves it to the RedrivePolicy's deadLetterTargetArn instead of returning it; the message keeps
 * its id, body, attributes and sent time (retention counts from the original send, as AWS).
 * StartMessageMoveTask moves a dead-letter queue's messages back to their source (or to
 * DestinationArn), done at once, so the task is COMPLETED when it is listed.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
 */
import { randomUUID } from 'node:crypto';
import { redrivePolicy } from './attributes.ts';
import type { Operation, SqsContext } from './context.ts';
import { invalidParameter, resourceNotFound } from './errors.ts';
import { nameFromArn, queueArn } from './names.ts';
import { sourcesOf } from './queues.ts';
import { optionalInteger, optionalString, requiredString } from './requests.ts';
import type { Entry, Queue, StoredMessage } from './store.ts';

/** The entries that move `message` to `queue`'s dead-letter queue, or undefined when it stays. */
export function deadLetter(context: SqsContext, queue: Queue, message: StoredMessage): Entry[] | undefined {
  const policy = redrivePolicy(queue);
  if (policy === undefined || message.receiveCount < policy.maxReceiveCount) return undefined;
  const target = nameFromArn(context, policy.deadLetterTargetArn);
  if (target === undefined || !context.store.queues.has(target)) return undefined;
  const moved: StoredMessage = {
    ...message,
    inflight: false,
    receipt: undefined,
    visibleAt: context.now(),
    deadLetterSource: queueArn(context, queue.meta.name),
  };
  return [
    { t: 'remove', queue: queue.meta.name, id: message.id },
    { t: 'message', queue: target, message: moved },
  ];
}

function queueByArn(context: SqsContext, member: string, arn: string): Queue {
  const name = nameFromArn(context, arn);
  const queue = name === undefined ? undefined : context.store.queues.get(name);
  if (queue === undefined)
    throw resourceNotFound(`${member} ${arn} is not a queue of this account and region.`);
  return queue;
}

export const startMessageMoveTask: Operation = async (context, body) => {
  const sourceArn = requiredString(body, 'SourceArn');
  const destinationArn = optionalString(body, 'DestinationArn');
  const rate = optionalInteger(body, 'MaxNumberOfMessagesPerSecond');
  if (rate !== undefined && (rate < 1 || rate > 500)) {
    throw invalidParameter('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500, if provided.');
  }
  const source = queueByArn(context, 'SourceArn', sourceArn);
  if (sourcesOf(context, source).length === 0) {
    throw invalidParameter('SourceArn', sourceArn, 'Source queue must be configured as a Dead Letter Queue.');
  }
  const destination =
    destinationArn === undefined ? undefined : queueByArn(context, 'DestinationArn', destinationArn);
  const entries: Entry[] = [];
  const touched = new Set<string>();
  const now = context.now();
  for (const message of source.messages.values()) {
    const target = destination?.meta.name ?? nameFromArn(context, message.deadLetterSource ?? '');
    if (target === undefined || !context.store.queues.has(target)) continue;
    const moved: StoredMessage = {
      ...message,
      inflight: false,
      receipt: undefined,
      visibleAt: now,
      receiveCount: 0,
    };
    delete moved.deadLetterSource;
    delete moved.firstReceive;
    entries.push(
      { t: 'remove', queue: source.meta.name, id: message.id },
      { t: 'message', queue: target, message: moved },
    );
    touched.add(target);
  }
  const count = entries.length / 2;
  await context.store.commit(...entries);
  for (const name of touched) context.waiters.notify(name);
  const handle = Buffer.from(JSON.stringify({ task: randomUUID(), sourceArn }), 'utf8').toString('base64');
  context.moveTasks.unshift({
    TaskHandle: handle,
    Status: 'COMPLETED',
    SourceArn: sourceArn,
    ...(destinationArn === undefined ? {} : { DestinationArn: destinationArn }),
    ApproximateNumberOfMessagesMoved: count,
    ApproximateNumberOfMessagesToMove: count,
    StartedTimestamp: now,
  });
  return { TaskHandle: handle };
};

export const listMessageMoveTasks: Operation = async (context, body) => {
  const sourceArn = requiredString(body, 'SourceArn');
  queueByArn(context, 'SourceArn', sourceArn);
  const max = optionalInteger(body, 'MaxResults') ?? 1;
  if (max < 1 || max > 10)
    throw invalidParameter('MaxResults', max, 'Must be between 1 and 10, if provided.');
  return { Results: context.moveTasks.filter((task) => task.SourceArn === sourceArn).slice(0, max) };
};

export const cancelMessageMoveTask: Operation = async (_context, body) => {
  const handle = requiredString(body, 'TaskHandle');
  // Local move tasks finish before StartMessageMoveTask answers: none is ever running.
  throw resourceNotFound(`Task ${handle.slice(0, 80)} is not running: local move tasks complete at once.`);
};
