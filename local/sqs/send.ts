/**
 * SendMessage and SendMessageBatch. AWS's rules: a body of 1 byte up to the queue's
 * MaximumMessageSize (body, attribute names, types and values together; 256 KiB by default),
 * only the XML character set, DelaySeconds 0 to 900, at most 10 message attributes.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 */
import { randomUUID } from 'node:crypto';
import { numberAttribute } from './attributes.ts';
import { entriesOf, runBatch } from './batch.ts';
import type { Operation, SqsContext } from './context.ts';
import { batchTooLong, invalidMessageContents, invalidParameter, serialization } from './errors.ts';
import { md5, md5OfAttributes } from './md5.ts';
import { queueOf } from './queues.ts';
import { type Body, optionalInteger, optionalString, requiredString } from './requests.ts';
import type { MessageAttributeValue, Queue, StoredMessage } from './store.ts';

/** https://www.w3.org/TR/REC-xml/#charsets, as the SQS quotas page lists them (lone surrogates fail). */
function hasInvalidCharacter(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const valid =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!valid) return true;
  }
  return false;
}
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;
const MAX_ATTRIBUTES = 10;
/** AWS: the sum of a batch's messages may not pass 256 KiB (or the queue's larger maximum). */
const BATCH_LIMIT = 262_144;

function attributesOf(body: Body, member: string, system: boolean): Record<string, MessageAttributeValue> {
  const given = body[member];
  if (given === undefined || given === null) return {};
  if (typeof given !== 'object' || Array.isArray(given)) throw serialization(`${member} must be a map.`);
  const entries = Object.entries(given as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalidParameter(
      member,
      `${entries.length} attributes`,
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  const answer: Record<string, MessageAttributeValue> = {};
  for (const [name, raw] of entries) {
    if (system && name !== 'AWSTraceHeader') {
      throw invalidParameter(
        member,
        name,
        'The only message system attribute you can send is AWSTraceHeader.',
      );
    }
    const bad =
      !ATTRIBUTE_NAME.test(name) ||
      name.includes('..') ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      /^(aws\.|amazon\.)/i.test(name);
    if (bad) {
      throw invalidParameter(
        'MessageAttribute.Name',
        name,
        'Names hold up to 256 of A-Z, a-z, 0-9, _, -, . ; no leading, trailing or double period, no AWS. or Amazon. prefix.',
      );
    }
    const value = (raw ?? {}) as Partial<MessageAttributeValue>;
    const type = value.DataType;
    if (typeof type !== 'string' || !DATA_TYPE.test(type)) {
      throw invalidParameter(
        `MessageAttribute.${name}.DataType`,
        type,
        'Must be String, Number or Binary, optionally with a .custom suffix.',
      );
    }
    if (type.startsWith('Binary')) {
      if (typeof value.BinaryValue !== 'string') {
        throw invalidParameter(
          `MessageAttribute.${name}`,
          'no BinaryValue',
          'A Binary attribute needs a BinaryValue.',
        );
      }
      answer[name] = { DataType: type, BinaryValue: value.BinaryValue };
    } else {
      if (typeof value.StringValue !== 'string' || value.StringValue === '') {
        throw invalidParameter(
          `MessageAttribute.${name}`,
          'no StringValue',
          `A ${type} attribute needs a non-empty StringValue.`,
        );
      }
      if (type.startsWith('Number') && !Number.isFinite(Number(value.StringValue))) {
        throw invalidParameter(
          `MessageAttribute.${name}`,
          value.StringValue,
          'A Number attribute holds a number.',
        );
      }
      if (hasInvalidCharacter(value.StringValue)) {
        throw invalidMessageContents(
          `Message attribute ${name} contains characters outside the allowed set.`,
        );
      }
      answer[name] = { DataType: type, StringValue: value.StringValue };
    }
  }
  return answer;
}

/** Body, attribute names, types and values, in bytes: what AWS counts against the size limit. */
function sizeOf(body: string, attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType);
    size +=
      value.BinaryValue !== undefined
        ? Buffer.from(value.BinaryValue, 'base64').length
        : Buffer.byteLength(value.StringValue ?? '');
  }
  return size;
}

interface Prepared {
  readonly message: StoredMessage;
  readonly size: number;
}

function prepare(context: SqsContext, queue: Queue, entry: Body): Prepared {
  const body = requiredString(entry, 'MessageBody');
  if (body === '')
    throw invalidParameter('MessageBody', '(empty)', 'The message body must be at least 1 character.');
  if (hasInvalidCharacter(body)) {
    throw invalidMessageContents(
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.',
    );
  }
  if (optionalString(entry, 'MessageDeduplicationId') !== undefined) {
    throw invalidParameter(
      'MessageDeduplicationId',
      '(given)',
      'The request includes a parameter that is not valid for this queue type (standard).',
    );
  }
  const group = optionalString(entry, 'MessageGroupId');
  const delay = optionalInteger(entry, 'DelaySeconds') ?? numberAttribute(queue, 'DelaySeconds');
  if (delay < 0 || delay > 900)
    throw invalidParameter('DelaySeconds', delay, 'Must be between 0 and 900, if provided.');
  const attributes = attributesOf(entry, 'MessageAttributes', false);
  const system = attributesOf(entry, 'MessageSystemAttributes', true);
  if (group !== undefined) system.MessageGroupId = { DataType: 'String', StringValue: group };
  const size = sizeOf(body, attributes);
  const limit = numberAttribute(queue, 'MaximumMessageSize');
  if (size > limit) {
    throw invalidParameter('MessageBody', `of ${size} bytes`, `Message must be shorter than ${limit} bytes.`);
  }
  const now = context.now();
  return {
    size,
    message: {
      id: randomUUID(),
      body,
      attributes,
      system,
      sent: now,
      visibleAt: now + delay * 1000,
      receiveCount: 0,
      inflight: false,
    },
  };
}

function answerOf(message: StoredMessage): Record<string, unknown> {
  const attributes = md5OfAttributes(message.attributes);
  const system = md5OfAttributes(message.system);
  return {
    MessageId: message.id,
    MD5OfMessageBody: md5(message.body),
    ...(attributes === undefined ? {} : { MD5OfMessageAttributes: attributes }),
    ...(system === undefined ? {} : { MD5OfMessageSystemAttributes: system }),
  };
}

export const sendMessage: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const { message } = prepare(context, queue, body);
  await context.store.commit({ t: 'message', queue: queue.meta.name, message });
  context.waiters.notify(queue.meta.name);
  return answerOf(message);
};

export const sendMessageBatch: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const entries = entriesOf(body, 'SendMessageBatchRequest');
  const limit = Math.max(BATCH_LIMIT, numberAttribute(queue, 'MaximumMessageSize'));
  let total = 0;
  for (const { entry } of entries) {
    const text = typeof entry.MessageBody === 'string' ? entry.MessageBody : '';
    total += Buffer.byteLength(text, 'utf8');
  }
  if (total > limit) throw batchTooLong(total, limit);
  const messages: StoredMessage[] = [];
  const answer = await runBatch(entries, async (_id, entry) => {
    const { message } = prepare(context, queue, entry);
    messages.push(message);
    return answerOf(message);
  });
  await context.store.commit(
    ...messages.map((message) => ({ t: 'message' as const, queue: queue.meta.name, message })),
  );
  if (messages.length > 0) context.waiters.notify(queue.meta.name);
  return answer;
};
