import { ref } from '../../workflows/index.ts';
import { PROVIDER_ENVIRONMENT } from '../shared/oauth/environment.ts';
import { defineTask } from '../wiring.ts';

export const authCallback = defineTask({
  module: import.meta.url,
  name: 'auth-callback',
  description:
    'The provider’s redirect back: consumes the state once (same browser, in time), exchanges the code once, stores the tokens in SSM SecureString and starts discovery; returns metadata only.',
  environment: {
    ...PROVIDER_ENVIRONMENT,
    OAUTH_SESSIONS_TABLE: ref.table('oauthSessions'),
    CONNECTIONS_TABLE: ref.table('connections'),
    OAUTH_LOCKS_TABLE: ref.table('oauthLocks'),
    DISCOVERY_STATE_MACHINE_ARN: ref.stateMachineArn('oauth-discovery'),
  },
  routes: [
    {
      method: 'GET',
      path: '/auth/callback',
      auth: 'none',
      publicBecause:
        'the provider redirects the browser here; the request is bound to the user by the single-use state and the HttpOnly cookie set at /auth/start, checked in one conditional delete.',
    },
  ],
  tableAccess: [
    { table: 'oauthSessions', actions: ['DeleteItem'] },
    { table: 'connections', actions: ['UpdateItem'] },
    { table: 'oauthLocks', actions: ['PutItem', 'DeleteItem'] },
  ],
  oauthParameters: ['client-secret', 'write-tokens', 'delete-tokens'],
  timeoutSeconds: 20,
});
