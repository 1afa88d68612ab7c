/**
 * The HTTP side of the local RDS Data API: REST-JSON, one POST path per operation (/Execute,
 * /BatchExecute, /BeginTransaction, /CommitTransaction, /RollbackTransaction), errors with the
 * exception name in `x-amzn-ErrorType`. SigV4 signatures are not checked (loopback only), and
 * resourceArn and secretArn are not resolved: every request reaches the configured server.
 * https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeFailure, type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import { badRequest, internal, RdsDataApiError, unknownOperation } from './errors.ts';
import {
  batchExecuteStatement,
  beginTransaction,
  commitTransaction,
  executeSql,
  executeStatement,
  type Operation,
  type RdsDataContext,
  rollbackTransaction,
} from './private/operations.ts';
import { Pools } from './private/pools.ts';
import { Transactions } from './private/transactions.ts';

export interface RdsDataOptions extends LocalServiceOptions {
  /** The PostgreSQL server, e.g. startPostgres().url; a request's `database` replaces its path. */
  readonly databaseUrl: string;
  /** A call is cut off after this long (AWS: 45 s). */
  readonly statementTimeoutMs?: number;
  /** A transaction no call uses this long is rolled back (AWS: 3 minutes). */
  readonly transactionIdleTimeoutMs?: number;
  /** A transaction is rolled back this long after it began (AWS: 24 hours). */
  readonly transactionMaxLifetimeMs?: number;
  /** Epoch milliseconds for transaction timeouts (default Date.now). */
  readonly now?: () => number;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  '/Execute': executeStatement,
  '/BatchExecute': batchExecuteStatement,
  '/BeginTransaction': beginTransaction,
  '/CommitTransaction': commitTransaction,
  '/RollbackTransaction': rollbackTransaction,
  '/ExecuteSql': executeSql,
};

/** "The maximum size of the HTTP request submitted through the Data API is 4 MiB." */
const BODY_LIMIT = 4 * 1024 * 1024;

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT)
      throw badRequest(`The request is larger than the Data API's limit of ${BODY_LIMIT} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    throw badRequest('The request body is not valid JSON: send a JSON object, as the AWS SDK does.');
  }
}

function write(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
  });
  response.end(text);
}

async function handle(
  context: RdsDataContext,
  log: (line: string) => void,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const path = request.url?.split('?')[0] ?? '';
  const operation =
    request.method === 'POST' && Object.hasOwn(OPERATIONS, path) ? OPERATIONS[path] : undefined;
  try {
    if (operation === undefined) throw unknownOperation(request.method, request.url);
    const body = await readJson(request);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw badRequest('The request body must be a JSON object.');
    }
    write(response, 200, await operation(context, body));
    log(`RDS Data ${path} 200`);
  } catch (error) {
    const answer = error instanceof RdsDataApiError ? error : internal();
    if (!(error instanceof RdsDataApiError)) log(`RDS Data ${path} failed: ${describeFailure(error)}`);
    write(response, answer.status, answer.body(), answer.type);
    log(`RDS Data ${path} ${answer.status} ${answer.type}`);
  }
}

export async function startRdsData(options: RdsDataOptions): Promise<LocalService> {
  const log = options.log ?? (() => {});
  const pools = new Pools(options.databaseUrl, log);
  const transactions = new Transactions(
    {
      idleMs: options.transactionIdleTimeoutMs ?? 3 * 60_000,
      maxMs: options.transactionMaxLifetimeMs ?? 24 * 60 * 60_000,
      now: options.now ?? Date.now,
    },
    log,
  );
  const context: RdsDataContext = {
    pools,
    transactions,
    statementTimeoutMs: options.statementTimeoutMs ?? 45_000,
  };
  const server = createServer((request, response) => {
    void handle(context, log, request, response);
  });
  const { endpoint, stop } = await listen(server, options);
  let closing: Promise<void> | undefined;
  return {
    id: 'RDS_DATA',
    endpoint,
    close() {
      closing ??= (async () => {
        await stop();
        await transactions.close();
        await pools.close();
      })();
      return closing;
    },
  };
}
