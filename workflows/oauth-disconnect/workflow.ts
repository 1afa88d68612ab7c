/**
 * oauth-disconnect: the user disconnects their provider account: revoked at the provider, the
 * tokens deleted from SSM, the connection marked REVOKED and its resources removed. Started by
 * the connections page (tasks/connections).
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

export const oauthDisconnect = defineWorkflow({
  module: import.meta.url,
  name: 'oauth-disconnect',
  description:
    'Revokes a connection at the provider, deletes its tokens, marks it REVOKED and removes its resources.',
  type: 'STANDARD',
  input: z.object({
    userId: z.string().min(1).max(128),
    connectionId: z.string().min(1).max(128),
    /** The connection's two token parameters (names, not values). */
    parameters: z.array(z.string().min(1).max(2048)).length(2),
  }),
  output: z.object({ status: z.literal('REVOKED'), removed: z.number().int(), reasons: z.array(z.string()) }),
  substitutions: {
    RevokeConnectionFunctionArn: ref.functionArn('revoke-connection'),
    ConnectionsTable: ref.table('connections'),
    ResourcesTable: ref.table('resources'),
  },
  startedBy: { kind: 'task', task: 'connections' },
});
