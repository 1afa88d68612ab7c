/**
 * `/_local/outbox`: the local cloud's sent mail as a page, newest first, links clickable, so a
 * new user can follow an approval email in the browser. Local only: there is no such route on AWS.
 */
import { escapeHtml } from '../../tasks/shared/html.ts';
import type { SentEmail } from '../ses/index.ts';
import type { LocalPage } from './server.ts';

/** Escaped text with each http(s) URL made a link. */
function linkify(text: string): string {
  return escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);
}

export function outboxPage(mails: readonly SentEmail[]): LocalPage {
  const items = [...mails]
    .reverse()
    .map(
      (mail) => `<article>
<h2>${escapeHtml(mail.subject)}</h2>
<p class="meta">To ${escapeHtml(mail.to.join(', '))} · from ${escapeHtml(mail.from)} · ${escapeHtml(mail.timestamp)}</p>
<pre>${linkify(mail.text ?? '')}</pre>
</article>`,
    )
    .join('\n');
  const body = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Outbox (local)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
article { border-top: 1px solid #d0d7de; padding: .5rem 0; } h2 { font-size: 1.1rem; margin: .4rem 0; }
.meta { color: #57606a; margin: 0; } pre { white-space: pre-wrap; font-family: inherit; }
</style></head>
<body><main>
<h1>Outbox (local)</h1>
<p>Every email the local SES accepted, newest first.</p>
${items || '<p>No email yet.</p>'}
</main></body></html>
`;
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    },
    body,
  };
}
