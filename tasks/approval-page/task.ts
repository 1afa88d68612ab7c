import { ref } from '../../workflows/index.ts';
import { defineTask } from '../wiring.ts';
import { PAGE_ATTRIBUTES } from './handler.ts';

export const approvalPage = defineTask({
  module: import.meta.url,
  name: 'approval-page',
  description:
    'The approval link: GET renders the request (and changes nothing); POST by a signed-in admin runs the approval-decision workflow.',
  environment: {
    APPROVALS_TABLE: ref.table('approvals'),
    DECISION_STATE_MACHINE_ARN: ref.stateMachineArn('approval-decision'),
    USER_POOL_CLIENT_ID: ref.userPoolClientId(),
  },
  routes: [
    {
      method: 'GET',
      path: '/approvals/{id}',
      auth: 'none',
      publicBecause: 'it renders a page and changes nothing (mail scanners fetch links).',
    },
    {
      method: 'HEAD',
      path: '/approvals/{id}',
      auth: 'none',
      publicBecause: 'it renders a page and changes nothing (mail scanners fetch links).',
    },
    { method: 'POST', path: '/approvals/{id}', auth: 'cognito' },
  ],
  readsItems: [{ table: 'approvals', attributes: PAGE_ATTRIBUTES }],
  timeoutSeconds: 10,
});
