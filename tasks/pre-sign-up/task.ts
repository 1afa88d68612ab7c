import { ref } from '../../workflows/index.ts';
import { defineTask } from '../wiring.ts';

export const preSignUp = defineTask({
  module: import.meta.url,
  name: 'pre-sign-up',
  description:
    'Cognito pre-sign-up trigger: checks the company name and address, applies the sign-up caps and starts the sign-up approval.',
  environment: {
    APPROVAL_STATE_MACHINE_ARN: ref.stateMachineArn('signup-approval'),
    SIGNUP_QUOTAS_TABLE: ref.table('signupQuotas'),
    COMPANY_MEMBERS_TABLE: ref.table('companyMembers'),
    PENDING_SIGN_UPS_PER_COMPANY: ref.setting('pendingSignUpsPerCompany'),
    SIGN_UPS_PER_ADDRESS_PER_DAY: ref.setting('signUpsPerAddressPerDay'),
    VERIFICATION_TIMEOUT_SECONDS: ref.setting('verificationTimeoutSeconds'),
    APPROVAL_TIMEOUT_SECONDS: ref.setting('approvalTimeoutSeconds'),
  },
  updatesTables: ['signupQuotas'],
  readsItems: [{ table: 'companyMembers', attributes: ['companyId', 'userId'] }],
  cognitoTrigger: 'PreSignUp',
  timeoutSeconds: 5,
});
