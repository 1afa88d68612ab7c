/**
 * approval-decision: an admin's decision on a sign-up approval, run synchronously (Express) for
 * the POST of the approval page: is the caller an admin of that company, move the approval from
 * PENDING to DECIDED once, resume the waiting signup-approval execution (SendTaskSuccess to
 * approve, SendTaskFailure `SignUp.Denied` to deny) and release the company's pending-sign-up
 * hold. When that execution no longer waits, the record is corrected (EXPIRED past the deadline,
 * else ABANDONED) and an unconfirmed user nobody would remove is removed and told.
 */
import { defineWorkflow, ref } from '../wiring.ts';
import { ApprovalDecisionInput, ApprovalDecisionOutput } from './schemas.ts';

export const approvalDecision = defineWorkflow({
  module: import.meta.url,
  name: 'approval-decision',
  description: 'Records an admin’s decision on a sign-up approval once and resumes the waiting approval.',
  type: 'EXPRESS',
  input: ApprovalDecisionInput,
  output: ApprovalDecisionOutput,
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
