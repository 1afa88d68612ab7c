/**
 * approval-decision: an admin's decision on a sign-up approval, run synchronously (Express) for
 * the POST of the approval page: is the caller an admin of that company, move the approval from
 * PENDING to DECIDED once, resume the waiting signup-approval execution (SendTaskSuccess to
 * approve, SendTaskFailure `SignUp.Denied` to deny) and release the company's pending-sign-up
 * hold. When that execution no longer waits, the record is corrected (EXPIRED past the deadline,
 * else ABANDONED) and an unconfirmed user nobody would remove is removed and told.
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

export const approvalDecision = defineWorkflow({
  module: import.meta.url,
  name: 'approval-decision',
  description: 'Records an admin’s decision on a sign-up approval once and resumes the waiting approval.',
  type: 'EXPRESS',
  input: z.object({
    approvalId: z.string().min(1),
    decision: z.enum(['APPROVE', 'DENY']),
    /** From the verified ID token of the signed-in admin, never from the request body. */
    admin: z.object({ sub: z.string().min(1), email: z.email() }),
  }),
  output: z.object({
    status: z.enum([
      'DECIDED',
      'ALREADY_DECIDED',
      'EXPIRED',
      'ABANDONED',
      'NOT_READY',
      'UNKNOWN',
      'FORBIDDEN',
    ]),
    decision: z.enum(['APPROVED', 'DENIED']).optional(),
  }),
  substitutions: {
    ApprovalsTable: ref.table('approvals'),
    CompanyMembersTable: ref.table('companyMembers'),
    SignupQuotasTable: ref.table('signupQuotas'),
    UserPoolId: ref.userPoolId(),
    SenderAddress: ref.senderAddress(),
  },
  startedBy: { kind: 'task', task: 'approval-page', sync: true },
  resumes: ['signup-approval'],
});
