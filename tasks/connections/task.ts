import { ref } from '../../workflows/index.ts';
import { defineTask } from '../wiring.ts';

export const connections = defineTask({
  module: import.meta.url,
  name: 'connections',
  description:
    'The connections page and its API: the signed-in user’s provider connections and discovered resources (active and skipped), Connect, Discover again and Disconnect.',
  environment: {
    USER_POOL_CLIENT_ID: ref.userPoolClientId(),
    CONNECTIONS_TABLE: ref.table('connections'),
    RESOURCES_TABLE: ref.table('resources'),
    DISCOVERY_STATE_MACHINE_ARN: ref.stateMachineArn('oauth-discovery'),
    DISCONNECT_STATE_MACHINE_ARN: ref.stateMachineArn('oauth-disconnect'),
    OAUTH_PARAMETER_PATH: ref.oauthParameterPath(),
  },
  routes: [
    {
      method: 'GET',
      path: '/connections',
      auth: 'none',
      publicBecause:
        'it renders the sign-in form and the page script; the data comes from /api/connections, which needs a signed-in user.',
    },
    {
      method: 'HEAD',
      path: '/connections',
      auth: 'none',
      publicBecause:
        'it renders the sign-in form and the page script; the data comes from /api/connections, which needs a signed-in user.',
    },
    { method: 'GET', path: '/api/connections', auth: 'cognito' },
    { method: 'POST', path: '/api/connections/{id}/discover', auth: 'cognito' },
    { method: 'POST', path: '/api/connections/{id}/disconnect', auth: 'cognito' },
  ],
  tableAccess: [
    { table: 'connections', actions: ['Query', 'GetItem', 'UpdateItem'] },
    { table: 'resources', actions: ['Query'] },
  ],
  timeoutSeconds: 10,
});
