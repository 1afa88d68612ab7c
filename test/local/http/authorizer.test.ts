/**
 * The API Gateway stand-in's JWT authorizer against the local Cognito: only tokens signed with the
 * data directory's own key, for the pool and app client, with an expiry, reach the handler.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HttpApi, startHttpApi } from '../../../local/http/index.ts';
import { type Fixture, member, startPool } from '../cognito/fixture.ts';

/** The private key cognito-local ships in its npm package (what it signed with before). */
const shipped = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json') as {
  pem: string;
};

describe('the local HTTP authorizer with tokens of the local Cognito', () => {
  let fixture: Fixture;
  let api: HttpApi;
  let idToken: string;
  let calls = 0;
  const call = (token: string) =>
    fetch(`${api.endpoint}/private`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
  /** A token with `claims`, signed with the RSA key in `pem` (PKCS#1 or PKCS#8) under `kid`. */
  const sign = (pem: string, kid: string, claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(createPrivateKey(pem));

  beforeAll(async () => {
    fixture = await startPool();
    ({ idToken } = await member(fixture, 'member@acme.example'));
    api = await startHttpApi({
      routes: [{ method: 'GET', path: '/private', auth: 'cognito', functionName: 'private' }],
      handlers: {
        private: async () => {
          calls++;
          return { statusCode: 200, body: 'ok' };
        },
      },
      authorizer: () => ({
        issuer: `${fixture.service.endpoint}/${fixture.poolId}`,
        audience: fixture.clientId,
      }),
    });
  });
  afterAll(async () => {
    await api.close();
    await fixture.close();
  });

  it('accepts an ID token the local Cognito issued', async () => {
    expect(await call(idToken)).toBe(200);
  });

  it('refuses a token minted with the key shipped in node_modules/cognito-local, before the handler', async () => {
    const before = calls;
    const claims = { ...decodeJwt(idToken), 'cognito:groups': ['company-acme'] };
    expect(await call(await sign(shipped.pem, 'CognitoLocal', claims))).toBe(401);
    // Named as the real key, it still fails its signature check.
    expect(await call(await sign(shipped.pem, decodeProtectedHeader(idToken).kid ?? '', claims))).toBe(401);
    expect(calls).toBe(before);
  });

  it('refuses a correctly signed token without exp, as API Gateway does', async () => {
    const pem = await readFile(join(fixture.dir, 'signing-key.pem'), 'utf8');
    const kid = decodeProtectedHeader(idToken).kid ?? '';
    const { exp, ...claims } = decodeJwt(idToken);
    expect(await call(await sign(pem, kid, claims))).toBe(401);
    expect(await call(await sign(pem, kid, { ...claims, exp }))).toBe(200);
  });

  it('still accepts a token issued before Cognito restarted on the same data directory', async () => {
    await fixture.restart();
    expect(await call(idToken)).toBe(200);
    expect(await call((await member(fixture, 'later@acme.example')).idToken)).toBe(200);
  });
});
