/**
 * A state machine's definition drawn as an SVG graph: a node per state (a Map or a Parallel as a
 * box holding its states, a Parallel's branches side by side), an edge per transition (Next,
 * Default, each Choice rule, each Catch, and the way out of End, Succeed and Fail states), laid
 * out by ELK, never by hand. An execution's progress colours the states, always with a sign and
 * words too (the legend, each state's accessible name). Styles: `assets/graph.css`.
 */
import { randomBytes } from 'node:crypto';
import { displayText } from '../../tasks/shared/html.ts';
import { layout } from './graph/layout.ts';
import { type GraphState, readDefinition } from './graph/model.ts';
import { knownStatus, STATUSES } from './graph/status.ts';
import { drawGraph } from './graph/svg.ts';
import { nodeLines } from './graph/text.ts';
import { escapeHtml } from './html.ts';

export interface StateMark {
  status: 'succeeded' | 'failed' | 'caught' | 'running' | 'waiting' | 'aborted' | 'retried' | 'not-run';
  /** A third line in the node and part of its accessible name, e.g. `3 of 4 iterations`, `2 retries`. */
  label?: string;
}

export interface GraphOptions {
  /**
   * The states' marks by path: a top-level state `Name`; inside a Map `MapName/Inner`; inside a
   * Parallel `ParName/<branchIndex>/Inner`, the index counted from 0 (the first branch is drawn
   * as `Branch 1`). Nested scopes chain: `Outer/0/InnerMap/Deepest`.
   */
  marks?: ReadonlyMap<string, StateMark>;
  /**
   * The link of a state (selects it on the page) as a plain URL: it is escaped here, so do not
   * pass `href()`'s already escaped text. Absent: nodes are not links.
   */
  link?: (path: string) => string;
  /** The path of the selected state, drawn highlighted and `aria-current`. */
  selected?: string;
  /** Accessible name of the whole graph. */
  title: string;
}

/** The definition (parsed ASL JSON) as a `<figure>` holding the `<svg>` and its legend. */
export async function renderGraph(definition: unknown, options: GraphOptions): Promise<string> {
  const scope = readDefinition(definition);
  const title = escapeHtml(displayText(options.title, 200));
  if (scope.states.length === 0)
    return `<figure class="graph" aria-label="${title}"><p class="graph-empty">The definition has no states to draw.</p></figure>`;
  const lines = (state: GraphState) => {
    const mark = options.marks?.get(state.path);
    return nodeLines(state.name, state.type, mark?.label, knownStatus(mark?.status) !== undefined);
  };
  const placed = await layout(scope, lines);
  // Unique per drawing: a page may show two graphs, and marker ids are document-wide.
  const arrow = `graph-arrow-${randomBytes(6).toString('hex')}`;
  const body = drawGraph(scope, placed, {
    marks: options.marks,
    link: options.link,
    selected: options.selected,
    arrow,
    lines,
  });
  const width = Math.ceil(placed.width);
  const height = Math.ceil(placed.height);
  return `<figure class="graph">
<div class="graph-scroll" role="region" aria-label="${title}, scrollable" tabindex="0">
<svg xmlns="http://www.w3.org/2000/svg" class="graph-svg" role="group" aria-label="${title}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<defs><marker id="${arrow}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path class="edge-arrow" d="M0 0L10 5L0 10z"/></marker></defs>
${body}
</svg>
</div>
${legend(options.marks !== undefined && options.marks.size > 0)}
</figure>`;
}

function legend(withStatuses: boolean): string {
  const statuses = withStatuses
    ? Object.entries(STATUSES).map(
        ([status, { words, sign }]) =>
          `<li><span class="graph-swatch status-${status}" aria-hidden="true">${sign}</span>${escapeHtml(words)}</li>`,
      )
    : [];
  const edges = [
    '<li><span class="graph-line" aria-hidden="true"></span>Transition (Next, Choice rule, Default)</li>',
    '<li><span class="graph-line graph-line-catch" aria-hidden="true"></span>Dashed: on error (Catch)</li>',
  ];
  return `<ul class="graph-legend" aria-label="Legend">${[...statuses, ...edges].join('')}</ul>`;
}
