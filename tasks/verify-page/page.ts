/**
 * The address check page's HTML: who signed up with this address and for which company (both
 * shown through `showHtml`: escaped, bounded, bidi and control characters made visible), and two
 * buttons. The one inline script runs under a per-response nonce and talks only to this origin.
 */
import { displayText, htmlPage, type Page, showHtml } from '../shared/html.ts';

export interface VerificationView {
  readonly email: string;
  readonly company: string;
  readonly status: 'PENDING' | 'CONFIRMED' | 'CANCELLED' | 'EXPIRED' | 'ABANDONED' | 'FAILED';
  readonly verifyBy?: string;
}

const STYLE = `body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.4rem; } .actions { margin-top: 1.5rem; display: grid; gap: .6rem; }
button { padding: .6rem 1rem; font-size: 1rem; cursor: pointer; }
.confirm { background: #1f883d; color: white; border: 0; } .cancel { background: white; border: 1px solid #cf222e; color: #cf222e; }
[role=status] { margin-top: 1rem; font-weight: 600; } [hidden] { display: none; }`;

const CLOSED = {
  CONFIRMED:
    'This address is confirmed. The administrators have been asked to approve; you will get an email when they have.',
  CANCELLED: 'You said this sign-up was not yours; it has been removed.',
  EXPIRED: 'This link expired; the sign-up was removed. You can sign up again.',
  ABANDONED:
    'This sign-up was closed before it could be completed; it has been removed. You can sign up again.',
  FAILED: 'This sign-up could not be completed; it has been removed. You can sign up again later.',
} as const;

function page(statusCode: number, title: string, main: string, code?: string): Page {
  return htmlPage({
    statusCode,
    title,
    style: STYLE,
    main,
    noindex: true,
    ...(code ? { script: { code, connect: ["'self'"] } } : {}),
  });
}

export function notFoundPage(): Page {
  return page(
    404,
    'Link not found',
    '<h1>This link is not valid</h1><p>It may have expired, or been mistyped. You can sign up again.</p>',
  );
}

export function verificationPage(view: VerificationView): Page {
  const heading = `<h1>Confirm your email address</h1>
<p>Someone signed up as ${showHtml(view.email, 254)} to join ${showHtml(view.company, 64)}.</p>`;
  if (view.status !== 'PENDING') {
    return page(200, 'Sign-up', `${heading}<p role="status">${CLOSED[view.status]}</p>`);
  }
  const main = `${heading}
<p>If that was you, confirm the address with the password you chose; the administrators of ${showHtml(view.company, 64)} are then asked to approve.</p>
<div class="actions" id="actions">
<form id="confirm">
<label>Password chosen at sign-up <input name="password" type="password" autocomplete="current-password" required></label>
<button class="confirm" type="submit">Yes, this is my address</button>
</form>
<button class="cancel" id="cancel">This was not me</button>
</div>
<p role="status" id="status"></p>`;
  return page(200, `Confirm ${displayText(view.email, 80)}`, main, CLIENT);
}

const CLIENT = `
const status = document.getElementById('status');
async function send(body) {
  status.textContent = 'Sending…';
  const response = await fetch(location.pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  status.textContent = answer.message || 'The request failed (' + response.status + ').';
  if (response.status < 500 && response.status !== 400 && response.status !== 403) document.getElementById('actions').hidden = true;
}
document.getElementById('confirm').addEventListener('submit', (event) => {
  event.preventDefault();
  send({ action: 'CONFIRM', password: new FormData(event.target).get('password') });
});
document.getElementById('cancel').addEventListener('click', () => send({ action: 'CANCEL' }));
`;
