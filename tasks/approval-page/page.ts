/**
 * The approval page's HTML. Everything a user typed (email, company) is escaped; the one inline
 * script runs under a per-response nonce (Content-Security-Policy), talks only to this origin and
 * to Cognito, and keeps the admin's ID token in sessionStorage for this tab only.
 */
import { displayText, escapeHtml, htmlPage, type Page, type PageSpec, showHtml } from '../shared/html.ts';
import { signInScript } from '../shared/sign-in-script.ts';

export interface ApprovalView {
  readonly approvalId: string;
  readonly email: string;
  readonly company: string;
  readonly status: 'PENDING' | 'DECIDED' | 'EXPIRED' | 'ABANDONED' | 'FAILED';
  readonly decision?: string;
  /** INCOMPLETE: decided, but completing the account failed (an operator is alerted). */
  readonly outcome?: string;
  readonly requestedAt?: string;
  readonly decideBy?: string;
}

export interface PageConfig {
  /** Cognito's endpoint the browser signs in against (InitiateAuth, USER_PASSWORD_AUTH). */
  readonly cognitoEndpoint: string;
  readonly clientId: string;
}

const STYLE = `body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.4rem; } dl { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1rem; }
dt { color: #57606a; } form, .actions { margin-top: 1.5rem; display: grid; gap: .6rem; }
input { padding: .5rem; font-size: 1rem; } button { padding: .6rem 1rem; font-size: 1rem; cursor: pointer; }
.approve { background: #1f883d; color: white; border: 0; } .deny { background: #cf222e; color: white; border: 0; }
[role=status] { margin-top: 1rem; font-weight: 600; } [hidden] { display: none; }`;

function page(statusCode: number, title: string, main: string, script?: PageSpec['script']): Page {
  return htmlPage({ statusCode, title, style: STYLE, main, noindex: true, ...(script ? { script } : {}) });
}

export function notFoundPage(): Page {
  return page(
    404,
    'Approval not found',
    '<h1>This approval link is not valid</h1><p>It may have expired, or been mistyped. Ask the person who signed up to sign up again.</p>',
  );
}

/** What the record says happened, for a request that is no longer open. */
const CLOSED = {
  EXPIRED: ['Request expired', 'This request expired before anyone decided; the sign-up was removed.'],
  ABANDONED: [
    'Request closed',
    'This request was closed before a decision could take effect (its workflow was stopped); the sign-up was removed and the requester asked to sign up again.',
  ],
  FAILED: ['Request closed', 'This request could not be completed; the sign-up was removed.'],
} as const;

export function approvalPage(view: ApprovalView, config: PageConfig): Page {
  const details = `<h1>${showHtml(view.email, 80)} asks to join ${showHtml(view.company, 64)}</h1>
<dl>
<dt>Email</dt><dd>${showHtml(view.email, 254)}</dd>
<dt>Domain</dt><dd>${showHtml(view.email.slice(view.email.lastIndexOf('@') + 1), 253)}</dd>
<dt>Company</dt><dd>${showHtml(view.company, 64)}</dd>
${view.requestedAt ? `<dt>Requested</dt><dd>${escapeHtml(view.requestedAt)}</dd>` : ''}
${view.decideBy && view.status === 'PENDING' ? `<dt>Decide by</dt><dd>${escapeHtml(view.decideBy)}</dd>` : ''}
</dl>`;
  if (view.status === 'DECIDED') {
    const decision = view.decision === 'APPROVED' ? 'approved' : 'denied';
    const incomplete =
      view.outcome === 'INCOMPLETE'
        ? ' Completing the account then failed; an operator has been alerted and the record says where.'
        : '';
    return page(
      200,
      'Already decided',
      `${details}<p role="status">Already decided: this request was ${decision}.${incomplete}</p>`,
    );
  }
  if (view.status !== 'PENDING') {
    const [title, text] = CLOSED[view.status];
    return page(200, title, `${details}<p role="status">${text}</p>`);
  }
  const main = `${details}
<p id="hint">Sign in as an administrator of ${showHtml(view.company, 64)} to decide.</p>
<form id="sign-in">
<label>Email <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
<div class="actions" id="decide" hidden>
<p id="signed-in"></p>
<button class="approve" data-decision="APPROVE">Approve</button>
<button class="deny" data-decision="DENY">Deny</button>
</div>
<p role="status" id="status"></p>`;
  return page(200, `Approve ${displayText(view.email, 80)}?`, main, {
    connect: ["'self'", new URL(config.cognitoEndpoint).origin],
    code: clientScript(config),
  });
}

/** The browser side: sign in against Cognito, then POST the decision with the ID token. */
function clientScript(config: PageConfig): string {
  return `${signInScript({ cognitoEndpoint: config.cognitoEndpoint, clientId: config.clientId })}
const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
function signedIn(token) {
  $('sign-in').hidden = true;
  $('hint').hidden = true;
  $('decide').hidden = false;
  $('signed-in').textContent = 'Signed in as ' + claims(token).email + '.';
}
const saved = savedToken();
if (saved) signedIn(saved);
$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  status('Signing in…');
  try {
    const token = await signIn(form.get('email'), form.get('password'));
    status('');
    signedIn(token);
  } catch (error) { status(error.message); }
});
for (const button of document.querySelectorAll('[data-decision]')) {
  button.addEventListener('click', async () => {
    status('Sending…');
    const response = await fetch(location.pathname, {
      method: 'POST',
      headers: { authorization: 'Bearer ' + sessionStorage.getItem('idToken'), 'content-type': 'application/json' },
      body: JSON.stringify({ decision: button.dataset.decision }),
    });
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401) sessionStorage.removeItem('idToken');
    status(answer.message || 'The request failed (' + response.status + ').');
    if (response.ok || response.status === 409 || response.status === 410) $('decide').hidden = true;
  });
}
`;
}
