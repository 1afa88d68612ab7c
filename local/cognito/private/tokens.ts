/**
 * The key that signs this data directory's tokens. cognito-local signs with a private key shipped
 * inside its npm package, so anyone could mint an ID token the local authorizer would accept.
 * Here each data directory gets its own RSA key, made once and kept in `signing-key.pem` (mode
 * 0600, never printed or logged); ID, access and refresh tokens are signed with it (RS256, `kid`
 * = the RFC 7638 thumbprint of its public JWK, as Cognito names its keys by `kid`), and
 * `/<poolId>/.well-known/jwks.json` serves its public half.
 *
 * cognito-local's targets only decode an access token (jwt.decode), so a forged one passed for
 * anyone's; AWS verifies it. `verifyAccessToken` checks signature, issuer, expiry and
 * `token_use` as Cognito does and answers NotAuthorizedException "Invalid Access Token" or
 * "Access Token has expired".
 */
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NotAuthorizedError } from 'cognito-local/lib/errors.js';
import type { TokenGenerator, Tokens } from 'cognito-local/lib/services/tokenGenerator.js';
import { calculateJwkThumbprint, decodeJwt, errors, exportJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import type { Guard } from './guard.ts';

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as the JWKS lists it. */
  readonly jwk: JWK;
}

export const SIGNING_KEY_FILE = 'signing-key.pem';

/** The data directory's key: read from `signing-key.pem`, or made and written there once. */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const pem = await readFile(file, 'utf8').catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const pair = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    const made = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    // 'wx': a concurrent start that wrote first wins, and its key is the one read back.
    await writeFile(file, made, { mode: 0o600, flag: 'wx' }).catch((writeError: unknown) => {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
    });
    return readFile(file, 'utf8');
  });
  // Only the owner may read it, whatever made the file or restored it from a backup.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  return { kid, privateKey, publicKey, jwk: { ...exported, kid, alg: 'RS256', use: 'sig' } };
}

/**
 * cognito-local's generator makes the claims (groups, custom attributes, the PreTokenGeneration
 * trigger's overrides, iat/exp); each token is signed again, claims unchanged, with `key`.
 */
export function signedWith(key: SigningKey, inner: TokenGenerator): TokenGenerator {
  const sign = (token: string) =>
    new SignJWT(decodeJwt(token)).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(key.privateKey);
  return {
    async generate(...args): Promise<Tokens> {
      const tokens = await inner.generate(...args);
      return {
        AccessToken: await sign(tokens.AccessToken),
        IdToken: await sign(tokens.IdToken),
        RefreshToken: await sign(tokens.RefreshToken),
      };
    },
  };
}

/** The claims of an access token this endpoint issued for `issuer` (`<endpoint>/<poolId>`). */
export async function verifyAccessToken(
  key: SigningKey,
  token: unknown,
  issuer: string | undefined,
): Promise<Record<string, unknown>> {
  if (typeof token !== 'string' || issuer === undefined) throw new NotAuthorizedError('Invalid Access Token');
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer,
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
    });
    if (payload.token_use !== 'access') throw new NotAuthorizedError('Invalid Access Token');
    return payload;
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new NotAuthorizedError('Access Token has expired');
    if (error instanceof NotAuthorizedError) throw error;
    throw new NotAuthorizedError('Invalid Access Token');
  }
}

/**
 * Requests that carry an AccessToken (GetUser, UpdateUserAttributes, ChangePassword, DeleteUser,
 * ...) go on only with a token this endpoint signed for the pool of the token's app client.
 */
export function accessTokens(key: SigningKey, endpoint: () => string): Guard {
  return async ({ pool, req }, next) => {
    if ('AccessToken' in req) {
      const issuer = pool ? `${endpoint()}/${pool.options.Id}` : undefined;
      await verifyAccessToken(key, req.AccessToken, issuer);
    }
    return next();
  };
}
