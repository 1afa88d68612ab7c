/**
 * The HTTP side of the local SQS endpoint: one POST `/` whose `X-Amz-Target` names the
 * operation. SigV4 signatures are not checked (the endpoint is loopback-only and local).
 */
import { createServer } from 'node:http';
import { type JsonApi, jsonApiHandler } from '../json-api.ts';
import { type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import type { MoveTask, Operation, SqsContext } from './context.ts';
import { internal, SqsApiError, serialization, unknownOperation } from './errors.ts';
import {
  changeMessageVisibility,
  changeMessageVisibilityBatch,
  deleteMessage,
  deleteMessageBatch,
} from './messages.ts';
import { BODY_LIMIT, CONTENT_TYPE, TARGET_PREFIX } from './protocol.ts';
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

type Shared = Omit<SqsContext, 'host'>;

const API: JsonApi<SqsContext, SqsApiError> = {
  service: 'SQS',
  targetPrefix: TARGET_PREFIX,
  contentType: CONTENT_TYPE,
  bodyLimit: BODY_LIMIT,
  operations: OPERATIONS,
  isApiError: (error): error is SqsApiError => error instanceof SqsApiError,
  unknownOperation,
  serialization,
  internal,
  errorHeaders: (error) => ({ 'x-amzn-query-error': error.queryError() }),
};

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
  // Queue URLs are built from the Host the client used (the edge, or this port).
  const handle = jsonApiHandler(
    API,
    (request) => ({ ...shared, host: request.headers.host ?? '127.0.0.1' }),
    log,
  );
  const server = createServer((request, response) => {
    void handle(request, response);
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
