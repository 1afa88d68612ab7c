/**
 * Using a connection's tokens, for the functions that call the provider's APIs. The access token
 * is refreshed when it has expired (or is about to), serialised per connection by the lock, and
 * the rotated refresh token is stored before the new access token is used. A caller that waited
 * for another's refresh finds the new token stored and makes no provider call of its own. API B's
 * session, made from the refresh token, is opened under the same lock, so it never presents a
 * refresh token that a concurrent refresh has just rotated away.
 */
import type { Connections } from './connections.ts';
import { NotConnected, ReconnectRequired } from './errors.ts';
import type { ConnectionLock } from './lock.ts';
import type { ProviderClient } from './provider.ts';
import type { TokenStore } from './token-store.ts';

export interface AccessDependencies {
  readonly provider: Pick<ProviderClient, 'refresh'>;
  readonly tokens: TokenStore;
  readonly connections: Connections;
  readonly lock: ConnectionLock;
  readonly now?: () => number;
}

/** Refreshed this long before the provider's expiry, so a token never expires mid-request. */
const EARLY_MS = 60_000;

export class ConnectionAccess {
  private readonly now: () => number;

  constructor(private readonly deps: AccessDependencies) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * A usable access token. `rejected`: the token the API just refused (401), refreshed even if
   * the stored expiry says it is still good, unless another caller has replaced it meanwhile.
   */
  async accessToken(userId: string, connectionId: string, rejected?: string): Promise<string> {
    const stored = await this.fresh(userId, connectionId, rejected);
    if (stored) return stored;
    return this.deps.lock.withLock(userId, connectionId, async () => {
      // Another holder may have refreshed while this one waited: read again under the lock.
      const again = await this.fresh(userId, connectionId, rejected);
      if (again) return again;
      const { refreshToken } = await this.deps.tokens.get(userId, connectionId);
      if (!refreshToken) {
        throw new ReconnectRequired(
          'The access token has expired and no refresh token is stored: connect again.',
        );
      }
      const granted = await this.deps.provider.refresh(refreshToken);
      // The rotated refresh token first (TokenStore.put's order), then the access token.
      await this.deps.tokens.put(userId, connectionId, {
        accessToken: granted.accessToken,
        ...(granted.refreshToken ? { refreshToken: granted.refreshToken } : {}),
      });
      await this.deps.connections.recordRefresh(
        userId,
        connectionId,
        granted.accessTokenExpiresAt,
        this.now(),
      );
      return granted.accessToken;
    });
  }

  /** The stored access token if it is good for a while yet and is not the one just refused. */
  private async fresh(userId: string, connectionId: string, rejected?: string): Promise<string | undefined> {
    const expiresAt = await this.deps.connections.accessTokenExpiry(userId, connectionId);
    if (expiresAt === undefined) throw new NotConnected('The connection does not exist (any more).');
    const { accessToken } = await this.deps.tokens.get(userId, connectionId);
    if (!accessToken) throw new NotConnected('The connection has no stored access token.');
    if (accessToken === rejected) return undefined;
    return expiresAt - EARLY_MS > this.now() ? accessToken : undefined;
  }

  /** Runs `use` with the refresh token, holding the connection's lock (no refresh meanwhile). */
  async withRefreshToken<T>(
    userId: string,
    connectionId: string,
    use: (refreshToken: string) => Promise<T>,
  ): Promise<T> {
    return this.deps.lock.withLock(userId, connectionId, async () => {
      const { refreshToken } = await this.deps.tokens.get(userId, connectionId);
      if (!refreshToken) throw new NotConnected('The connection has no stored refresh token.');
      return use(refreshToken);
    });
  }
}
