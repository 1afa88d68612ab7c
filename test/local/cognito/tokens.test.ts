import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importPKCS8,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, failure, member, startPool } from './fixture.ts';

const shipped = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.public.json') as {
  jwk: { n: string };
};

describe('the local Cognito’s signing key, one per data directory', () => {
  let fixture: Fixture;
  let idToken: string;
  let accessToken: string;
  const jwks = async () =>
    (await (
      await fetch(`${fixture.service.endpoint}/${fixture.poolId}/.well-known/jwks.json`)
    ).json()) as JSONWebKeySet;
  beforeAll(async () => {
    fixture = await startPool();
    ({ idToken, accessToken } = await member(fixture, 'member@acme.example'));
  });
  afterAll(() => fixture.close());

  it('is made once, readable by its owner only, and is not the key shipped in cognito-local', async () => {
    const file = join(fixture.dir, 'signing-key.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    const { keys } = await jwks();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(keys[0]).not.toHaveProperty('d');
    expect(keys[0]?.n).not.toBe(shipped.jwk.n);
  });

  it('signs ID and access tokens that verify against the JWKS, with the key’s kid', async () => {
    const { keys } = await jwks();
    const issuer = `${fixture.service.endpoint}/${fixture.poolId}`;
    for (const token of [idToken, accessToken]) {
      expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', kid: keys[0]?.kid });
      const { payload } = await jwtVerify(token, createLocalJWKSet({ keys }), { issuer });
      expect(payload.exp).toBeGreaterThan(payload.iat ?? 0);
    }
    expect(decodeJwt(idToken)).toMatchObject({
      aud: fixture.clientId,
      token_use: 'id',
      'custom:company_name': 'Acme',
    });
    const configuration = (await (
      await fetch(`${fixture.service.endpoint}/${fixture.poolId}/.well-known/openid-configuration`)
    ).json()) as Record<string, unknown>;
    expect(configuration).toMatchObject({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json` });
    expect((await fetch(`${fixture.service.endpoint}/local_nopool/.well-known/jwks.json`)).status).toBe(404);
  });

  it('keeps the key across a restart: tokens issued before still verify', async () => {
    const before = await jwks();
    await fixture.restart();
    const after = await jwks();
    expect(after).toEqual(before);
    await jwtVerify(idToken, createLocalJWKSet(after), {
      issuer: `${fixture.service.endpoint}/${fixture.poolId}`,
    });
    const user = await fixture.client.send(new GetUserCommand({ AccessToken: accessToken }));
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('member@acme.example');
  });

  it('refuses an expired access token, as AWS words it', async () => {
    const key = await importPKCS8(await readFile(join(fixture.dir, 'signing-key.pem'), 'utf8'), 'RS256');
    const { keys } = await jwks();
    const expired = await new SignJWT({ ...decodeJwt(accessToken), exp: Math.floor(Date.now() / 1000) - 60 })
      .setProtectedHeader({ alg: 'RS256', kid: keys[0]?.kid ?? '' })
      .sign(key);
    const error = await failure(
      fixture.client.send(new GetUserCommand({ AccessToken: expired })),
      'NotAuthorizedException',
    );
    expect(error.message).toBe('Access Token has expired');
    // An ID token is not an access token.
    await failure(
      fixture.client.send(new GetUserCommand({ AccessToken: idToken })),
      'NotAuthorizedException',
    );
  });

  it('serves no hosted UI: the pool has no domain', async () => {
    expect((await fetch(`${fixture.service.endpoint}/oauth2/token`, { method: 'POST' })).status).toBe(404);
  });
});
