/**
 * oauth-discovery: after a user connected their provider account (the callback stored the tokens
 * and recorded the connection), find the user's resources through the provider's two APIs and
 * keep them, normalised, in DynamoDB (active and skipped apart), from where stream-sync mirrors
 * them into PostgreSQL. Started by the OAuth callback (tasks/auth-callback) and by "Discover
 * again" (tasks/connections).
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

export const oauthDiscovery = defineWorkflow({
  module: import.meta.url,
  name: 'oauth-discovery',
  description:
    "Discovers a connected user's resources through the provider's API A and API B in parallel; CONNECTED, PARTIAL or FAILED with reasons.",
  type: 'STANDARD',
  input: z.object({ userId: z.string().min(1).max(128), connectionId: z.string().min(1).max(128) }),
  output: z.object({
    status: z.enum(['CONNECTED', 'PARTIAL', 'FAILED', 'REVOKED']),
    active: z.number().int(),
    skipped: z.number().int(),
    written: z.number().int(),
    removed: z.number().int(),
    reasons: z.array(z.string()),
  }),
  substitutions: {
    DiscoverProjectsFunctionArn: ref.functionArn('discover-projects'),
    DiscoverAccountsFunctionArn: ref.functionArn('discover-accounts'),
    ResourcesTable: ref.table('resources'),
    ConnectionsTable: ref.table('connections'),
  },
  startedBy: { kind: 'task', task: 'auth-callback', alsoTasks: ['connections'] },
});
