/**
 * approval-decision's input and output, apart from its declaration so that the page that starts
 * it (tasks/approval-page) reads its answer with the very schema the workflow declares, without
 * bundling the declaration (which reads the definition file).
 */
import { z } from 'zod';

export const ApprovalDecisionInput = z.object({
  approvalId: z.string().min(1),
  decision: z.enum(['APPROVE', 'DENY']),
  /** From the verified ID token of the signed-in admin, never from the request body. */
  admin: z.object({ sub: z.string().min(1), email: z.email() }),
});

export const ApprovalDecisionOutput = z.object({
  status: z.enum(['DECIDED', 'ALREADY_DECIDED', 'EXPIRED', 'ABANDONED', 'NOT_READY', 'UNKNOWN', 'FORBIDDEN']),
  decision: z.enum(['APPROVED', 'DENIED']).optional(),
});
