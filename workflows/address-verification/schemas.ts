/**
 * address-verification's input and output, apart from its declaration so that the page that
 * starts it (tasks/verify-page) reads its answer with the very schema the workflow declares,
 * without bundling the declaration (which reads the definition file).
 */
import { z } from 'zod';

export const AddressVerificationInput = z.object({
  verificationId: z.string().min(1),
  action: z.enum(['CONFIRM', 'CANCEL']),
});

export const AddressVerificationOutput = z.object({
  status: z.enum([
    'CONFIRMED',
    'CANCELLED',
    'ALREADY_ANSWERED',
    'EXPIRED',
    'ABANDONED',
    'NOT_READY',
    'UNKNOWN',
  ]),
  /** With ALREADY_ANSWERED and EXPIRED: what the record says. */
  answer: z.string().optional(),
});
