/**
 * The stand-in for API Gateway (HTTP API): the tasks' declared routes on loopback, each request
 * turned into a payload-format-2.0 event for the task's handler, and the handler's answer into
 * the HTTP response. Routes with `auth: 'cognito'` check the ID token as API Gateway's JWT
 * authorizer does (signature against the pool's JWKS, issuer, audience = the app client, expiry)
 * and answer 401 before the handler runs. A token without `exp` is refused, as API Gateway refuses
 * it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';
import type { Handler, Route } from '../../tasks/index.ts';
import type { Page } from '../../tasks/shared/html.ts';
import { listen } from '../service.ts';

export type HttpRoute = Route & {
  /** The function that answers it. */
  readonly functionName: string;
};

export interface JwtAuthorizer {
  /** `<cognito endpoint>/<userPoolId>`, as the local Cognito signs it. */
  readonly issuer: string;
  readonly audience: string;
}

export interface HttpApiOptions {
  readonly routes: readonly HttpRoute[];
  readonly handlers: Readonly<Record<string, Handler>>;
  /** Read per request: the user pool is created after the API starts. */
  readonly authorizer: () => JwtAuthorizer | undefined;
  readonly port?: number;
  readonly log?: (line: string) => void;
  /** Pages of the local cloud itself (GET only), by path, e.g. `/_local/outbox`. */
  readonly localPages?: Readonly<Record<string, () => Promise<LocalPage>>>;
}

/** A page of the local cloud itself: the same shape as the tasks' pages. */
export type LocalPage = Page;

export interface HttpApi {
  readonly endpoint: string;
  close(): Promise<void>;
}

interface Matched {
  readonly route: HttpRoute;
  readonly parameters: Record<string, string>;
}

interface CompiledRoute {
  readonly route: HttpRoute;
  readonly pattern: RegExp;
  /** The `{name}` parameters, in the order of the pattern's groups. */
  readonly names: readonly string[];
}

/** A route's path as a pattern, built once when the API starts. */
function compile(route: HttpRoute): CompiledRoute {
  const names: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), names };
}

function match(routes: readonly CompiledRoute[], method: string, path: string): Matched | undefined {
  for (const { route, pattern, names } of routes) {
    if (route.method !== method) continue;
    const found = pattern.exec(path);
    if (!found) continue;
    const parameters = Object.fromEntries(names.map((n, i) => [n, decode(found[i + 1] ?? '')]));
    return { route, parameters };
  }
  return undefined;
}

/** A path parameter as API Gateway passes it: percent-decoded, or as sent when that fails. */
function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function read(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const log = options.log ?? (() => {});
  const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
  const routes = options.routes.map(compile);

  async function verify(request: IncomingMessage): Promise<JWTPayload | undefined> {
    const authorizer = options.authorizer();
    const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!authorizer || !token) return undefined;
    let keys = keySets.get(authorizer.issuer);
    if (!keys) {
      keys = createRemoteJWKSet(new URL(`${authorizer.issuer}/.well-known/jwks.json`));
      keySets.set(authorizer.issuer, keys);
    }
    try {
      // API Gateway's JWT authorizer requires exp, checks iss and aud, and the signature by kid.
      const { payload } = await jwtVerify(token, keys, {
        issuer: authorizer.issuer,
        audience: authorizer.audience,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      });
      return payload;
    } catch {
      return undefined;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`http: ${request.method} ${request.url?.split('?')[0]} failed: ${(error as Error).message}`);
      if (!response.headersSent) send(response, 500, { message: 'Internal Server Error' });
      else response.end();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const localPage = options.localPages?.[url.pathname];
    if (localPage && (method === 'GET' || method === 'HEAD')) {
      const page = await localPage();
      response.writeHead(page.statusCode, page.headers);
      response.end(method === 'HEAD' ? undefined : page.body);
      return;
    }
    const found = match(routes, method, url.pathname);
    // API Gateway answers 404 when no route matches the method and path.
    if (found === undefined) return send(response, 404, { message: 'Not Found' });
    const { route, parameters } = found;
    let claims: JWTPayload | undefined;
    if (route.auth === 'cognito') {
      claims = await verify(request);
      if (!claims) return send(response, 401, { message: 'Unauthorized' });
    }
    const handler = options.handlers[route.functionName];
    if (!handler) return send(response, 500, { message: `No function ${route.functionName} is deployed.` });
    const body = await read(request);
    // Payload format 2.0: cookies in their own list, not among the headers.
    const { cookie, ...rest } = request.headers;
    const headers = Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
    );
    const cookies = (cookie ?? '')
      .split(';')
      .map((c) => c.trim())
      .filter(Boolean);
    // Repeated query parameters are joined with commas, as API Gateway does.
    const query: Record<string, string> = {};
    for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
    const event = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(cookies.length > 0 ? { cookies } : {}),
      headers,
      ...(url.search.length > 1 ? { queryStringParameters: query } : {}),
      pathParameters: parameters,
      requestContext: {
        http: {
          method,
          path: url.pathname,
          sourceIp: request.socket.remoteAddress ?? '',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: `${route.method} ${route.path}`,
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      },
      ...(body ? { body, isBase64Encoded: false } : {}),
    };
    const result = (await handler(event, {
      functionName: route.functionName,
      awsRequestId: randomUUID(),
    })) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
      cookies?: string[];
    };
    const answer: Record<string, string | string[]> = { ...(result.headers ?? {}) };
    if (result.cookies?.length) answer['set-cookie'] = result.cookies;
    response.writeHead(result.statusCode ?? 200, answer);
    response.end(method === 'HEAD' ? undefined : (result.body ?? ''));
  }

  const listening = await listen(server, options.port ? { port: options.port } : {});
  log(`http: listening on ${listening.endpoint}`);
  return { endpoint: listening.endpoint, close: listening.stop };
}
