/**
 * The sign-up page (GET /signup): a form whose script calls Cognito's SignUp with the company
 * name as `custom:company_name`. The pre-sign-up trigger then starts the approval; the page says
 * that an admin of the company has to approve before the new member can sign in.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const HttpEvent = z.looseObject({
  requestContext: z.looseObject({ http: z.looseObject({ method: z.string() }) }),
});

export interface SignUpPageConfig {
  readonly cognitoEndpoint: string;
  readonly clientId: string;
}

export function signUpPage(config: SignUpPageConfig): {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
} {
  const nonce = randomBytes(16).toString('base64');
  const settings = JSON.stringify({ endpoint: config.cognitoEndpoint, clientId: config.clientId }).replace(
    /</g,
    '\\u003c',
  );
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign up</title>
<style nonce="${nonce}">
body { font-family: system-ui, sans-serif; max-width: 30rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
form { display: grid; gap: .7rem; } label { display: grid; gap: .2rem; }
input { padding: .5rem; font-size: 1rem; } button { padding: .6rem 1rem; font-size: 1rem; cursor: pointer; }
[role=status] { margin-top: 1rem; font-weight: 600; } [hidden] { display: none; }
</style>
</head>
<body>
<main>
<h1>Sign up</h1>
<form id="sign-up">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="new-password" minlength="12" required></label>
<label>Company <input name="company" autocomplete="organization" required></label>
<button type="submit">Sign up</button>
</form>
<p role="status" id="status"></p>
</main>
<script nonce="${nonce}">
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
  status.textContent = 'Thanks! An administrator of ' + form.get('company') + ' has been asked to approve your sign-up; you will get an email when they have.';
});
</script>
</body>
</html>
`;
  const csp = `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; connect-src ${new URL(config.cognitoEndpoint).origin}; form-action 'none'; frame-ancestors 'none'; base-uri 'none'`;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
    },
    body,
  };
}

export async function handler(event: unknown) {
  const method = HttpEvent.parse(event).requestContext.http.method.toUpperCase();
  const clientId = process.env.USER_POOL_CLIENT_ID;
  if (!clientId)
    throw new TypeError('USER_POOL_CLIENT_ID is not set: deploy the function with its environment.');
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const page = signUpPage({
    clientId,
    cognitoEndpoint:
      process.env.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER ??
      `https://cognito-idp.${region}.amazonaws.com/`,
  });
  return method === 'HEAD' ? { ...page, body: '' } : page;
}
