/**
 * Where a connection's tokens live in SSM Parameter Store, and the ids built from subjects the
 * provider or Cognito chose. A subject is someone else's string: it is never put into a parameter
 * name or a key as it came, but sanitised to a short, fixed alphabet first.
 */
import { createHash } from 'node:crypto';

/**
 * A subject as a path segment: itself if it is 1-64 letters, digits, `_` or `-` (prefixed `s-`),
 * else `h-` and the first 40 hex digits of its SHA-256. Distinct subjects give distinct segments
 * (the prefixes keep the two forms apart), and the result always matches `[A-Za-z0-9_-]{3,66}`.
 */
export function subjectSegment(subject: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(subject)) return `s-${subject}`;
  return `h-${createHash('sha256').update(subject, 'utf8').digest('hex').slice(0, 40)}`;
}

/**
 * A connection's id: the provider's name and 32 hex digits of the SHA-256 of this app's user and
 * the provider's subject. One per (app user, provider account): two users who connect the same
 * provider account (a shared login) get two connections, and neither's discovery or disconnect
 * touches the other's resources (the resources table is keyed by connection id).
 */
export function connectionIdOf(provider: string, userId: string, providerSubject: string): string {
  const digest = createHash('sha256').update(`${userId}\n${providerSubject}`, 'utf8').digest('hex');
  return `${provider}-${digest.slice(0, 32)}`;
}

/** Connection ids as `connectionIdOf` builds them, to check an id a request names. */
export const CONNECTION_ID = /^[a-z][a-z0-9-]{0,31}-[0-9a-f]{32}$/;

export interface TokenParameters {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/**
 * The two SecureString parameters of one connection of one user:
 * `<root>/connections/<user segment>/<connection id>/{access,refresh}-token`.
 */
export function tokenParameters(root: string, userId: string, connectionId: string): TokenParameters {
  const base = `${root}/connections/${subjectSegment(userId)}/${connectionId}`;
  return { accessToken: `${base}/access-token`, refreshToken: `${base}/refresh-token` };
}

/** The client secret's parameter. */
export function clientSecretParameter(root: string): string {
  return `${root}/client-secret`;
}
