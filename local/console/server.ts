/**
 * The console's HTTP server: its pages and actions on loopback, under a strict Content Security
 * Policy (no inline script or style: the stylesheets and the one script are files of its own).
 * Requests whose Host is not the address it listens on are refused (a DNS-rebinding page cannot
 * drive it), and every POST carries the console's per-process token and comes from its own origin.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../service.ts';
import {
  type ConsoleContext,
  ConsoleError,
  type ConsoleHandler,
  type ConsoleRequest,
  type ConsoleResponse,
} from './context.ts';
import { text } from './html.ts';
import { layout } from './layout.ts';

export interface ConsoleRoute {
  readonly method: 'GET' | 'POST';
  readonly path: RegExp;
  readonly handler: ConsoleHandler;
}

export interface ConsoleServerOptions {
  /** The context of every page, but its CSRF token (the server makes one per process). */
  readonly context: Omit<ConsoleContext, 'csrf'>;
  readonly routes: readonly ConsoleRoute[];
  /** Loopback by default; anything else must be asked for (the console has no sign-in). */
  readonly host?: string;
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface ConsoleServer {
  readonly endpoint: string;
  /** The token every POST form carries (pages put it in their forms). */
  readonly csrf: string;
  close(): Promise<void>;
}

const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  '/assets/console.css': { file: 'console.css', type: 'text/css; charset=utf-8' },
  '/assets/graph.css': { file: 'graph.css', type: 'text/css; charset=utf-8' },
  '/assets/console.js': { file: 'console.js', type: 'text/javascript; charset=utf-8' },
};

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * Form bodies past this are refused. The largest form is an execution's input (256 KiB), which
 * URL-encoding can grow up to nine times (non-ASCII characters).
 */
