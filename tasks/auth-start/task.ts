import { ref } from '../../workflows/index.ts';
import { PROVIDER_ENVIRONMENT } from '../shared/oauth/environment.ts';
import { defineTask } from '../wiring.ts';

export const authStart = defineTask({
  module: import.meta.url,
  name: 'auth-start',
  description:
    'Starts connecting the signed-in user to the OAuth provider: a single-use state and PKCE verifier bound to the user and this browser, then the provider’s authorization URL.',
  environment: { ...PROVIDER_ENVIRONMENT, OAUTH_SESSIONS_TABLE: ref.table('oauthSessions') },
  routes: [{ method: 'GET', path: '/auth/start', auth: 'cognito' }],
  tableAccess: [{ table: 'oauthSessions', actions: ['PutItem'] }],
  oauthParameters: ['client-secret'],
  timeoutSeconds: 15,
});
