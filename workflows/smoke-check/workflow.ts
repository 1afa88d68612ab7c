/**
 * smoke-check: a read-only check of a deployment, to start after `cdk deploy` or `wf up`. Every
 * table the processes use must be ACTIVE and the database must answer through the RDS Data API.
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

const Check = z.object({
  check: z.enum(['table', 'database']),
  name: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});

export const smokeCheck = defineWorkflow({
  module: import.meta.url,
  name: 'smoke-check',
  description:
    'Read-only check that every table is ACTIVE and the database answers through the RDS Data API.',
  type: 'STANDARD',
  input: z.object({}).strict(),
  output: z.object({ healthy: z.boolean(), checkedAt: z.string(), checks: z.array(Check) }),
  substitutions: {
    CompanyMembersTable: ref.table('companyMembers'),
    ApprovalsTable: ref.table('approvals'),
    VerificationsTable: ref.table('verifications'),
    SignupQuotasTable: ref.table('signupQuotas'),
    OAuthSessionsTable: ref.table('oauthSessions'),
    OAuthLocksTable: ref.table('oauthLocks'),
    ConnectionsTable: ref.table('connections'),
    ResourcesTable: ref.table('resources'),
    DatabaseClusterArn: ref.databaseClusterArn(),
    DatabaseSecretArn: ref.databaseSecretArn(),
    DatabaseName: ref.databaseName(),
  },
  startedBy: { kind: 'api', description: 'an operator, after a deploy (aws stepfunctions start-execution)' },
});
