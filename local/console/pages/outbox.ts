/**
 * `/data/outbox`: the mail the processes sent, newest first, each body's http(s) links
 * clickable, so an operator can follow an approval email. Local only: SES has no API that lists
 * sent mail, so the local SES endpoint answers `GET /_local/outbox` (`{ emails }`, oldest first)
 * from its outbox file. On AWS the page says where to look instead.
 */
import { z } from 'zod';
import { displayText } from '../../../tasks/shared/html.ts';
import { ConsoleError, type ConsoleHandler } from '../context.ts';
import { attr, escapeHtml, href, text, time } from '../html.ts';
import { PAGE_SIZE, wholeNumber } from './data/paging.ts';

const SECTION = '/data/outbox';
/** At most this many characters of one body go into the page. */
const BODY_LIMIT = 20_000;

const sentEmail = z.object({
  messageId: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()).default([]),
  bcc: z.array(z.string()).default([]),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  timestamp: z.string(),
});
const outboxAnswer = z.object({ emails: z.array(sentEmail) });
type Mail = z.infer<typeof sentEmail>;

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;

/** One line of a body: control and bidi characters made visible, escaped, http(s) URLs linked. */
function linkLine(line: string): string {
  const shown = displayText(line, BODY_LIMIT);
  let out = '';
  let at = 0;
  for (const match of shown.matchAll(URL_PATTERN)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    out += escapeHtml(shown.slice(at, match.index));
    out += `<a href="${attr(url)}" rel="noreferrer noopener">${escapeHtml(url)}</a>`;
    at = match.index + url.length;
  }
  return out + escapeHtml(shown.slice(at));
}

/** A text body (or, without one, a note that only HTML was sent), lines kept, links clickable. */
export function mailBody(mail: Pick<Mail, 'text' | 'html'>): string {
  if (mail.text === undefined)
    return `<p class="note">${mail.html === undefined ? 'No body.' : 'HTML body only (not shown).'}</p>`;
  const cut = mail.text.length > BODY_LIMIT;
  const body = (cut ? mail.text.slice(0, BODY_LIMIT) : mail.text).split(/\r?\n/).map(linkLine).join('\n');
  return `<pre class="mail-body">${body}</pre>${cut ? `<p class="note">Cut at ${BODY_LIMIT.toLocaleString('en-US')} characters.</p>` : ''}`;
}

function article(mail: Mail): string {
  const when = new Date(mail.timestamp);
  const recipients = (label: string, list: readonly string[]) =>
    list.length === 0 ? '' : `<dt>${label}</dt><dd>${text(list.join(', '), 400)}</dd>`;
  return `<article class="mail">
<h2>${text(mail.subject || '(no subject)', 300)}</h2>
<dl class="meta">${recipients('To', mail.to)}${recipients('Cc', mail.cc)}${recipients('Bcc', mail.bcc)}<dt>From</dt><dd>${text(mail.from)}</dd><dt>Sent</dt><dd>${Number.isNaN(when.getTime()) ? text(mail.timestamp) : time(when)}</dd></dl>
${mailBody(mail)}
</article>`;
}

export const outboxPage: ConsoleHandler = async (ctx, request) => {
  const title = 'Outbox';
  if (ctx.mode !== 'local' || ctx.sesEndpoint === undefined) {
    return {
      kind: 'page',
      title,
      section: SECTION,
      main: `<h1>Outbox</h1>
<p>The outbox exists only in the local cloud: SES has no API that lists the mail an account sent.</p>
<p>On AWS, publish sending events with an SES configuration set's event destinations (to CloudWatch, Firehose, EventBridge or SNS), and send test mail to the SES mailbox simulator (for example <code>success@simulator.amazonses.com</code>) to see deliveries, bounces and complaints without reaching anyone.</p>`,
    };
  }
  const url = request.url;
  const filter = (url.searchParams.get('to') ?? '').trim().slice(0, 200);
  const page = wholeNumber(url, 'page', 1);
  const response = await fetch(new URL('/_local/outbox', ctx.sesEndpoint));
  if (!response.ok)
    throw new ConsoleError(
      `The local SES endpoint ${ctx.sesEndpoint} answered ${response.status} to GET /_local/outbox: is the local cloud running?`,
      502,
    );
  const { emails } = outboxAnswer.parse(await response.json());
  const needle = filter.toLowerCase();
  const matching = emails
    .filter(
      (m) => needle === '' || [...m.to, ...m.cc, ...m.bcc].some((a) => a.toLowerCase().includes(needle)),
    )
    .reverse();
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const shown = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const link = (to: number, label: string, rel: string) =>
    `<a href="${href(SECTION, { to: filter, page: to === 1 ? undefined : to })}" rel="${rel}">${label}</a>`;
  const nav = [
    page > 1 ? link(page - 1, 'Newer', 'prev') : '',
    page < pages ? link(page + 1, 'Older', 'next') : '',
  ].filter(Boolean);
  const summary = `${matching.length.toLocaleString('en-US')} email${matching.length === 1 ? '' : 's'}${filter ? ' to a matching recipient' : ''}; page ${page} of ${pages}.`;
  return {
    kind: 'page',
    title,
    section: SECTION,
    main: `<h1>Outbox <small>(local)</small></h1>
<p>Every email the local SES endpoint accepted, newest first.</p>
<form method="get" action="${href(SECTION)}" role="search">
<label for="outbox-to">Recipient contains</label>
<input id="outbox-to" name="to" type="search" value="${attr(filter)}" maxlength="200">
<button type="submit">Filter</button>
</form>
<p role="status">${escapeHtml(summary)}</p>
${shown.map(article).join('\n') || '<p class="empty">No email.</p>'}
${nav.length > 0 ? `<nav aria-label="Outbox pages">${nav.join(' ')}</nav>` : ''}`,
  };
};
