/**
 * address-verification: the requester's answer to the address check of a sign-up, run
 * synchronously (Express) for the POST of the verification page: move the verification from
 * PENDING to CONFIRMED ("this is my address") or CANCELLED ("this was not me") once, and resume
 * the waiting signup-approval execution. Having the link proves the mail reached the address.
 * When that execution no longer waits, the record is corrected (EXPIRED past the deadline, else
 * ABANDONED) and an unconfirmed user nobody would remove is removed.
 */
import { defineWorkflow, ref } from '../wiring.ts';
import { AddressVerificationInput, AddressVerificationOutput } from './schemas.ts';

export const addressVerification = defineWorkflow({
  module: import.meta.url,
  name: 'address-verification',
  description: 'Records a new user’s answer to the address check once and resumes the waiting sign-up.',
  type: 'EXPRESS',
  input: AddressVerificationInput,
  output: AddressVerificationOutput,
  substitutions: {
    VerificationsTable: ref.table('verifications'),
    SignupQuotasTable: ref.table('signupQuotas'),
    UserPoolId: ref.userPoolId(),
  },
  startedBy: { kind: 'task', task: 'verify-page', sync: true },
  resumes: ['signup-approval'],
});
