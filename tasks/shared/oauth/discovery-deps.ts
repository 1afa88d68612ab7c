/** What the discovery functions share: the provider's settings and a connection's tokens. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import { requiredEnv } from '../env.ts';
import { ConnectionAccess } from './access.ts';
import { Connections } from './connections.ts';
import { ConnectionLock } from './lock.ts';
import { ProviderClient } from './provider.ts';
import { type ProviderSettings, providerSettings } from './settings.ts';
import { TokenStore } from './token-store.ts';

export interface DiscoveryDependencies {
  readonly settings: ProviderSettings;
  readonly access: ConnectionAccess;
  /** The client secret and the client id, for APIs that authenticate the client (API B). */
  readonly provider: ProviderClient;
}

/** Built from the function's environment (clients once per process). */
export function discoveryDependencies(): DiscoveryDependencies {
  const settings = providerSettings();
  const dynamodb = new DynamoDBClient({});
  const ssm = new SSMClient({});
  const provider = new ProviderClient(settings, ssm);
  return {
    settings,
    provider,
    access: new ConnectionAccess({
      provider,
      tokens: new TokenStore(ssm, settings.parameterPath, process.env.OAUTH_KMS_KEY_ID),
      connections: new Connections(dynamodb, requiredEnv('CONNECTIONS_TABLE')),
      lock: new ConnectionLock(dynamodb, requiredEnv('OAUTH_LOCKS_TABLE')),
    }),
  };
}
