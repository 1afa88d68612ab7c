/**
 * The HTTP side of the local SQS endpoint: one POST `/` whose `X-Amz-Target` names the
 * operation. SigV4 signatures are not checked (the endpoint is loopback-only and local).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeFailure, type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import type { MoveTask, Operation, SqsContext } from './context.ts';
import { internal, SqsApiError, serialization, unknownOperation } from './errors.ts';
import {
  changeMessageVisibility,
  changeMessageVisibilityBatch,
  deleteMessage,
  deleteMessageBatch,
} from './messages.ts';
import { readJson, sendError, sendResult, TARGET_PREFIX } from './protocol.ts';
import {
  createQueue,
  deleteQueue,
  getQueueAttributes,
  getQueueUrl,
  listDeadLetterSourceQueues,
  listQueues,
  listQueueTags,
  purgeQueue,
  setQueueAttributes,
  tagQueue,
  untagQueue,
} from './queues.ts';
import { receiveMessage } from './receive.ts';
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from './redrive.ts';
import { sendMessage, sendMessageBatch } from './send.ts';
import { QueueStore } from './store.ts';
import { Waiters } from './waiters.ts';

export interface SqsOptions extends LocalServiceOptions {
  /** Epoch milliseconds for message timestamps and visibility (default Date.now). */
  readonly now?: () => number;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateQueue: createQueue,
  GetQueueUrl: getQueueUrl,
  ListQueues: listQueues,
  DeleteQueue: deleteQueue,
  GetQueueAttributes: getQueueAttributes,
  SetQueueAttributes: setQueueAttributes,
  PurgeQueue: purgeQueue,
  TagQueue: tagQueue,
  UntagQueue: untagQueue,
  ListQueueTags: listQueueTags,
  ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
  SendMessage: sendMessage,
  SendMessageBatch: sendMessageBatch,
  ReceiveMessage: receiveMessage,
  DeleteMessage: deleteMessage,
  DeleteMessageBatch: deleteMessageBatch,
  ChangeMessageVisibility: changeMessageVisibility,
  ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
  StartMessageMoveTask: startMessageMoveTask,
  ListMessageMoveTasks: listMessageMoveTasks,
  CancelMessageMoveTask: cancelMessageMoveTask,
};

function operationOf(target: string | undefined): [string, Operation] | undefined {
  if (target === undefined || !target.startsWith(TARGET_PREFIX)) return undefined;
  const name = target.slice(TARGET_PREFIX.length);
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  return operation === undefined ? undefined : [name, operation];
}

type Shared = Omit<SqsContext, 'host'>;

async function handle(
  shared: Shared,
  log: (line: string) => void,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const header = request.headers['x-amz-target'];
  const target = Array.isArray(header) ? header[0] : header;
  const found = operationOf(target);
  const label = found?.[0] ?? 'unknown operation';
  try {
    if (request.method !== 'POST' || found === undefined)
      throw unknownOperation(target, Object.keys(OPERATIONS));
    const body = await readJson(request);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw serialization(`The ${label} request body must be a JSON object.`);
    }
    const context: SqsContext = { ...shared, host: request.headers.host ?? '127.0.0.1' };
    sendResult(response, await found[1](context, body as Record<string, unknown>));
    log(`SQS ${label} 200`);
  } catch (error) {
    const answer = error instanceof SqsApiError ? error : internal();
    if (!(error instanceof SqsApiError)) log(`SQS ${label} failed: ${describeFailure(error)}`);
    sendError(response, answer);
    log(`SQS ${label} ${answer.status} ${answer.name}`);
  }
}

export async function startSqs(options: SqsOptions): Promise<LocalService> {
  const store = await QueueStore.open(options.dataDir);
  const waiters = new Waiters();
  const shared: Shared = {
    store,
    region: options.region ?? 'us-east-1',
    account: options.account ?? '111111111111',
    now: options.now ?? Date.now,
    waiters,
    deleted: new Map(),
    purged: new Map(),
    moveTasks: [] as MoveTask[],
  };
  const log = options.log ?? (() => undefined);
  const server = createServer((request, response) => {
    void handle(shared, log, request, response);
  });
  const { endpoint, stop } = await listen(server, options);
  let closing: Promise<void> | undefined;
  return {
    id: 'SQS',
    endpoint,
    close() {
      waiters.close();
      closing ??= stop().then(() => store.close());
      return closing;
    },
  };
}
