/**
 * The HTTP side of the local SSM endpoint: one POST `/` whose `X-Amz-Target` names the
 * operation. SigV4 signatures are not checked (the endpoint is loopback-only and local).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeFailure, type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import type { Operation, SsmContext } from './context.ts';
import { deleteParameter, deleteParameters } from './delete.ts';
import { describeParameters, getParameterHistory } from './describe.ts';
import { internal, SsmApiError, serialization, unknownOperation } from './errors.ts';
import { readJson, sendError, sendResult, TARGET_PREFIX } from './protocol.ts';
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

function operationOf(target: string | undefined): [string, Operation] | undefined {
  if (target === undefined || !target.startsWith(TARGET_PREFIX)) return undefined;
  const name = target.slice(TARGET_PREFIX.length);
  const operation = Object.hasOwn(OPERATIONS, name) ? OPERATIONS[name] : undefined;
  return operation === undefined ? undefined : [name, operation];
}

async function handle(
  context: SsmContext,
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
    sendResult(response, await found[1](context, body));
    log(`SSM ${label} 200`);
  } catch (error) {
    const answer = error instanceof SsmApiError ? error : internal();
    if (!(error instanceof SsmApiError)) log(`SSM ${label} failed: ${describeFailure(error)}`);
    sendError(response, answer);
    log(`SSM ${label} ${answer.status} ${answer.name}`);
  }
}

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
  const server = createServer((request, response) => {
    void handle(context, log, request, response);
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
