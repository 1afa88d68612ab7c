import { ref } from '../../workflows/index.ts';
import { defineTask } from '../wiring.ts';

export const signUpPage = defineTask({
  module: import.meta.url,
  name: 'sign-up-page',
  description: 'The sign-up page: email, password and company name, sent to Cognito from the browser.',
  environment: { USER_POOL_CLIENT_ID: ref.userPoolClientId() },
  routes: [
    {
      method: 'GET',
      path: '/signup',
      auth: 'none',
      publicBecause: 'the sign-up form; Cognito SignUp is public by design.',
    },
    {
      method: 'HEAD',
      path: '/signup',
      auth: 'none',
      publicBecause: 'the sign-up form; Cognito SignUp is public by design.',
    },
  ],
  timeoutSeconds: 5,
});
