/**
 * The HTTP side of the local SSM endpoint: one POST `/` whose `X-Amz-Target` names the
 * operation. SigV4 signatures are not checked (the endpoint is loopback-only and local).
 */
import { createServer } from 'node:http';
import { type JsonApi, jsonApiHandler } from '../json-api.ts';
import { type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import type { Operation, SsmContext } from './context.ts';
import { deleteParameter, deleteParameters } from './delete.ts';
import { describeParameters, getParameterHistory } from './describe.ts';
import { internal, SsmApiError, serialization, unknownOperation } from './errors.ts';
import { BODY_LIMIT, CONTENT_TYPE, TARGET_PREFIX } from './protocol.ts';
import { putParameter } from './put.ts';
import { getParameter, getParameters, getParametersByPath } from './read.ts';
import { ParameterStore } from './store.ts';

export interface SsmOptions extends LocalServiceOptions {
  /** Epoch milliseconds for LastModifiedDate (default Date.now). */
  readonly now?: () => number;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  PutParameter: putParameter,
  GetParameter: getParameter,
  GetParameters: getParameters,
  GetParametersByPath: getParametersByPath,
  DeleteParameter: deleteParameter,
  DeleteParameters: deleteParameters,
  DescribeParameters: describeParameters,
  GetParameterHistory: getParameterHistory,
};

const API: JsonApi<SsmContext, SsmApiError> = {
  service: 'SSM',
  targetPrefix: TARGET_PREFIX,
  contentType: CONTENT_TYPE,
  bodyLimit: BODY_LIMIT,
  operations: OPERATIONS,
  isApiError: (error): error is SsmApiError => error instanceof SsmApiError,
  unknownOperation,
  serialization,
  internal,
};

export async function startSsm(options: SsmOptions): Promise<LocalService> {
  const store = await ParameterStore.open(options.dataDir);
  const account = options.account ?? '111111111111';
  const context: SsmContext = {
    store,
    region: options.region ?? 'us-east-1',
    account,
    now: options.now ?? Date.now,
    user: `arn:aws:iam::${account}:root`,
  };
  const log = options.log ?? (() => undefined);
  const handle = jsonApiHandler(API, () => context, log);
  const server = createServer((request, response) => {
    void handle(request, response);
  });
  const { endpoint, stop } = await listen(server, options);
  let closing: Promise<void> | undefined;
  return {
    id: 'SSM',
    endpoint,
    close() {
      closing ??= stop().then(() => store.flush());
      return closing;
    },
  };
}
