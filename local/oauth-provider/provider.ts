/**
 * Starts the local sandbox OAuth 2.0 / OpenID Connect provider: oidc-provider (the certified
 * library does all of the protocol) configured for one confidential client, with its grants,
 * tokens and keys kept in the data directory, its own sign-in and consent pages, the two resource
 * APIs the app's discovery calls (A: bearer access token; B: a session opened with the refresh
 * token), and switches that make those APIs fail on demand. One HTTP server on loopback serves it
 * all; each started instance owns its state.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { ProviderContext } from 'oidc-provider';
import { Sealer } from '../../asl/store/index.ts';
import { API_A_PATH, handleApiA } from './private/api-a.ts';
import { API_B_PATH, type ApiBContext, handleApiB } from './private/api-b.ts';
import { CLIENT_ID, sandboxConfiguration } from './private/configuration.ts';
import { handleControl } from './private/control-routes.ts';
import { SandboxProviderError } from './private/errors.ts';
import { FileStore } from './private/file-adapter.ts';
import { sendJson } from './private/http.ts';
import { handleInteraction } from './private/interactions.ts';
import { importOidcProvider } from './private/load-provider.ts';
import { resolveOptions } from './private/options.ts';
import { SANDBOX_USERS } from './private/sandbox-data.ts';
import { loadOrCreateSecrets } from './private/secrets.ts';
import { SandboxControls, type SandboxStats, type SandboxSwitches } from './private/switches.ts';

export interface SandboxProviderOptions {
  /** Keeps the client secret, cookie keys, signing key, grants and tokens across restarts (files mode 0600). */
  readonly dataDir: string;
  /** 0 or absent: a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Never given tokens, codes, secrets or passwords. */
  readonly log?: (line: string) => void;
  /** The app's callback URLs, matched exactly. */
  readonly redirectUris: readonly string[];
  /** Default 3600. */
  readonly accessTokenTtlSeconds?: number;
  /** Default 30 days. */
  readonly refreshTokenTtlSeconds?: number;
}

export interface SandboxProvider {
  readonly endpoint: string;
  readonly issuer: string;
  readonly client: { readonly clientId: string; readonly clientSecret: string };
  readonly apiA: string;
  readonly apiB: string;
  readonly accounts: readonly { readonly username: string; readonly password: string }[];
  setSwitches(switches: Partial<SandboxSwitches>): void;
  switches(): SandboxSwitches;
  stats(): SandboxStats;
  resetStats(): void;
  close(): Promise<void>;
}

export const STORE_FILE = 'oauth-provider-store.json';
/** The AES-256 key that seals the sandbox's files (created on first start, mode 0600). */
export const KEY_FILE = 'oauth-provider.key';

export async function startSandboxProvider(options: SandboxProviderOptions): Promise<SandboxProvider> {
  const resolved = resolveOptions(options);
  const { log } = resolved;
  try {
    await mkdir(resolved.dataDir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new SandboxProviderError(
      `Cannot create the sandbox provider data directory ${resolved.dataDir}: choose a writable path.`,
      { cause },
    );
  }
  // Both files hold live secrets (the client secret, signing keys, issued tokens): sealed at rest.
  const sealer = await Sealer.fromKeyFile(join(resolved.dataDir, KEY_FILE));
  const secrets = await loadOrCreateSecrets(resolved.dataDir, sealer);
  const store = await FileStore.open(join(resolved.dataDir, STORE_FILE), sealer);
  const { Provider } = await importOidcProvider(log);
  const server = createServer();
  const port = await listen(server, resolved.port, resolved.host);
  const endpoint = `http://${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${port}`;
  const formActionOrigins = [...new Set(resolved.redirectUris.map((uri) => new URL(uri).origin))];
  let provider: InstanceType<typeof Provider>;
  try {
    provider = new Provider(
      endpoint,
      sandboxConfiguration({
        secrets,
        redirectUris: resolved.redirectUris,
        formActionOrigins,
        adapter: store.adapterFactory,
        accessTokenTtlSeconds: resolved.accessTokenTtlSeconds,
        refreshTokenTtlSeconds: resolved.refreshTokenTtlSeconds,
      }),
    );
  } catch (cause) {
    server.close();
    throw new SandboxProviderError(
      `oidc-provider refused the sandbox configuration (${cause instanceof Error ? cause.message : String(cause)}); check the redirect URIs and TTL options.`,
      { cause },
    );
  }
  const controls = new SandboxControls();
  const countToken = (ctx: ProviderContext) => {
    const grantType = ctx.oidc?.params?.grant_type;
    if (grantType === 'authorization_code' || grantType === 'refresh_token') controls.count(grantType);
  };
  provider.on('grant.success', countToken);
  provider.on('grant.error', (ctx, error) => {
    countToken(ctx);
    log(`oauth-provider: token request refused: ${describeOAuthError(error)}`);
  });
  provider.on('authorization.error', (_ctx, error) => {
    log(`oauth-provider: authorization request refused: ${describeOAuthError(error)}`);
  });
  provider.on('server_error', (ctx, error) => {
    if (ctx.oidc?.route === 'token') countToken(ctx);
    log(`oauth-provider: internal error on ${ctx.oidc?.route ?? 'a route'}: ${describeOAuthError(error)}`);
  });
  const closing = new AbortController();
  const client = { clientId: CLIENT_ID, clientSecret: secrets.clientSecret };
  const apiB: ApiBContext = { provider, controls, client, sessions: new Map(), signal: closing.signal };
  const oidc = provider.callback();
  const dispatch = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', endpoint);
    const path = url.pathname;
    if (path.startsWith('/interaction/'))
      return handleInteraction({ provider, formActionOrigins }, req, res, path);
    if (path.startsWith(`${API_A_PATH}/`)) return handleApiA({ provider, controls }, req, res, url);
    if (path.startsWith(`${API_B_PATH}/`)) return handleApiB(apiB, req, res, url);
    if (path.startsWith('/_sandbox/')) {
      if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'loopback only' });
      return handleControl(controls, req, res, path);
    }
    if (path === '/token/revocation' && req.method === 'POST') controls.count('revocations');
    return oidc(req, res);
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    dispatch(req, res).catch((error: unknown) => {
      if (closing.signal.aborted) return void res.destroy();
      log(`oauth-provider: internal error: ${error instanceof Error ? error.name : 'unknown'}`);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: 'server_error' });
    });
  });
  log(`oauth-provider: listening on ${endpoint} (client ${CLIENT_ID})`);

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    issuer: provider.issuer,
    client,
    apiA: `${endpoint}${API_A_PATH}`,
    apiB: `${endpoint}${API_B_PATH}`,
    accounts: SANDBOX_USERS.map((user) => ({ username: user.username, password: user.password })),
    setSwitches: (switches) => controls.setSwitches(switches),
    switches: () => controls.switches(),
    stats: () => controls.stats(),
    resetStats: () => controls.resetStats(),
    close: () => {
      closed ??= (async () => {
        closing.abort();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await store.flush();
      })();
      return closed;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        new SandboxProviderError(
          `The sandbox provider cannot listen on ${host}:${port} (${error.code ?? error.message}): choose another port, or 0 for a free one.`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function isLoopback(address: string | undefined): boolean {
  return (
    address === '::1' || address?.startsWith('127.') === true || address?.startsWith('::ffff:127.') === true
  );
}

/** The OAuth error code and description only (they never carry token values). */
function describeOAuthError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const { error: code, error_description: description, name } = error as Record<string, unknown>;
  return [typeof code === 'string' ? code : String(name), typeof description === 'string' ? description : '']
    .filter(Boolean)
    .join(': ');
}
