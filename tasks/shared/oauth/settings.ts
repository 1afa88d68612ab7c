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
  const secure = (variable: 'OAUTH_API_A' | 'OAUTH_API_B' | 'PUBLIC_URL'): string => {
    const value = read(variable).replace(/\/$/, '');
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new OAuthNotConfigured(
        `${variable} is not a URL: set the CDK context '${VARIABLES[variable]}' to an https:// address.`,
      );
    }
    // Tokens travel to these: plain HTTP only to this machine (the local sandbox and routes).
    if (url.protocol !== 'https:' && !isLoopback(value)) {
      throw new OAuthNotConfigured(
        `${variable} is ${url.protocol}//${url.host}: tokens are sent there, so it must be https:// (plain http only on loopback). Set the CDK context '${VARIABLES[variable]}'.`,
      );
    }
    return value;
  };
  const name = read('OAUTH_PROVIDER_NAME');
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) {
    throw new OAuthNotConfigured(
      `OAUTH_PROVIDER_NAME '${name}' must be 1-32 lowercase letters, digits and dashes, starting with a letter (CDK context 'oauthProviderName').`,
    );
  }
  return {
    name,
    issuer: read('OAUTH_ISSUER'),
    clientId: read('OAUTH_CLIENT_ID'),
    parameterPath: read('OAUTH_PARAMETER_PATH'),
    redirectUri: `${secure('PUBLIC_URL')}/auth/callback`,
    apiA: secure('OAUTH_API_A'),
    apiB: secure('OAUTH_API_B'),
    scopes: read('OAUTH_SCOPES'),
  };
}

/**
 * The variables read here: the ones PROVIDER_ENVIRONMENT (environment.ts) declares for every task
 * that talks to the provider (a test keeps the two lists equal; this module cannot import the
 * declarations, which would pull the workflow definitions into every Lambda bundle).
 */
export const PROVIDER_ENVIRONMENT_KEYS = Object.keys(VARIABLES) as (keyof typeof VARIABLES)[];

/** Plain HTTP is allowed for a provider on this machine only (the local sandbox), never elsewhere. */
export function isLoopback(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return (
    protocol === 'http:' && (hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]')
  );
}
