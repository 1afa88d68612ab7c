/** The environment every task that talks to the provider declares, from the deployment's settings. */
import { type Reference, ref } from '../../../workflows/index.ts';

export const PROVIDER_ENVIRONMENT: Readonly<Record<string, Reference>> = {
  OAUTH_PROVIDER_NAME: ref.setting('oauthProviderName'),
  OAUTH_ISSUER: ref.setting('oauthIssuer'),
  OAUTH_CLIENT_ID: ref.setting('oauthClientId'),
  OAUTH_PARAMETER_PATH: ref.oauthParameterPath(),
  PUBLIC_URL: ref.publicUrl(),
  OAUTH_API_A: ref.setting('oauthApiA'),
  OAUTH_API_B: ref.setting('oauthApiB'),
  OAUTH_SCOPES: ref.setting('oauthScopes'),
};
