/**
 * The sandbox provider's own error: bad start options (a data directory that cannot be used, a
 * redirect URI that is not an absolute http(s) URL, ...). The message says what was wrong, the value
 * received, and the fix.
 */
export class SandboxProviderError extends Error {
  override name = 'SandboxProviderError';
}
