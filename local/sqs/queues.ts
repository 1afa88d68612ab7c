/** Queue operations: create, find, list, delete, attributes, tags, purge. */
import { checkAttributes, viewAttributes } from './attributes.ts';
import type { Operation, SqsContext } from './context.ts';
import { invalidParameter, queueDoesNotExist, queueNameExists, SqsApiError } from './errors.ts';
import { checkQueueName, nameFromArn, nameFromUrl, queueUrl } from './names.ts';
import {
  type Body,
  optionalInteger,
  optionalString,
  requiredString,
  stringList,
  stringMap,
} from './requests.ts';
import type { Queue } from './store.ts';

/** AWS: "You must wait 60 seconds after deleting a queue before you can create another with the same name." */
const RECREATE_WAIT_MS = 60_000;
/** AWS: "Only one PurgeQueue operation on a queue is allowed every 60 seconds." */
const PURGE_WAIT_MS = 60_000;

export function queueOf(context: SqsContext, body: Body): Queue {
  const url = requiredString(body, 'QueueUrl');
  const queue = context.store.queues.get(nameFromUrl(context, url));
  if (queue === undefined) throw queueDoesNotExist(url);
  return queue;
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

export const createQueue: Operation = async (context, body) => {
  const name = requiredString(body, 'QueueName');
  checkQueueName(name);
  const attributes = checkAttributes(context, stringMap(body, 'Attributes'), true);
  const tags = stringMap(body, 'tags');
  const existing = context.store.queues.get(name);
  if (existing) {
    if (!sameMap(existing.meta.attributes, attributes)) throw queueNameExists(name);
    return { QueueUrl: queueUrl(context.host, context, name) };
  }
  const deleted = context.deleted.get(name);
  if (deleted !== undefined && context.now() - deleted < RECREATE_WAIT_MS) {
    throw new SqsApiError(
      'QueueDeletedRecently',
      `You must wait 60 seconds after deleting a queue before you can create another with the same name (${name}).`,
    );
  }
  const now = context.now();
  await context.store.commit({ t: 'queue', queue: { name, created: now, modified: now, attributes, tags } });
  return { QueueUrl: queueUrl(context.host, context, name) };
};

export const getQueueUrl: Operation = async (context, body) => {
  const name = requiredString(body, 'QueueName');
  const owner = optionalString(body, 'QueueOwnerAWSAccountId');
  if ((owner !== undefined && owner !== context.account) || !context.store.queues.has(name)) {
    throw queueDoesNotExist(name);
  }
  return { QueueUrl: queueUrl(context.host, context, name) };
};

export const listQueues: Operation = async (context, body) => {
  const prefix = optionalString(body, 'QueueNamePrefix') ?? '';
  const max = optionalInteger(body, 'MaxResults');
  if (max !== undefined && (max < 1 || max > 1000)) {
    throw invalidParameter('MaxResults', max, 'Must be between 1 and 1000, if provided.');
  }
  const token = optionalString(body, 'NextToken');
  const after = token === undefined ? '' : Buffer.from(token, 'base64url').toString('utf8');
  const names = [...context.store.queues.keys()]
    .filter((name) => name.startsWith(prefix) && name > after)
    .sort();
  // Without MaxResults AWS answers at most 1,000 and no token.
  const page = names.slice(0, max ?? 1000);
  const more = max !== undefined && names.length > page.length;
  return {
    QueueUrls: page.map((name) => queueUrl(context.host, context, name)),
    ...(more ? { NextToken: Buffer.from(page[page.length - 1] ?? '', 'utf8').toString('base64url') } : {}),
  };
};

export const deleteQueue: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  context.deleted.set(queue.meta.name, context.now());
  await context.store.commit({ t: 'dropQueue', name: queue.meta.name });
  context.waiters.notify(queue.meta.name);
  return {};
};

export const getQueueAttributes: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const names = stringList(body, 'AttributeNames');
  return { Attributes: viewAttributes(context, queue, names) };
};

export const setQueueAttributes: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const changes = checkAttributes(context, stringMap(body, 'Attributes'), false);
  const attributes = { ...queue.meta.attributes, ...changes };
  for (const [name, value] of Object.entries(attributes)) if (value === '') delete attributes[name];
  await context.store.commit({ t: 'queue', queue: { ...queue.meta, attributes, modified: context.now() } });
  return {};
};

export const purgeQueue: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const name = queue.meta.name;
  const last = context.purged.get(name);
  if (last !== undefined && context.now() - last < PURGE_WAIT_MS) {
    throw new SqsApiError(
      'PurgeQueueInProgress',
      `Only one PurgeQueue operation on ${name} is allowed every 60 seconds.`,
    );
  }
  context.purged.set(name, context.now());
  await context.store.commit({ t: 'purge', queue: name });
  return {};
};

export const tagQueue: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const tags = { ...queue.meta.tags, ...stringMap(body, 'Tags') };
  await context.store.commit({ t: 'queue', queue: { ...queue.meta, tags } });
  return {};
};

export const untagQueue: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const tags = { ...queue.meta.tags };
  for (const key of stringList(body, 'TagKeys')) delete tags[key];
  await context.store.commit({ t: 'queue', queue: { ...queue.meta, tags } });
  return {};
};

export const listQueueTags: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  return Object.keys(queue.meta.tags).length === 0 ? {} : { Tags: queue.meta.tags };
};

/** The queues whose RedrivePolicy names this queue as their dead-letter queue. */
export function sourcesOf(context: SqsContext, deadLetter: Queue): Queue[] {
  return [...context.store.queues.values()].filter((queue) => {
    const text = queue.meta.attributes.RedrivePolicy;
    if (text === undefined || text === '') return false;
    const target = (JSON.parse(text) as { deadLetterTargetArn: string }).deadLetterTargetArn;
    return nameFromArn(context, target) === deadLetter.meta.name;
  });
}

export const listDeadLetterSourceQueues: Operation = async (context, body) => {
  const queue = queueOf(context, body);
  const names = sourcesOf(context, queue)
    .map((source) => source.meta.name)
    .sort();
  return { queueUrls: names.map((name) => queueUrl(context.host, context, name)) };
};
