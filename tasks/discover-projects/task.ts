import { ref } from '../../workflows/index.ts';
import { PROVIDER_ENVIRONMENT } from '../shared/oauth/environment.ts';
import { defineTask } from '../wiring.ts';

export const discoverProjects = defineTask({
  module: import.meta.url,
  name: 'discover-projects',
  description:
    'Discovery through the provider’s API A (bearer access token, refreshed under the connection’s lock when expired): the user’s projects, normalised; returns records only.',
  environment: {
    ...PROVIDER_ENVIRONMENT,
    CONNECTIONS_TABLE: ref.table('connections'),
    OAUTH_LOCKS_TABLE: ref.table('oauthLocks'),
  },
  tableAccess: [
    { table: 'connections', actions: ['GetItem', 'UpdateItem'] },
    { table: 'oauthLocks', actions: ['PutItem', 'DeleteItem'] },
  ],
  oauthParameters: ['client-secret', 'read-tokens', 'write-tokens'],
  timeoutSeconds: 60,
});
