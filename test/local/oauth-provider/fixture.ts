/**
 * Test harness for the sandbox OAuth provider: starts one on a fresh data directory with its log
 * captured, drives its interaction pages as a browser would (plain fetch, manual redirects, a tiny
 * cookie jar), and gets tokens with openid-client (the library the app uses). Every token, code and
 * secret a test sees is remembered, so a test can prove none of them reached the log.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import { type SandboxProvider, startSandboxProvider } from '../../../local/oauth-provider/index.ts';

export const REDIRECT_URI = 'http://127.0.0.1:9/auth/callback';
export const ALL_SCOPES = 'openid offline_access projects.read accounts.read';

export interface Harness {
  readonly provider: SandboxProvider;
  readonly dataDir: string;
  readonly logs: string[];
  /** Values that must never be logged. */
  readonly secrets: Set<string>;
  readonly config: oidc.Configuration;
}

export async function tempDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sandbox-oauth-'));
}

export async function startHarness(
  dataDir?: string,
  port?: number,
  logs: string[] = [],
  secrets = new Set<string>(),
): Promise<Harness> {
  const dir = dataDir ?? (await tempDataDir());
  const provider = await startSandboxProvider({
    dataDir: dir,
    port,
    redirectUris: [REDIRECT_URI],
    log: (line) => logs.push(line),
  });
  secrets.add(provider.client.clientSecret);
  for (const account of provider.accounts) secrets.add(account.password);
  const config = await oidc.discovery(
    new URL(provider.issuer),
    provider.client.clientId,
    undefined,
    oidc.ClientSecretBasic(provider.client.clientSecret),
    { execute: [oidc.allowInsecureRequests] },
  );
  return { provider, dataDir: dir, logs, secrets, config };
}

export async function stopHarness(harness: Harness, removeData = true): Promise<void> {
  await harness.provider.close();
  if (removeData) await rm(harness.dataDir, { recursive: true, force: true });
}

export function expectNothingSecretLogged(harness: Harness): void {
  expect(harness.secrets.size).toBeGreaterThan(3);
  const text = harness.logs.join('\n');
  for (const secret of harness.secrets)
    expect(text.includes(secret), 'a secret value was logged').toBe(false);
}

/** Cookies by name; enough for one host (paths and domains are not needed here). */
export class Browser {
  readonly #cookies = new Map<string, string>();

  async request(
    url: string | URL,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookie) headers.cookie = cookie;
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form).toString() : undefined,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=.*1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  /** Follows redirects until a page, or a redirect to the app's callback (returned, not fetched). */
  async follow(
    start: string | URL,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ callback: URL } | { url: URL; status: number; html: string; headers: Headers }> {
    let url = new URL(start);
    let response = await this.request(url, init);
    for (let hops = 0; hops < 10; hops += 1) {
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { url, status: response.status, html: await response.text(), headers: response.headers };
      }
      await response.body?.cancel();
      url = new URL(location, url);
      if (url.href.startsWith(REDIRECT_URI)) return { callback: url };
      response = await this.request(url);
    }
    throw new Error(`more than 10 redirects from ${start}`);
  }
}

export interface AuthorizeOptions {
  readonly username?: string;
  readonly password?: string;
  readonly scope?: string;
  readonly decision?: 'allow' | 'deny';
  /** Default 'consent'; null: no prompt parameter. */
  readonly prompt?: string | null;
}

export interface Authorized {
  readonly callback: URL;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** Runs sign-in and consent for one authorization request; returns the redirect to the app. */
export async function authorize(harness: Harness, options: AuthorizeOptions = {}): Promise<Authorized> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(harness.config, {
    redirect_uri: REDIRECT_URI,
    scope: options.scope ?? ALL_SCOPES,
    // OpenID Connect Core 11: offline_access is ignored unless the request asks for consent.
    ...(options.prompt === null ? {} : { prompt: options.prompt ?? 'consent' }),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const browser = new Browser();
  const login = await browser.follow(url);
  if ('callback' in login)
    throw new Error(`expected the sign-in page, got a redirect to ${login.callback.href}`);
  const consent = await browser.follow(`${login.url.href}/login`, {
    form: { username: options.username ?? 'alice', password: options.password ?? 'sandbox-alice' },
  });
  if ('callback' in consent) throw new Error('expected the consent page');
  const action = options.decision === 'deny' ? 'abort' : 'confirm';
  const done = await browser.follow(`${consent.url.href}/${action}`, { form: {} });
  if (!('callback' in done))
    throw new Error(`expected a redirect to the app, got ${done.status}: ${done.html}`);
  const code = done.callback.searchParams.get('code');
  if (code) harness.secrets.add(code);
  return { callback: done.callback, verifier, state, nonce };
}

/** Authorization code grant for an authorized request; the tokens are remembered as secrets. */
export async function exchange(harness: Harness, authorized: Authorized) {
  const tokens = await oidc.authorizationCodeGrant(harness.config, authorized.callback, {
    pkceCodeVerifier: authorized.verifier,
    expectedState: authorized.state,
    expectedNonce: authorized.nonce,
  });
  remember(harness, tokens);
  return tokens;
}

export async function refresh(harness: Harness, refreshToken: string) {
  const tokens = await oidc.refreshTokenGrant(harness.config, refreshToken);
  remember(harness, tokens);
  return tokens;
}

export async function signIn(harness: Harness, options: AuthorizeOptions = {}) {
  return exchange(harness, await authorize(harness, options));
}

function remember(
  harness: Harness,
  tokens: { access_token: string; refresh_token?: string; id_token?: string },
) {
  harness.secrets.add(tokens.access_token);
  if (tokens.refresh_token) harness.secrets.add(tokens.refresh_token);
  if (tokens.id_token) harness.secrets.add(tokens.id_token);
}

/** The OAuth error code of a rejected openid-client call. */
export async function oauthError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { error?: string }).error ?? (error as { code?: string }).code;
  }
  throw new Error('expected the call to fail');
}

export function basic(harness: Harness, secret = harness.provider.client.clientSecret): string {
  return `Basic ${Buffer.from(`${harness.provider.client.clientId}:${secret}`).toString('base64')}`;
}

export async function openSession(
  harness: Harness,
  refreshToken: string,
  secret?: string,
): Promise<Response> {
  return fetch(`${harness.provider.apiB}/sessions`, {
    method: 'POST',
    headers: { authorization: basic(harness, secret), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ refresh_token: refreshToken }).toString(),
  });
}
