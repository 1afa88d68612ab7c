/**
 * The local Lambda service: the Invoke API (`POST /2015-03-31/functions/<name>/invocations`)
 * running the project's handlers in process, as the Node.js Lambda runtime would: a thrown
 * error becomes a function error (`X-Amz-Function-Error: Unhandled`) with the runtime's
 * `{ errorType, errorMessage, trace }` payload.
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type LocalService, type LocalServiceOptions, listen } from '../service.ts';

/** A Lambda handler as the Node.js runtime calls it (the context is the subset handlers use). */
export type LambdaHandler = (event: unknown, context: LambdaContext) => unknown;

export interface LambdaContext {
  readonly functionName: string;
  readonly awsRequestId: string;
  readonly invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
}

export interface LambdaOptions extends LocalServiceOptions {
  /** Function name → handler. */
  readonly functions: Readonly<Record<string, LambdaHandler>>;
  /** Per-invocation time limit in ms (Lambda's Timeout; default 3 s as Lambda's default). */
  readonly timeoutMs?: number;
  /** Per-function time limits in ms, by function name (a function's own Timeout). */
  readonly timeouts?: Readonly<Record<string, number>>;
}

const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startLambda(options: LambdaOptions): Promise<LocalService> {
  const region = options.region ?? 'us-east-1';
  const account = options.account ?? '111111111111';
  const log = options.log ?? (() => {});
  const defaultTimeoutMs = options.timeoutMs ?? 3000;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      log(`lambda internal error: ${error instanceof Error ? error.message : String(error)}`);
      reply(
        response,
        500,
        { Message: 'The local Lambda service failed; see its log.' },
        { 'x-amzn-ErrorType': 'ServiceException' },
      );
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = PATH.exec(new URL(request.url ?? '/', 'http://local').pathname);
    if (request.method !== 'POST' || !match) {
      reply(
        response,
        404,
        { Message: `The local Lambda service serves Invoke only, not ${request.method} ${request.url}.` },
        {
          'x-amzn-ErrorType': 'ResourceNotFoundException',
        },
      );
      return;
    }
    // The name may be a function ARN, possibly with a qualifier; the handler is found by name.
    const requested = decodeURIComponent(match[1] ?? '');
    const name = requested.startsWith('arn:')
      ? (requested.split(':')[6] ?? requested)
      : (requested.split(':')[0] ?? requested);
    const handler = options.functions[name];
    const functionArn = `arn:aws:lambda:${region}:${account}:function:${name}`;
    if (!handler) {
      reply(
        response,
        404,
        { Type: 'User', Message: `Function not found: ${functionArn}` },
        { 'x-amzn-ErrorType': 'ResourceNotFoundException' },
      );
      return;
    }
    const body = await read(request);
    let event: unknown;
    try {
      event = body === '' ? {} : JSON.parse(body);
    } catch {
      reply(
        response,
        400,
        { Type: 'User', Message: 'Could not parse request body into json' },
        { 'x-amzn-ErrorType': 'InvalidRequestContentException' },
      );
      return;
    }
    const requestId = crypto.randomUUID();
    const started = Date.now();
    const timeoutMs = options.timeouts?.[name] ?? defaultTimeoutMs;
    const context: LambdaContext = {
      functionName: name,
      awsRequestId: requestId,
      invokedFunctionArn: functionArn,
      getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - started)),
    };
    const headers = { 'x-amzn-RequestId': requestId, 'X-Amz-Executed-Version': '$LATEST' };
    if (request.headers['x-amz-invocation-type'] === 'Event') {
      void Promise.resolve()
        .then(() => handler(event, context))
        .catch((error: unknown) => log(`lambda ${name} failed asynchronously: ${describe(error)}`));
      reply(response, 202, undefined, headers);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve().then(() => handler(event, context)),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new LambdaTimeout(timeoutMs)), timeoutMs);
        }),
      ]);
      reply(response, 200, result === undefined ? null : result, headers);
      log(`lambda ${name} 200 ${Date.now() - started} ms`);
    } catch (error) {
      // As the Node.js runtime: errorType is the error's name, the function error "Unhandled".
      const payload =
        error instanceof LambdaTimeout
          ? { errorMessage: `${requestId} Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` }
          : {
              errorType: error instanceof Error ? error.name : 'Error',
              errorMessage: error instanceof Error ? error.message : String(error),
              trace: error instanceof Error && error.stack ? error.stack.split('\n') : [],
            };
      reply(response, 200, payload, { ...headers, 'X-Amz-Function-Error': 'Unhandled' });
      log(`lambda ${name} function error ${error instanceof Error ? error.name : 'Error'}`);
    } finally {
      clearTimeout(timer);
    }
  }

  const { endpoint, stop } = await listen(server, options);
  return { id: 'LAMBDA', endpoint, close: stop };
}

class LambdaTimeout extends Error {
  override name = 'LambdaTimeout';
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function reply(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}