const BODY_LIMIT = 3 * 1024 * 1024;

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const csrf = randomBytes(32).toString('base64url');
  const context: ConsoleContext = { ...options.context, csrf };
  const log = options.log ?? (() => {});
  const host = options.host ?? '127.0.0.1';
  const assets = new Map<string, Buffer>();
  for (const [path, asset] of Object.entries(ASSETS)) {
    assets.set(path, await readFile(new URL(`./assets/${asset.file}`, import.meta.url)));
  }
  let allowedHosts = new Set<string>();
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      log(
        `console: ${request.method} ${pathOf(request)} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      if (!response.headersSent)
        send(response, 500, errorPage(context, 500, 'The console failed; its log says why.'));
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!allowedHosts.has(String(request.headers.host ?? '').toLowerCase())) {
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
      response.end(`The console answers only as ${[...allowedHosts][0] ?? 'its own address'}.\n`);
      return;
    }
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (method === 'GET' && assets.has(url.pathname)) {
      const asset = ASSETS[url.pathname];
      response.writeHead(200, {
        'content-type': asset?.type ?? 'text/plain',
        ...SECURITY_HEADERS,
        'cache-control': 'no-cache',
      });
      response.end(assets.get(url.pathname));
      return;
    }
    if (method === 'GET' && url.pathname === '/') {
      redirect(response, '/state-machines');
      return;
    }
    if (method !== 'GET' && method !== 'POST') {
      send(response, 405, errorPage(context, 405, `The console takes GET and POST, not ${method}.`));
      return;
    }
    const isolation = crossSiteRefusal(request);
    if (isolation) {
      send(response, 403, errorPage(context, 403, `Refused: ${isolation}.`));
      return;
    }
    let form = new URLSearchParams();
    if (method === 'POST') {
      const refusal = postRefusal(request);
      if (refusal) {
        send(response, 403, errorPage(context, 403, `Refused: ${refusal}.`));
        return;
      }
      try {
        form = await readForm(request);
      } catch (error) {
        if (!(error instanceof ConsoleError)) throw error;
        send(response, error.status, errorPage(context, error.status, error.message));
        return;
      }
      if (!sameToken(form.get('csrf') ?? '', csrf)) {
        const stale = 'the form is stale (the console was restarted): go back, reload the page and try again';
        send(response, 403, errorPage(context, 403, `Refused: ${stale}.`));
        return;
      }
    }
    const route = options.routes.find((r) => r.method === method && r.path.test(url.pathname));
    if (!route) {
      send(response, 404, errorPage(context, 404, `No page at ${url.pathname}.`));
      return;
    }
    const consoleRequest: ConsoleRequest = { method, url, form };
    let answer: ConsoleResponse;
    try {
      answer = await route.handler(context, consoleRequest);
    } catch (error) {
      const described = describeError(error);
      if (!described) throw error;
      send(response, described.status, errorPage(context, described.status, described.message));
      return;
    }
    if (answer.kind === 'redirect') {
      redirect(response, answer.location);
    } else if (answer.kind === 'json') {
      response.writeHead(answer.status ?? 200, {
        'content-type': 'application/json; charset=utf-8',
        ...SECURITY_HEADERS,
      });
      response.end(JSON.stringify(answer.body));
    } else {
      send(
        response,
        answer.status ?? 200,
        layout({ ...answer, target: targetOf(context), mode: context.mode }),
      );
    }
  }

  const { endpoint, stop } = await listen(server, {
    host,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  // As browsers send Host: the address and port (none for port 80), or localhost on that port.
  const { host: own, port } = new URL(endpoint);
  allowedHosts = new Set([own, port ? `localhost:${port}` : 'localhost'].map((h) => h.toLowerCase()));
  return { endpoint, csrf, close: stop };
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}

/**
 * Another site may link to a console page (a top-level navigation), but not load one as an
 * image, script or fetch: each such load would make the console call AWS on the operator's
 * behalf (read-only, but spending the account's API quotas). Browsers without Fetch Metadata
 * send none of these headers and pass.
 */
function crossSiteRefusal(request: IncomingMessage): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site !== 'cross-site' && site !== 'same-site') return undefined;
  const navigation =
    request.headers['sec-fetch-mode'] === 'navigate' && request.headers['sec-fetch-dest'] === 'document';
  return navigation && request.method === 'GET'
    ? undefined
    : `another site may link to the console, not load it (${site})`;
}

/** Cross-site POSTs are refused before their body is read or their token compared. */
function postRefusal(request: IncomingMessage): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none')
    return `a ${site} request may not change anything`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null' && hostOf(origin) !== request.headers.host)
    return `a request from another origin may not change anything`;
  const type = String(request.headers['content-type'] ?? '');
  if (!type.startsWith('application/x-www-form-urlencoded'))
    return 'the console takes forms (application/x-www-form-urlencoded) only';
  return undefined;
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) throw new ConsoleError(`The form is larger than ${BODY_LIMIT / 1024} KiB.`, 413);
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...SECURITY_HEADERS });
  response.end(body);
}

function redirect(response: ServerResponse, location: string): void {
  // Only the console's own paths: a page never sends the browser elsewhere.
  const safe = /^\/(?![/\\])/.test(location) ? location : '/';
  response.writeHead(303, { location: safe, ...SECURITY_HEADERS });
  response.end();
}

function targetOf(ctx: ConsoleContext): string {
  return ctx.mode === 'local' ? 'local cloud' : `AWS ${ctx.region}`;
}

function errorPage(ctx: ConsoleContext, status: number, message: string): string {
  return layout({
    title: status === 404 ? 'Not found' : 'Error',
    section: '',
    main: `<h1>${status === 404 ? 'Not found' : 'Something went wrong'}</h1><p class="error" role="alert">${text(message, 2000)}</p><p><a href="/state-machines">State machines</a></p>`,
    target: targetOf(ctx),
    mode: ctx.mode,
  });
}

/** A ConsoleError or an AWS service error as the operator should read it; anything else is a bug. */
function describeError(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof ConsoleError) return { status: error.status, message: error.message };
  if (
    error instanceof Error &&
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH/.test(
      `${(error as { code?: string }).code ?? ''} ${error.message}`,
    )
  ) {
    return {
      status: 502,
      message: `The service did not answer (${error.message}). Is the local cloud running, or the region and network right?`,
    };
  }
  if (error instanceof Error && '$metadata' in error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    return {
      status: status === 404 ? 404 : 502,
      message: `AWS answered ${error.name}: ${error.message}`,
    };
  }
  return undefined;
}
