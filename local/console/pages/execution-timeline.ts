/**
 * The execution page's timeline: each state run of the level being viewed (the top level, or one
 * Map iteration or Parallel branch) as a bar from entering to leaving, on one time axis, with a
 * tick at each retry, as Temporal's history timeline shows activities. Bars are links that select
 * the run; their accessible names carry the state, status and timing. SVG attributes only (the
 * CSP allows no inline style).
 */

import { displayText } from '../../../tasks/shared/html.ts';
import type { StateRun } from '../history.ts';
import { attr, duration, escapeHtml } from '../html.ts';

const WIDTH = 960;
const LABEL = 240;
const ROW = 24;
const TOP = 28;
/** More rows than this are cut (a Map with many iterations is viewed one iteration at a time). */
export const TIMELINE_ROWS = 300;

export function timeline(
  runs: readonly StateRun[],
  options: {
    start: number;
    end: number;
    link: (run: StateRun) => string;
    selected?: StateRun;
    title: string;
  },
): string {
  const shown = runs.slice(0, TIMELINE_ROWS);
  if (shown.length === 0) return '<p class="note">No state entered yet.</p>';
  const span = Math.max(1, options.end - options.start);
  const x = (t: number) => LABEL + ((t - options.start) / span) * (WIDTH - LABEL - 10);
  const height = TOP + shown.length * ROW + 8;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => {
      const at = LABEL + f * (WIDTH - LABEL - 10);
      return `<line class="tick" x1="${at.toFixed(1)}" y1="${TOP - 6}" x2="${at.toFixed(1)}" y2="${height}"/><text class="axis" x="${at.toFixed(1)}" y="14" text-anchor="${f === 1 ? 'end' : f === 0 ? 'start' : 'middle'}">+${escapeHtml(duration(f * span))}</text>`;
    })
    .join('');
  const rows = shown
    .map((run, i) => {
      const y = TOP + i * ROW;
      const from = run.enteredAt.getTime();
      const to = run.exitedAt?.getTime() ?? options.end;
      const x1 = x(from);
      const w = Math.max(3, x(to) - x1);
      const took = duration(to - from);
      const name = displayText(run.name, 32);
      const label = `${run.name}, ${run.status}, from +${duration(from - options.start)}, ${run.exitedAt ? `took ${took}` : 'not ended'}${run.attempts.length > 1 ? `, ${run.attempts.length - 1} retries` : ''}`;
      const retries = run.attempts
        .slice(1)
        .map(
          (a) =>
            `<line class="retry" x1="${x(a.scheduledAt.getTime()).toFixed(1)}" y1="${y + 3}" x2="${x(a.scheduledAt.getTime()).toFixed(1)}" y2="${y + ROW - 5}"/>`,
        )
        .join('');
      return `<a href="${attr(options.link(run))}" aria-label="${attr(displayText(label, 300))}"${run === options.selected ? ' aria-current="true"' : ''}>
<rect class="row-hit" x="0" y="${y}" width="${WIDTH}" height="${ROW}"/>
<text class="row-label" x="${LABEL - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(name)}</text>
<rect class="bar status-${run.status}${run === options.selected ? ' selected' : ''}" x="${x1.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 8}" rx="3"><title>${escapeHtml(displayText(label, 300))}</title></rect>${retries}</a>`;
    })
    .join('\n');
  return `<figure class="timeline">
<svg viewBox="0 0 ${WIDTH} ${height}" role="group" aria-label="${attr(displayText(options.title, 200))}">
${ticks}
${rows}
</svg>
${runs.length > TIMELINE_ROWS ? `<figcaption class="note">The first ${TIMELINE_ROWS} of ${runs.length} runs.</figcaption>` : ''}
</figure>`;
}
