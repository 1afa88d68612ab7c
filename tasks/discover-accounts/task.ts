import { ref } from '../../workflows/index.ts';
import { PROVIDER_ENVIRONMENT } from '../shared/oauth/environment.ts';
import { defineTask } from '../wiring.ts';

export const discoverAccounts = defineTask({
  module: import.meta.url,
  name: 'discover-accounts',
  description:
    'Discovery through the provider’s API B (a session opened with the refresh token, under the connection’s lock): the user’s accounts, normalised; returns records only.',
  environment: {
    ...PROVIDER_ENVIRONMENT,
    CONNECTIONS_TABLE: ref.table('connections'),
    OAUTH_LOCKS_TABLE: ref.table('oauthLocks'),
  },
  tableAccess: [
    { table: 'connections', actions: ['GetItem'] },
    { table: 'oauthLocks', actions: ['PutItem', 'DeleteItem'] },
  ],
  oauthParameters: ['client-secret', 'read-tokens'],
  timeoutSeconds: 60,
});
