import { ref } from '../../workflows/index.ts';
import { PROVIDER_ENVIRONMENT } from '../shared/oauth/environment.ts';
import { defineTask } from '../wiring.ts';

export const revokeConnection = defineTask({
  module: import.meta.url,
  name: 'revoke-connection',
  description:
    'Disconnect, at the provider: revokes the connection’s refresh token (and with it the grant) and access token, under the connection’s lock; returns what was revoked, never a token.',
  environment: {
    ...PROVIDER_ENVIRONMENT,
    OAUTH_LOCKS_TABLE: ref.table('oauthLocks'),
  },
  tableAccess: [{ table: 'oauthLocks', actions: ['PutItem', 'DeleteItem'] }],
  oauthParameters: ['client-secret', 'read-tokens'],
  timeoutSeconds: 30,
});
