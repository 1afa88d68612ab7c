/**
 * The provider's settings as a function reads them from its environment (resolved from the
 * deployment's settings by the CDK app or the local cloud). A missing one fails with the CDK
 * context key to set, not somewhere later in a request to an empty URL.
 */
import { OAuthNotConfigured } from './errors.ts';

export interface ProviderSettings {
  /** Part of connection ids and parameter names, e.g. `sandbox`. */
  readonly name: string;
  readonly issuer: string;
  readonly clientId: string;
  /** `/<prefix>/oauth`: the client secret and every connection's tokens live under it. */
  readonly parameterPath: string;
  /** The app's callback, registered exactly so at the provider. */
  readonly redirectUri: string;
  readonly apiA: string;
  readonly apiB: string;
  readonly scopes: string;
}

/** Environment variable → CDK context key (the message tells the operator which to set). */
const VARIABLES = {
  OAUTH_PROVIDER_NAME: 'oauthProviderName',
  OAUTH_ISSUER: 'oauthIssuer',
  OAUTH_CLIENT_ID: 'oauthClientId',
  OAUTH_PARAMETER_PATH: 'prefix',
  PUBLIC_URL: 'prefix',
  OAUTH_API_A: 'oauthApiA',
  OAUTH_API_B: 'oauthApiB',
  OAUTH_SCOPES: 'oauthScopes',
} as const;

export function providerSettings(env: NodeJS.ProcessEnv = process.env): ProviderSettings {
  const read = (variable: keyof typeof VARIABLES): string => {
    const value = env[variable];
    if (!value) {
      throw new OAuthNotConfigured(
        `${variable} is empty: the OAuth provider is not configured for this deployment. Set the CDK context '${VARIABLES[variable]}' (cdk deploy -c ${VARIABLES[variable]}=...) and deploy again.`,
      );
    }
    return value;
  };
  return {
    name: read('OAUTH_PROVIDER_NAME'),
    issuer: read('OAUTH_ISSUER'),
    clientId: read('OAUTH_CLIENT_ID'),
    parameterPath: read('OAUTH_PARAMETER_PATH'),
    redirectUri: `${read('PUBLIC_URL')}/auth/callback`,
    apiA: read('OAUTH_API_A').replace(/\/$/, ''),
    apiB: read('OAUTH_API_B').replace(/\/$/, ''),
    scopes: read('OAUTH_SCOPES'),
  };
}

/** The environment a task that talks to the provider declares (tasks/<task>/task.ts). */
export const PROVIDER_ENVIRONMENT_KEYS = Object.keys(VARIABLES) as (keyof typeof VARIABLES)[];

/** Plain HTTP is allowed for a provider on this machine only (the local sandbox), never elsewhere. */
export function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'http:' && (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]')
  );
}
