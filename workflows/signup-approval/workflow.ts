/**
 * signup-approval: a user who signed up for a company first proves the address (a link mailed to
 * it, acted on through address-verification), then waits until an admin of that company approves
 * (confirmed, email verified, in the company's group, welcomed) or denies or lets it expire
 * (deleted and told). Started by the pre-sign-up trigger (tasks/pre-sign-up), resumed by the
 * address-verification and approval-decision workflows.
 */
import { z } from 'zod';
import { defineWorkflow, ref } from '../wiring.ts';

export const signupApproval = defineWorkflow({
  module: import.meta.url,
  name: 'signup-approval',
  description:
    "Has the new user prove the address, waits for an admin of the user's company to approve, then confirms or removes the user.",
  type: 'STANDARD',
  input: z.object({
    userName: z.string().min(1),
    email: z.email(),
    /** As typed, normalised by the trigger (workflows/companies.ts); never shown to anyone. */
    companyName: z.string().min(1).max(64),
    /** The company's key, `companyKey(companyName)`. */
    companyId: z
      .string()
      .regex(/^[\p{L}\p{M}\p{N}]+(-[\p{L}\p{M}\p{N}]+)*$/u)
      .max(64),
  }),
  output: z.object({
    outcome: z.enum([
      'APPROVED',
      'DENIED',
      'EXPIRED',
      'FAILED',
      'UNKNOWN_COMPANY',
      'USER_NEVER_CREATED',
      'UNVERIFIED',
      'CANCELLED',
    ]),
    group: z.string().optional(),
    /** Admins whose email could not be sent (the others were reached). */
    unreachedAdmins: z.array(z.string()).optional(),
  }),
  substitutions: {
    UserPoolId: ref.userPoolId(),
    CompanyMembersTable: ref.table('companyMembers'),
    ApprovalsTable: ref.table('approvals'),
    VerificationsTable: ref.table('verifications'),
    SignupQuotasTable: ref.table('signupQuotas'),
    SenderAddress: ref.senderAddress(),
    PublicBaseUrl: ref.publicUrl(),
    ApprovalTimeoutSeconds: ref.setting('approvalTimeoutSeconds'),
    VerificationTimeoutSeconds: ref.setting('verificationTimeoutSeconds'),
  },
  startedBy: { kind: 'task', task: 'pre-sign-up' },
});
