/**
 * What a request addresses: its user pool (by UserPoolId, by ClientId, or by the app client in an
 * access token) and its app client (by ClientId or the access token). Each is undefined when there
 * is none, so the target itself reports the error.
 */
import type { AppClient } from 'cognito-local/lib/services/appClient.js';
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import type { Context } from 'cognito-local/lib/services/context.js';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService.js';

export interface RequestScope {
  readonly pool: UserPoolService | undefined;
  readonly client: AppClient | undefined;
}

export async function requestScope(
  ctx: Context,
  cognito: CognitoService,
  req: Record<string, unknown>,
): Promise<RequestScope> {
  const clientId = typeof req.ClientId === 'string' ? req.ClientId : tokenClientId(req.AccessToken);
  const client =
    clientId !== undefined ? ((await cognito.getAppClient(ctx, clientId)) ?? undefined) : undefined;
  const poolId = typeof req.UserPoolId === 'string' ? req.UserPoolId : client?.UserPoolId;
  // getUserPool throws (rather than rejects) for a pool that does not exist.
  const pool =
    poolId === undefined
      ? undefined
      : await Promise.resolve()
          .then(() => cognito.getUserPool(ctx, poolId))
          .catch(() => undefined);
  return { pool, client };
}

/** The token is only read to route it; the access-token check (tokens.ts) verifies it. */
function tokenClientId(token: unknown): string | undefined {
  if (typeof token !== 'string') return undefined;
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    const clientId = (payload as { client_id?: unknown } | null)?.client_id;
    return typeof clientId === 'string' ? clientId : undefined;
  } catch {
    return undefined;
  }
}
