/**
 * The execution page's event history: AWS's event types and ids, filterable by type and state,
 * a page of events at a time (a 25,000-event history stays quick), each event's JSON expandable.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { displayText } from '../../../tasks/shared/html.ts';
import { attr, escapeHtml, href, jsonBlock, table, text, time } from '../html.ts';

export const EVENTS_PER_PAGE = 100;

/** The state an event belongs to, by following previousEventId back to its StateEntered. */
function stateNames(events: readonly HistoryEvent[]): Map<number, string> {
  const names = new Map<number, string>();
  const byId = new Map(events.map((e) => [e.id ?? 0, e]));
  for (const event of events) {
    const own = event.stateEnteredEventDetails?.name ?? event.stateExitedEventDetails?.name;
    if (own !== undefined) {
      names.set(event.id ?? 0, own);
      continue;
    }
    const previous = byId.get(event.previousEventId ?? -1);
    const inherited = previous ? names.get(previous.id ?? 0) : undefined;
    if (inherited !== undefined && !(previous?.type ?? '').endsWith('StateExited'))
      names.set(event.id ?? 0, inherited);
  }
  return names;
}

/** The details member of an event (`taskScheduledEventDetails`...), whatever its type. */
function detailsOf(event: HistoryEvent): unknown {
  const { id, previousEventId, type, timestamp, ...rest } = event as HistoryEvent & Record<string, unknown>;
  void id;
  void previousEventId;
  void type;
  void timestamp;
  return rest;
}

export function eventsSection(
  executionArn: string,
  events: readonly HistoryEvent[],
  params: URLSearchParams,
  options: { reveal: boolean },
): string {
  const names = stateNames(events);
  const typeFilter = params.get('type') ?? '';
  const stateFilter = params.get('in') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('events') ?? '1', 10) || 1);
  const start = events[0]?.timestamp?.getTime() ?? 0;
  const matching = events.filter(
    (e) => (!typeFilter || e.type === typeFilter) && (!stateFilter || names.get(e.id ?? 0) === stateFilter),
  );
  const pages = Math.max(1, Math.ceil(matching.length / EVENTS_PER_PAGE));
  const shown = matching.slice(
    (Math.min(page, pages) - 1) * EVENTS_PER_PAGE,
    Math.min(page, pages) * EVENTS_PER_PAGE,
  );
  const types = [...new Set(events.map((e) => e.type ?? ''))].sort();
  const states = [...new Set(names.values())].sort();
  const base = { arn: executionArn, tab: 'events', type: typeFilter, in: stateFilter };
  const rows = shown.map((event) => {
    const elapsed = (event.timestamp?.getTime() ?? start) - start;
    return [
      `<span class="num">${event.id ?? ''}</span>`,
      `<span class="mono">${text(event.type ?? '', 60)}</span>`,
      text(names.get(event.id ?? 0) ?? ''),
      `${time(event.timestamp)} <span class="note">+${elapsed} ms</span>`,
      `<details class="event"><summary>JSON<span class="skip"> of event ${event.id ?? ''}</span></summary>${jsonBlock(detailsOf(event), { reveal: options.reveal, label: `Event ${event.id ?? ''} details` })}</details>`,
    ];
  });
  const typeOptions = ['<option value="">Every type</option>']
    .concat(types.map((t) => `<option${t === typeFilter ? ' selected' : ''}>${escapeHtml(t)}</option>`))
    .join('');
  const stateOptions = ['<option value="">Every state</option>']
    .concat(
      states.map(
        (s) =>
          `<option value="${attr(s)}"${s === stateFilter ? ' selected' : ''}>${escapeHtml(displayText(s, 80))}</option>`,
      ),
    )
    .join('');
  const pager = [
    page > 1
      ? `<a rel="prev" href="${href('/execution', { ...base, events: page - 1 })}">Previous events</a>`
      : '',
    `<span>Page ${Math.min(page, pages)} of ${pages} (${matching.length.toLocaleString('en-US')} event${matching.length === 1 ? '' : 's'})</span>`,
    page < pages
      ? `<a rel="next" href="${href('/execution', { ...base, events: page + 1 })}">Next events</a>`
      : '',
  ].join(' ');
  return `<form class="filters" method="get" action="/execution" role="search" aria-label="Filter events">
<input type="hidden" name="arn" value="${attr(executionArn)}"><input type="hidden" name="tab" value="events">
<div><label for="e-type">Event type</label><select id="e-type" name="type">${typeOptions}</select></div>
<div><label for="e-state">State</label><select id="e-state" name="in">${stateOptions}</select></div>
<div><button type="submit" class="primary">Filter</button> <a href="${href('/execution', { arn: executionArn, tab: 'events' })}">Clear</a></div>
</form>
<nav class="pager" aria-label="Event pages">${pager}</nav>
${table('Event history', ['ID', 'Type', 'State', 'Time', 'Details'], rows, 'no event matches.')}
<nav class="pager" aria-label="Event pages, bottom">${pager}</nav>`;
}
