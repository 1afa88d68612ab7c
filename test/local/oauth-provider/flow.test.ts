import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALL_SCOPES,
  authorize,
  Browser,
  exchange,
  expectNothingSecretLogged,
  type Harness,
  oauthError,
  REDIRECT_URI,
  startHarness,
  stopHarness,
} from './fixture.ts';

describe('sandbox OAuth provider: authorization code flow', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  const authorizeUrl = (params: Record<string, string>) =>
    oidc.buildAuthorizationUrl(h.config, {
      redirect_uri: REDIRECT_URI,
      scope: ALL_SCOPES,
      state: 's1',
      ...params,
    });

  it('offers the code flow only, with PKCE S256 only (no implicit or hybrid flows, no plain PKCE)', () => {
    const metadata = h.config.serverMetadata();
    expect(metadata.response_types_supported).toEqual(['code']);
    expect(metadata.grant_types_supported).not.toContain('implicit');
    expect(metadata.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('signs alice in with PKCE S256 and issues access, refresh and ID tokens; userinfo names her', async () => {
    const tokens = await exchange(h, await authorize(h));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.scope?.split(' ').sort()).toEqual(ALL_SCOPES.split(' ').sort());
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: h.provider.issuer, aud: 'wf-app', sub: 'usr_7f3a9c21alice' });
    const info = await oidc.fetchUserInfo(h.config, tokens.access_token, claims?.sub ?? '');
    expect(info).toMatchObject({
      sub: 'usr_7f3a9c21alice',
      name: 'Alice Example',
      email: 'alice@sandbox.example',
    });
    expect(h.provider.stats().tokenRequests.authorization_code).toBeGreaterThanOrEqual(1);
  });

  it('drops offline_access (no refresh token) when the request does not ask for consent (OIDC Core 11)', async () => {
    const tokens = await exchange(h, await authorize(h, { prompt: null }));
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope?.split(' ')).not.toContain('offline_access');
  });

  it('refuses an authorization request without a code challenge', async () => {
    const result = await new Browser().follow(authorizeUrl({}));
    expect('callback' in result && result.callback.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses code_challenge_method=plain', async () => {
    const challenge = oidc.randomPKCECodeVerifier();
    const result = await new Browser().follow(
      authorizeUrl({ code_challenge: challenge, code_challenge_method: 'plain' }),
    );
    expect('callback' in result && result.callback.searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses a wrong code verifier, and a code used twice', { timeout: 30_000 }, async () => {
    const wrong = await authorize(h);
    expect(await oauthError(exchange(h, { ...wrong, verifier: oidc.randomPKCECodeVerifier() }))).toBe(
      'invalid_grant',
    );
    const twice = await authorize(h);
    await exchange(h, twice);
    expect(await oauthError(exchange(h, twice))).toBe('invalid_grant');
  });

  it.each([
    ['an extra path', `${REDIRECT_URI}/x`],
    ['a query', `${REDIRECT_URI}?next=1`],
    ['another host', 'http://127.0.0.2:9/auth/callback'],
  ])('refuses a redirect_uri with %s, on its own page (no redirect)', async (_label, redirectUri) => {
    const verifier = oidc.randomPKCECodeVerifier();
    const url = authorizeUrl({
      redirect_uri: redirectUri,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    const result = await new Browser().follow(url);
    if ('callback' in result) throw new Error('redirected to the app');
    expect(result.status).toBe(400);
    expect(result.html).toContain('redirect_uri');
    expect(result.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('ends with access_denied at the redirect URI when the user denies consent', async () => {
    const denied = await authorize(h, { decision: 'deny' });
    expect(denied.callback.searchParams.get('error')).toBe('access_denied');
    expect(denied.callback.searchParams.get('code')).toBeNull();
  });

  it('re-renders the sign-in page with a message on a wrong password, without echoing it', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const browser = new Browser();
    const page = await browser.follow(
      authorizeUrl({
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }),
    );
    if ('callback' in page) throw new Error('expected the sign-in page');
    expect(page.html).toContain('<html lang="en">');
    expect(page.html).toMatch(/<label for="username">/);
    expect(page.html).toMatch(/<label for="password">/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'; style-src 'nonce-[^']+'/);
    expect(csp).toContain("form-action 'self' http://127.0.0.1:9");
    const attempt = 'Wr0ng-<b>-password';
    h.secrets.add(attempt);
    const again = await browser.follow(`${page.url.href}/login`, {
      form: { username: 'alice', password: attempt },
    });
    if ('callback' in again) throw new Error('expected the sign-in page again');
    expect(again.status).toBe(400);
    expect(again.html).toContain('That username and password do not match.');
    expect(again.html).not.toContain(attempt);
    expect(again.html).not.toContain('Wr0ng');
    const right = await browser.follow(`${page.url.href}/login`, {
      form: { username: 'alice', password: 'sandbox-alice' },
    });
    if ('callback' in right) throw new Error('expected the consent page');
    expect(right.html).toContain('Allow');
    expect(right.html).toContain('See your projects');
    expect(right.html).toContain('Signed in as Alice Example.');
  });

  it('never logs a token, code, client secret or password', () => {
    expectNothingSecretLogged(h);
  });
});
