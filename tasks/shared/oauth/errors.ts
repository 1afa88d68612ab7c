/**
 * What can go wrong between the app and the OAuth provider, as named errors. A message never
 * quotes a token, a code, a verifier or the client secret: messages reach logs, and the ones
 * thrown from a workflow's task reach its execution history as the error's cause.
 */

/**
 * An OAuth error code someone else chose (the provider's `error`, a callback's `error`
 * parameter), repeated only when it is a plain code (`invalid_grant`); else undefined. Such codes
 * reach pages, logs and execution histories, so nothing longer or stranger is ever repeated.
 */
export function plainErrorCode(code: unknown): string | undefined {
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : undefined;
}

export class OAuthError extends Error {
  override name = 'OAuthError';
}

/** A setting the functions need is missing: the deployment forgot it. */
export class OAuthNotConfigured extends OAuthError {
  override name = 'OAuthNotConfigured';
}

/**
 * The provider refused the grant (`invalid_grant`: the code or refresh token is used, expired or
 * revoked): nothing retried helps; the user connects again.
 */
export class ReconnectRequired extends OAuthError {
  override name = 'ReconnectRequired';
}

/** The provider or one of its APIs is down, slow or answered 5xx: worth retrying later. */
export class ProviderUnavailable extends OAuthError {
  override name = 'ProviderUnavailable';
}

/** The provider answered something the app does not understand (a bug on either side). */
export class ProviderError extends OAuthError {
  override name = 'ProviderError';
}

/** Another holder kept the connection's refresh lock longer than a caller waits: retry. */
export class RefreshBusy extends OAuthError {
  override name = 'RefreshBusy';
}

/** The connection has no stored tokens (never connected, or disconnected). */
export class NotConnected extends OAuthError {
  override name = 'NotConnected';
}
