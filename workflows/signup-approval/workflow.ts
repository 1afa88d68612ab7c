/**
 * signup-approval: a user who signed up for a company waits until an admin of that company
 * approves (confirmed, email verified, in the company's group, welcomed) or denies or lets it
 * expire (deleted and told). Started by the pre-sign-up trigger (tasks/pre-sign-up), resumed by
 * the approval-decision workflow.
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

export const signupApproval = defineWorkflow({
  module: import.meta.url,
  name: 'signup-approval',
  description:
    "Waits for an admin of the new user's company to approve the sign-up, then confirms or removes the user.",
  type: 'STANDARD',
  input: z.object({
    userName: z.string().min(1),
    email: z.email(),
    companyName: z.string().trim().min(1),
  }),
  output: z.object({
    outcome: z.enum(['APPROVED', 'DENIED', 'EXPIRED', 'FAILED', 'UNKNOWN_COMPANY', 'USER_NEVER_CREATED']),
    group: z.string().optional(),
  }),
  substitutions: {
    UserPoolId: ref.userPoolId(),
    CompanyMembersTable: ref.table('companyMembers'),
    ApprovalsTable: ref.table('approvals'),
    SenderAddress: ref.senderAddress(),
    PublicBaseUrl: ref.publicUrl(),
    ApprovalTimeoutSeconds: ref.setting('approvalTimeoutSeconds'),
  },
  startedBy: { kind: 'task', task: 'pre-sign-up' },
});
