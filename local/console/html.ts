/**
 * The console's HTML pieces. Everything from outside (names, inputs, outputs, errors, email
 * bodies) goes through `text`, `secretText` or `jsonBlock`: escaped, control and bidi characters
 * made visible, bounded in length, and secrets masked.
 */
import { escapeHtml, showHtml } from '../../tasks/shared/html.ts';
import { maskSecrets, maskText } from './mask.ts';

export { escapeHtml };

/** Text from outside, escaped, isolated from the text around it and cut to `max` characters (the pages' `showHtml`). */
export function text(value: string, max = 200): string {
  return showHtml(value, max);
}

/** Free text that may quote secrets (an error's cause): masked unless revealed, then as `text`. */
export function secretText(value: string, max: number, reveal = false): string {
  return text(reveal ? value : maskText(value), max);
}

/** An attribute value (href, value): escaped, not cut. */
export function attr(value: string): string {
  return escapeHtml(value);
}

/** Where the console's own pages are: a path and its query, each value encoded. */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const search = params.toString();
  return escapeHtml(search ? `${path}?${search}` : path);
}

/** At most this many characters of a JSON document go into a page; the rest is cut, and said so. */
export const JSON_DISPLAY_LIMIT = 100_000;

/**
 * A JSON value (or JSON text) as an indented, escaped block, secrets masked (`reveal` shows
 * them: local only, on the operator's explicit request).
 */
export function jsonBlock(value: unknown, options: { reveal?: boolean; label?: string } = {}): string {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
  }
  const shown = options.reveal ? parsed : maskSecrets(parsed);
  let body =
    typeof shown === 'string' && typeof parsed === 'string' && parsed === value
      ? shown
      : JSON.stringify(shown, null, 2);
  body ??= 'undefined';
  const cut = body.length > JSON_DISPLAY_LIMIT;
  if (cut) body = body.slice(0, JSON_DISPLAY_LIMIT);
  const label = options.label ? ` aria-label="${attr(options.label)}"` : '';
  return `<pre class="json"${label} tabindex="0">${escapeHtml(visible(body))}</pre>${
    cut ? `<p class="note">Cut at ${JSON_DISPLAY_LIMIT.toLocaleString('en-US')} characters.</p>` : ''
  }`;
}

/** Format and control characters (bidi overrides, zero-width marks) made visible; line breaks kept. */
function visible(body: string): string {
  return body.replace(/[\p{Cf}\p{Zl}\p{Zp}]|(?![\n\t])\p{Cc}/gu, '\uFFFD');
}

/** A date as UTC text in a <time> element (the console's script shows it in local time). */
export function time(value: Date | undefined): string {
  if (!value) return '';
  const iso = value.toISOString();
  return `<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>`;
}

/** A duration in ms as the AWS console writes it. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** An execution or state status as a badge (colour and word: never colour alone). */
export function status(value: string | undefined): string {
  const word = value ?? 'UNKNOWN';
  return `<span class="status status-${attr(word.toLowerCase().replace(/[^a-z_]/g, ''))}">${text(word, 40)}</span>`;
}

/** A table with a caption (its accessible name), header cells and pre-rendered HTML cells. */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  empty = 'None.',
): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(caption)}: ${escapeHtml(empty)}</p>`;
  return `<table><caption>${escapeHtml(caption)}</caption>
<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

/**
 * A form that changes something: its POST first answers a confirmation page that says what
 * will happen (the form there carries `confirmed=yes`). `csrf` is the console's per-process
 * token, checked on every POST.
 */
export function actionForm(options: {
  readonly action: string;
  readonly label: string;
  readonly csrf: string;
  readonly fields?: Readonly<Record<string, string>>;
  readonly danger?: boolean;
  readonly body?: string;
}): string {
  const hidden = Object.entries({ ...options.fields, csrf: options.csrf })
    .map(([name, value]) => `<input type="hidden" name="${attr(name)}" value="${attr(value)}">`)
    .join('');
  return `<form method="post" action="${attr(options.action)}" class="action">${hidden}${options.body ?? ''}<button type="submit"${options.danger ? ' class="danger"' : ''}>${escapeHtml(options.label)}</button></form>`;
}
