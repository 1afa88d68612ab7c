/**
 * Queue attributes: which can be set and to what (AWS's ranges), their defaults, and the
 * computed ones GetQueueAttributes answers (counts, ARN, timestamps).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
 */
import type { SqsContext } from './context.ts';
import { invalidAttributeName, invalidAttributeValue, unsupported } from './errors.ts';
import { nameFromArn, queueArn } from './names.ts';
import type { Queue, StoredMessage } from './store.ts';

const RANGES: Readonly<Record<string, readonly [number, number]>> = {
  DelaySeconds: [0, 900],
  MaximumMessageSize: [1024, 1048576],
  MessageRetentionPeriod: [60, 1209600],
  ReceiveMessageWaitTimeSeconds: [0, 20],
  VisibilityTimeout: [0, 43200],
  KmsDataKeyReusePeriodSeconds: [60, 86400],
};

const FREE_TEXT = new Set(['Policy', 'KmsMasterKeyId', 'RedriveAllowPolicy']);
const FIFO_ONLY = new Set(['ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit']);

export const DEFAULTS: Readonly<Record<string, string>> = {
  DelaySeconds: '0',
  MaximumMessageSize: '262144',
  MessageRetentionPeriod: '345600',
  ReceiveMessageWaitTimeSeconds: '0',
  VisibilityTimeout: '30',
  SqsManagedSseEnabled: 'true',
};

const COMPUTED = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'QueueArn',
] as const;

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

function checkRedrivePolicy(context: SqsContext, value: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidAttributeValue('RedrivePolicy', 'Redrive policy is not a valid JSON map.');
  }
  const policy = parsed as Partial<Record<string, unknown>>;
  const target = policy?.deadLetterTargetArn;
  const count = Number(policy?.maxReceiveCount);
  if (typeof target !== 'string') {
    throw invalidAttributeValue('RedrivePolicy', 'Redrive policy requires deadLetterTargetArn.');
  }
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw invalidAttributeValue(
      'RedrivePolicy',
      'Redrive policy maxReceiveCount must be an integer from 1 to 1000.',
    );
  }
  const name = nameFromArn(context, target);
  if (name === undefined || !context.store.queues.has(name)) {
    throw invalidAttributeValue('RedrivePolicy', `Dead letter target does not exist: ${target}.`);
  }
}

/** Checks attributes given to CreateQueue or SetQueueAttributes; answers those to store. */
export function checkAttributes(
  context: SqsContext,
  given: Record<string, string>,
  creating: boolean,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (name === 'FifoQueue') {
      if (value === 'true') {
        throw unsupported('The local SQS endpoint supports standard queues only: FifoQueue true is refused.');
      }
      if (!creating) throw invalidAttributeName(name);
      continue;
    }
    const range = RANGES[name];
    if (range) {
      const number = Number(value);
      if (value.trim() === '' || !Number.isInteger(number) || number < range[0] || number > range[1]) {
        throw invalidAttributeValue(
          name,
          `Must be an integer from ${range[0]} to ${range[1]}; got "${value}".`,
        );
      }
      kept[name] = String(number);
    } else if (name === 'SqsManagedSseEnabled') {
      if (value !== 'true' && value !== 'false') throw invalidAttributeValue(name, 'Must be true or false.');
      kept[name] = value;
    } else if (name === 'RedrivePolicy') {
      if (value !== '') checkRedrivePolicy(context, value);
      kept[name] = value;
    } else if (FREE_TEXT.has(name)) {
      kept[name] = value;
    } else if (FIFO_ONLY.has(name)) {
      throw invalidAttributeName(`${name} (it applies to FIFO queues only)`);
    } else {
      throw invalidAttributeName(name);
    }
  }
  return kept;
}

export function attribute(queue: Queue, name: string): string | undefined {
  const value = queue.meta.attributes[name] ?? DEFAULTS[name];
  return value === '' ? undefined : value;
}

export function numberAttribute(queue: Queue, name: string): number {
  return Number(attribute(queue, name) ?? 0);
}

export function redrivePolicy(queue: Queue): RedrivePolicy | undefined {
  const text = attribute(queue, 'RedrivePolicy');
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
  return { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: Number(parsed.maxReceiveCount) };
}

export type MessageState = 'visible' | 'inflight' | 'delayed';

export function stateOf(message: StoredMessage, now: number): MessageState {
  if (message.visibleAt <= now) return 'visible';
  return message.inflight ? 'inflight' : 'delayed';
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

/** GetQueueAttributes: the names asked for (`All` for every one), set or computed. */
export function viewAttributes(
  context: SqsContext,
  queue: Queue,
  names: readonly string[],
): Record<string, string> {
  const now = context.now();
  const counts = { visible: 0, inflight: 0, delayed: 0 };
  for (const message of queue.messages.values()) counts[stateOf(message, now)] += 1;
  const all: Record<string, string> = {
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inflight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    CreatedTimestamp: seconds(queue.meta.created),
    LastModifiedTimestamp: seconds(queue.meta.modified),
    QueueArn: queueArn(context, queue.meta.name),
  };
  for (const name of [...Object.keys(DEFAULTS), ...Object.keys(queue.meta.attributes)]) {
    const value = attribute(queue, name);
    if (value !== undefined) all[name] = value;
  }
  if (names.includes('All')) return all;
  const known = new Set([
    ...COMPUTED,
    ...Object.keys(RANGES),
    ...FREE_TEXT,
    'SqsManagedSseEnabled',
    'RedrivePolicy',
  ]);
  const answer: Record<string, string> = {};
  for (const name of names) {
    if (!known.has(name)) throw invalidAttributeName(name);
    const value = all[name];
    if (value !== undefined) answer[name] = value;
  }
  return answer;
}
