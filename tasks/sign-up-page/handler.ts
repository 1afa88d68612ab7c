/**
 * The sign-up page (GET /signup): a form whose script calls Cognito's SignUp with the company
 * name as `custom:company_name`. The pre-sign-up trigger then starts the approval; the page says
 * to confirm the address from the email first, and that an admin then has to approve.
 */
import { z } from 'zod';
import { cognitoEndpoint, requiredEnv } from '../shared/env.ts';
import { htmlPage, type Page, scriptLiteral } from '../shared/html.ts';

const HttpEvent = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
});

export interface SignUpPageConfig {
  readonly cognitoEndpoint: string;
  readonly clientId: string;
}

const STYLE = `body { font-family: system-ui, sans-serif; max-width: 30rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
form { display: grid; gap: .7rem; } label { display: grid; gap: .2rem; }
input { padding: .5rem; font-size: 1rem; } button { padding: .6rem 1rem; font-size: 1rem; cursor: pointer; }
[role=status] { margin-top: 1rem; font-weight: 600; } [hidden] { display: none; }`;

const MAIN = `<h1>Sign up</h1>
<form id="sign-up">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="new-password" minlength="12" required></label>
<label>Company <input name="company" autocomplete="organization" required></label>
<button type="submit">Sign up</button>
</form>
<p role="status" id="status"></p>`;

export function signUpPage(config: SignUpPageConfig): Page {
  const settings = scriptLiteral({ endpoint: config.cognitoEndpoint, clientId: config.clientId });
  const code = `
const settings = ${settings};
document.getElementById('sign-up').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const status = document.getElementById('status');
  status.textContent = 'Signing up…';
  const response = await fetch(settings.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp' },
    body: JSON.stringify({ ClientId: settings.clientId, Username: form.get('email'), Password: form.get('password'),
      UserAttributes: [{ Name: 'email', Value: form.get('email') }, { Name: 'custom:company_name', Value: form.get('company') }] }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) { status.textContent = 'Sign-up failed: ' + (answer.message || answer.__type || response.status); return; }
  event.target.hidden = true;
  status.textContent = 'Thanks! Check your email: confirm your address with the link we sent, then an administrator of your company is asked to approve your sign-up.';
});
`;
  return htmlPage({
    statusCode: 200,
    title: 'Sign up',
    style: STYLE,
    main: MAIN,
    script: { code, connect: [new URL(config.cognitoEndpoint).origin] },
  });
}

export async function handler(event: unknown): Promise<Page> {
  const method = HttpEvent.parse(event).requestContext.http.method.toUpperCase();
  const page = signUpPage({
    clientId: requiredEnv('USER_POOL_CLIENT_ID'),
    cognitoEndpoint: cognitoEndpoint(),
  });
  return method === 'HEAD' ? { ...page, body: '' } : page;
}
