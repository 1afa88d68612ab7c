import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNothingSecretLogged,
  type Harness,
  oauthError,
  openSession,
  refresh,
  signIn,
  startHarness,
  stopHarness,
} from './fixture.ts';

describe('sandbox OAuth provider: refresh tokens', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('rotates the refresh token on every use', { timeout: 30_000 }, async () => {
    const first = await signIn(h);
    const second = await refresh(h, first.refresh_token ?? '');
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);
    const third = await refresh(h, second.refresh_token ?? '');
    expect(third.refresh_token).not.toBe(second.refresh_token);
  });

  it('treats reuse of a consumed refresh token as theft: invalid_grant, and the whole grant is revoked', async () => {
    const first = await signIn(h);
    const second = await refresh(h, first.refresh_token ?? '');
    h.provider.resetStats();
    expect(await oauthError(refresh(h, first.refresh_token ?? ''))).toBe('invalid_grant');
    expect(await oauthError(refresh(h, second.refresh_token ?? ''))).toBe('invalid_grant');
    const api = await fetch(`${h.provider.apiA}/projects`, {
      headers: { authorization: `Bearer ${second.access_token}` },
    });
    expect(api.status).toBe(401);
    expect(h.provider.stats().tokenRequests.refresh_token).toBe(2);
  });

  it('revoking the refresh token ends the grant: no API B session, no refresh', async () => {
    const tokens = await signIn(h);
    const rt = tokens.refresh_token ?? '';
    h.provider.resetStats();
    await oidc.tokenRevocation(h.config, rt, { token_type_hint: 'refresh_token' });
    expect(h.provider.stats().revocations).toBe(1);
    const session = await openSession(h, rt);
    expect(session.status).toBe(400);
    expect(await session.json()).toMatchObject({ error: 'invalid_grant' });
    expect(await oauthError(refresh(h, rt))).toBe('invalid_grant');
  });

  it('never logs a token, code, client secret or password', () => {
    expectNothingSecretLogged(h);
  });
});

describe('sandbox OAuth provider: restart on the same data directory', () => {
  it('keeps the client secret, and a refresh token issued before still refreshes', {
    timeout: 30_000,
  }, async () => {
    const before = await startHarness();
    const tokens = await signIn(before);
    const { port } = new URL(before.provider.endpoint);
    await stopHarness(before, false);
    await before.provider.close(); // a second close is harmless
    for (const file of ['oauth-provider-secrets.json', 'oauth-provider-store.json']) {
      expect((await stat(join(before.dataDir, file))).mode & 0o777).toBe(0o600);
      const text = await readFile(join(before.dataDir, file), 'utf8');
      expect(text.includes('sandbox-alice')).toBe(false);
    }
    const after = await startHarness(before.dataDir, Number(port), before.logs, before.secrets);
    try {
      expect(after.provider.client.clientSecret).toBe(before.provider.client.clientSecret);
      expect(after.provider.issuer).toBe(before.provider.issuer);
      const refreshed = await refresh(after, tokens.refresh_token ?? '');
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(refreshed.claims()?.sub).toBe('usr_7f3a9c21alice');
      expectNothingSecretLogged(after);
    } finally {
      await stopHarness(after);
    }
  });
});
