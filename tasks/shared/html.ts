/**
 * The pages the tasks render: everything a user typed escaped, one inline style and at most one
 * inline script, both under a per-response nonce (Content-Security-Policy), and headers that
 * keep the page out of caches, referrers and frames.
 */
import { randomBytes } from 'node:crypto';

export interface Page {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] ?? c);
}

/**
 * Control and format characters (C0/C1 controls, bidi embeddings, overrides and isolates, the
 * directional and zero-width marks, line and paragraph separators).
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Text someone else typed, made safe to show: every control or format character (a U+202E
 * right-to-left override would make `elpmaxe.emca@oec` read as `ceo@acme.example`) becomes a
 * visible U+FFFD, and the text is cut to `max` characters with an ellipsis. Escape it too when
 * it goes into HTML (`showHtml`).
 */
export function displayText(text: string, max = 120): string {
  const visible = text.normalize('NFC').replace(INVISIBLE, '\uFFFD');
  const characters = [...visible];
  return characters.length <= max ? visible : `${characters.slice(0, max - 1).join('')}…`;
}

/** `displayText`, escaped for HTML and isolated (`<bdi>`) from the text around it. */
export function showHtml(text: string, max = 120): string {
  return `<bdi>${escapeHtml(displayText(text, max))}</bdi>`;
}

/** A value as a JavaScript literal safe inside a `<script>` element. */
export function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

export interface PageSpec {
  readonly statusCode: number;
  /** Plain text; escaped here. */
  readonly title: string;
  readonly style: string;
  /** HTML, with user input already escaped. */
  readonly main: string;
  /** The page's script, and the origins it may fetch from (`'self'` among them if it does). */
  readonly script?: { readonly code: string; readonly connect: readonly string[] };
  /** Ask search engines not to index the page. */
  readonly noindex?: boolean;
}

export function htmlPage(spec: PageSpec): Page {
  const nonce = randomBytes(16).toString('base64');
  const { script } = spec;
  const csp = [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    script ? `script-src 'nonce-${nonce}'` : '',
    script ? `connect-src ${script.connect.join(' ')}` : '',
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ]
    .filter(Boolean)
    .join('; ');
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${spec.noindex ? '<meta name="robots" content="noindex">\n' : ''}<title>${escapeHtml(spec.title)}</title>
<style nonce="${nonce}">
${spec.style}
</style>
</head>
<body>
<main>
${spec.main}
</main>
${script ? `<script nonce="${nonce}">${script.code}</script>` : ''}
</body>
</html>
`;
  return {
    statusCode: spec.statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      // HTTPS only, for two years (API Gateway serves only HTTPS; browsers ignore it over HTTP).
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      // No window opened from another site keeps a handle on this one (the page holds a session).
      'cross-origin-opener-policy': 'same-origin',
    },
    body,
  };
}
