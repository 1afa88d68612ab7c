import { ref } from '../../workflows/index.ts';
import { defineTask } from '../wiring.ts';

export const preSignUp = defineTask({
  module: import.meta.url,
  name: 'pre-sign-up',
  description: 'Cognito pre-sign-up trigger: requires a company name and starts the sign-up approval.',
  environment: { APPROVAL_STATE_MACHINE_ARN: ref.stateMachineArn('signup-approval') },
  cognitoTrigger: 'PreSignUp',
  timeoutSeconds: 5,
});
