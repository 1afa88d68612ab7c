/**
 * The browser binding of an authorization request: a random value in an HttpOnly cookie that
 * only the callback path receives (SameSite=Lax: sent on the provider's top-level redirect back,
 * not on cross-site subresource requests), Secure whenever the app is served over HTTPS.
 */

export const BINDING_COOKIE = 'oauth_binding';
export const CALLBACK_PATH = '/auth/callback';

export function bindingCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${BINDING_COOKIE}=${value}`,
    `Path=${CALLBACK_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** The binding cookie removed (after the callback, whatever its outcome). */
export function clearedBindingCookie(secure: boolean): string {
  return bindingCookie('', 0, secure);
}

/** The binding's value among API Gateway's `cookies` (payload format 2.0: `name=value` each). */
export function readBinding(cookies: readonly string[] | undefined): string | undefined {
  for (const cookie of cookies ?? []) {
    const at = cookie.indexOf('=');
    if (at > 0 && cookie.slice(0, at).trim() === BINDING_COOKIE) {
      const value = cookie.slice(at + 1).trim();
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}
