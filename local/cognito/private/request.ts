/**
 * The user pool a request addresses: by UserPoolId, by ClientId, or by the app client in an
 * access token. Answers undefined when there is none, so the target itself reports the error.
 */
import type { CognitoService } from 'cognito-local/lib/services/cognitoService.js';
import type { Context } from 'cognito-local/lib/services/context.js';
import type { UserPoolService } from 'cognito-local/lib/services/userPoolService.js';

export async function requestPool(
  ctx: Context,
  cognito: CognitoService,
  req: Record<string, unknown>,
): Promise<UserPoolService | undefined> {
  const clientId = typeof req.ClientId === 'string' ? req.ClientId : tokenClientId(req.AccessToken);
  const poolId =
    typeof req.UserPoolId === 'string'
      ? req.UserPoolId
      : clientId !== undefined
        ? (await cognito.getAppClient(ctx, clientId))?.UserPoolId
        : undefined;
  if (poolId === undefined) return undefined;
  return cognito.getUserPool(ctx, poolId).catch(() => undefined);
}

/** The token is only read to route it; the target verifies it. */
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
