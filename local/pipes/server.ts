/**
 * The HTTP side of the local Pipes endpoint: the REST-JSON routes @aws-sdk/client-pipes calls
 * (`/v1/pipes/{Name}`, `/v1/pipes`, `/v1/pipes/{Name}/start|stop`), and one route of its own,
 * `GET /local/pipes/{Name}/status`, a running pipe's lag and counters. SigV4 signatures are not
 * checked (the endpoint is loopback-only and local).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeFailure, type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import {
  createPipe,
  deletePipe,
  describePipe,
  listPipes,
  type PipesContext,
  startPipe,
  stopPipe,
  updatePipe,
} from './api.ts';
import { internal, notFound, PipesApiError, unknownRoute, validation } from './errors.ts';
import type { PipeStatus } from './runner.ts';
import { PipeStore } from './store.ts';
import { type Endpoints, Supervisor } from './supervisor.ts';

export interface PipesOptions extends LocalServiceOptions {
  readonly endpoints: Endpoints;
  readonly now?: () => number;
  /** Between polls of an idle shard; default 250 ms (Pipes polls about 4 times a second). */
  readonly pollIntervalMs?: number;
  /** The first retry's delay of a failed batch, doubled each retry; default 1,000 ms. */
  readonly retryDelayMs?: number;
}

export interface LocalPipes extends LocalService {
  readonly id: 'PIPES';
  /** A pipe's lag and counters (undefined: no such pipe has run since the service started). */
  status(name: string): PipeStatus | undefined;
}

type Json = Record<string, unknown>;

async function readBody(request: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw validation('The request body is not JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw validation('The request body must be a JSON object.');
  return body as Json;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

async function route(
  context: PipesContext,
  supervisor: Supervisor,
  method: string,
  url: URL,
  request: IncomingMessage,
): Promise<[string, Json | PipeStatus]> {
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  if (parts[0] === 'v1' && parts[1] === 'pipes') {
    const name = parts[2];
    if (name === undefined && parts.length === 2 && method === 'GET')
      return ['ListPipes', await listPipes(context, url.searchParams)];
    if (name !== undefined && parts.length === 3) {
      if (method === 'POST') return ['CreatePipe', await createPipe(context, name, await readBody(request))];
      if (method === 'GET') return ['DescribePipe', await describePipe(context, name)];
      if (method === 'PUT') return ['UpdatePipe', await updatePipe(context, name, await readBody(request))];
      if (method === 'DELETE') return ['DeletePipe', await deletePipe(context, name)];
    }
    if (name !== undefined && parts.length === 4 && method === 'POST') {
      if (parts[3] === 'start') return ['StartPipe', await startPipe(context, name)];
      if (parts[3] === 'stop') return ['StopPipe', await stopPipe(context, name)];
    }
  }
  if (
    parts[0] === 'local' &&
    parts[1] === 'pipes' &&
    parts[3] === 'status' &&
    parts.length === 4 &&
    method === 'GET'
  ) {
    const name = parts[2] ?? '';
    if (context.store.get(name) === undefined) throw notFound(name);
    return ['status', supervisor.status(name) ?? { name, state: 'STOPPED' }];
  }
  throw unknownRoute(method, url.pathname);
}

export async function startPipes(options: PipesOptions): Promise<LocalPipes> {
  const store = await PipeStore.open(options.dataDir);
  const log = options.log ?? (() => undefined);
  const now = options.now ?? Date.now;
  const region = options.region ?? 'us-east-1';
  const supervisor = new Supervisor({
    store,
    endpoints: options.endpoints,
    region,
    now,
    log,
    pollIntervalMs: options.pollIntervalMs ?? 250,
    retryDelayMs: options.retryDelayMs ?? 1000,
  });
  const context: PipesContext = {
    store,
    region,
    account: options.account ?? '111111111111',
    now,
    onChange: (name, pipe) => supervisor.apply(name, pipe),
  };
  const server = createServer((request, response) => {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://localhost');
    route(context, supervisor, method, url, request).then(
      ([label, body]) => {
        send(response, 200, body);
        log(`Pipes ${label} 200`);
      },
      (error: unknown) => {
        const answer = error instanceof PipesApiError ? error : internal();
        if (!(error instanceof PipesApiError))
          log(`Pipes ${method} ${url.pathname} failed: ${describeFailure(error)}`);
        send(response, answer.status, answer.body(), { 'x-amzn-ErrorType': answer.type });
        log(`Pipes ${method} ${url.pathname} ${answer.status} ${answer.name}`);
      },
    );
  });
  const { endpoint, stop } = await listen(server, options);
  for (const pipe of store.list()) await supervisor.apply(pipe.Name, pipe);
  let closing: Promise<void> | undefined;
  return {
    id: 'PIPES',
    endpoint,
    status: (name) => supervisor.status(name),
    close() {
      closing ??= (async () => {
        await stop();
        await supervisor.close();
        await store.flush();
      })();
      return closing;
    },
  };
}
