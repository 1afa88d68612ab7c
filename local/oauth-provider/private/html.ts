/**
 * The sandbox's HTML pages (sign-in, consent, errors) share one layout and one set of headers:
 * every value is escaped here, nothing is loaded from elsewhere, the only style is inline with a
 * per-response nonce, and forms may post only to this server and then redirect to the app's
 * registered callback origins (a browser checks form-action along the redirect chain).
 */
import { randomBytes } from 'node:crypto';

export function escapeHtml(value: unknown): string {
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = [
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}',
  'label{display:block;margin-top:.75rem}input{display:block;width:100%;padding:.4rem;margin-top:.25rem}',
  'button{margin-top:1rem;margin-right:.5rem;padding:.5rem 1rem}',
  '.error{color:#a00;border:1px solid #a00;padding:.5rem}.hint{background:#f4f4f4;padding:.5rem}',
  'dt{font-weight:600;margin-top:.5rem}',
].join('');

export interface RenderedPage {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** `bodyHtml` must already be escaped: build it with `escapeHtml` around every value. */
export function renderPage(
  title: string,
  bodyHtml: string,
  formActionOrigins: readonly string[],
): RenderedPage {
  const nonce = randomBytes(16).toString('base64');
  const formAction = ["'self'", ...formActionOrigins].join(' ');
  const body = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
${bodyHtml}
</main>
</body>
</html>`;
  return {
    body,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  };
}
