/**
 * The browser side of signing in to the app's pages, shared by the pages that need a signed-in
 * user: USER_PASSWORD_AUTH against Cognito from the page's script, the ID token kept in
 * sessionStorage (this tab only). Defines `claims(token)`, `savedToken()` and
 * `signIn(email, password)` (resolves to the ID token, or rejects with a message to show).
 */
import { scriptLiteral } from './html.ts';

export interface SignInConfig {
  readonly cognitoEndpoint: string;
  readonly clientId: string;
}

export function signInScript(config: SignInConfig): string {
  const settings = scriptLiteral({ endpoint: config.cognitoEndpoint, clientId: config.clientId });
  return `
const signInSettings = ${settings};
const claims = (token) => JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
function savedToken() {
  const saved = sessionStorage.getItem('idToken');
  return saved && claims(saved).exp * 1000 > Date.now() ? saved : undefined;
}
async function signIn(email, password) {
  const response = await fetch(signInSettings.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
    body: JSON.stringify({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: signInSettings.clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password } }),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error('Sign-in failed: ' + (answer.message || answer.__type || response.status));
  if (!answer.AuthenticationResult) throw new Error('Sign-in needs another step (' + answer.ChallengeName + '); finish it in the app first.');
  sessionStorage.setItem('idToken', answer.AuthenticationResult.IdToken);
  return answer.AuthenticationResult.IdToken;
}
`;
}
