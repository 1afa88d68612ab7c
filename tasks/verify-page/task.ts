import { ref } from '../../workflows/index.ts';
import { defineTask } from '../wiring.ts';
import { PAGE_ATTRIBUTES } from './handler.ts';

export const verifyPage = defineTask({
  module: import.meta.url,
  name: 'verify-page',
  description:
    'The address check link: GET shows the request (and changes nothing); POST confirms the address or says it was not them, through the address-verification workflow.',
  environment: {
    VERIFICATIONS_TABLE: ref.table('verifications'),
    VERIFICATION_STATE_MACHINE_ARN: ref.stateMachineArn('address-verification'),
    USER_POOL_CLIENT_ID: ref.userPoolClientId(),
  },
  routes: [
    {
      method: 'GET',
      path: '/verify/{id}',
      auth: 'none',
      publicBecause: 'it renders a page and changes nothing (mail scanners fetch links).',
    },
    {
      method: 'HEAD',
      path: '/verify/{id}',
      auth: 'none',
      publicBecause: 'it renders a page and changes nothing (mail scanners fetch links).',
    },
    {
      method: 'POST',
      path: '/verify/{id}',
      auth: 'none',
      publicBecause:
        'holding the link (a 122-bit id mailed to the address) is the proof it answers; the requester cannot sign in before approval.',
    },
  ],
  readsItems: [{ table: 'verifications', attributes: PAGE_ATTRIBUTES }],
  timeoutSeconds: 10,
});
