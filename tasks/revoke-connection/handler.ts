/**
 * The provider's side of a disconnect, for the oauth-disconnect workflow: the stored refresh
 * token revoked (RFC 7009; at the sandbox, as at most providers, that ends the whole grant),
 * then the access token, under the connection's lock so no refresh races it. A token the
 * provider no longer knows is no error (RFC 7009 answers 200). Returns which tokens were there.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { requiredEnv } from '../shared/env.ts';
import { ConnectionLock, ProviderClient, providerSettings, TokenStore } from '../shared/oauth/index.ts';

const Input = z.object({ userId: z.string().min(1).max(128), connectionId: z.string().min(1).max(128) });

export interface Dependencies {
  readonly provider: Pick<ProviderClient, 'revoke'>;
  readonly tokens: TokenStore;
  readonly lock: ConnectionLock;
}

export interface Revoked {
  readonly refreshToken: boolean;
  readonly accessToken: boolean;
}

export async function revoke(input: z.infer<typeof Input>, deps: Dependencies): Promise<Revoked> {
  return deps.lock.withLock(input.userId, input.connectionId, async () => {
    const { accessToken, refreshToken } = await deps.tokens.get(input.userId, input.connectionId);
    if (refreshToken) await deps.provider.revoke(refreshToken, 'refresh_token');
    if (accessToken) await deps.provider.revoke(accessToken, 'access_token');
    return { refreshToken: refreshToken !== undefined, accessToken: accessToken !== undefined };
  });
}

let deps: Dependencies | undefined;

export async function handler(event: unknown): Promise<Revoked> {
  if (!deps) {
    const settings = providerSettings();
    const ssm = new SSMClient({});
    const dynamodb = new DynamoDBClient({});
    deps = {
      provider: new ProviderClient(settings, ssm),
      tokens: new TokenStore(ssm, settings.parameterPath),
      lock: new ConnectionLock(dynamodb, requiredEnv('OAUTH_LOCKS_TABLE')),
    };
  }
  return revoke(Input.parse(event), deps);
}
