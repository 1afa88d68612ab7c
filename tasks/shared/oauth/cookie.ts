/**
 * The browser binding of an authorization request: a random value in an HttpOnly cookie that
 * only the callback path receives (SameSite=Lax: sent on the provider's top-level redirect back,
 * not on cross-site subresource requests), Secure whenever the app is served over HTTPS. Each
 * request has its own cookie, named after its state, so two flows started in two tabs do not
 * overwrite each other, and a callback clears only its own.
 */
import { createHash } from 'node:crypto';

export const CALLBACK_PATH = '/auth/callback';

/** The cookie's name for one state: `oauth_binding_` and 16 hex digits of the state's SHA-256. */
export function bindingCookieName(state: string): string {
  return `oauth_binding_${createHash('sha256').update(state, 'utf8').digest('hex').slice(0, 16)}`;
}

/**
 * `callbackUrl`: the app's registered callback; the cookie is Secure whenever it is https (always
 * on API Gateway; plain http only on a loopback local cloud, where a Secure cookie would be lost).
 */
export function bindingCookie(
  state: string,
  value: string,
  maxAgeSeconds: number,
  callbackUrl: string,
): string {
  const secure = new URL(callbackUrl).protocol === 'https:';
  return [
    `${bindingCookieName(state)}=${value}`,
    `Path=${CALLBACK_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The request's binding cookie removed (once its request is consumed). */
export function clearedBindingCookie(state: string, callbackUrl: string): string {
  return bindingCookie(state, '', 0, callbackUrl);
}

/**
 * The binding for `state` among API Gateway's `cookies` (payload format 2.0: `name=value` each).
 * Every cookie of that name is tried in turn by the caller; values of another shape are skipped.
 */
export function readBindings(cookies: readonly string[] | undefined, state: string): string[] {
  const name = bindingCookieName(state);
  const found: string[] = [];
  for (const cookie of cookies ?? []) {
    const at = cookie.indexOf('=');
    if (at <= 0 || cookie.slice(0, at).trim() !== name) continue;
    const value = cookie.slice(at + 1).trim();
    if (/^[A-Za-z0-9_-]{43}$/.test(value)) found.push(value);
  }
  return found.slice(0, 3);
}
