/**
 * The laid-out graph as SVG elements, in three layers so nothing hides what is in front of
 * it: container boxes (outer ones first), then the edges, then the states' boxes and the
 * containers' headers, in the definition's order (the Tab order).
 */
import { displayText } from '../../../tasks/shared/html.ts';
import { escapeHtml } from '../html.ts';
import { type Box, BRANCH_HEADER, DOT, headerHeight, type Layout } from './layout.ts';
import type { GraphEdge, GraphScope, GraphState } from './model.ts';
import { knownStatus, STATUSES, type StateStatus } from './status.ts';
import { LINE, type NodeLines, PAD_X, PAD_Y, SIGN_WIDTH } from './text.ts';

export interface Mark {
  readonly status: string;
  readonly label?: string;
}

export interface DrawOptions {
  readonly marks?: ReadonlyMap<string, Mark>;
  readonly link?: (path: string) => string;
  readonly selected?: string;
  /** The id of the arrowhead <marker> (unique on the page). */
  readonly arrow: string;
  readonly lines: (state: GraphState) => NodeLines;
}

interface Layers {
  containers: string[];
  edges: string[];
  nodes: string[];
}

/** A coordinate, to a tenth of a pixel. */
function n(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function rect(box: Box, cls: string, radius = 0): string {
  const r = radius ? ` rx="${radius}"` : '';
  return `<rect class="${cls}" x="${n(box.x)}" y="${n(box.y)}" width="${n(box.width)}" height="${n(box.height)}"${r}/>`;
}

/** Text from the definition: visible, escaped. */
function shown(value: string, max: number): string {
  return escapeHtml(displayText(value, max));
}

export function drawGraph(scope: GraphScope, layout: Layout, options: DrawOptions): string {
  const layers: Layers = { containers: [], edges: [], nodes: [] };
  drawScope(scope, layout, options, layers);
  return [
    `<g class="graph-containers">${layers.containers.join('')}</g>`,
    `<g class="graph-edges" aria-hidden="true">${layers.edges.join('')}</g>`,
    `<g class="graph-nodes">${layers.nodes.join('')}</g>`,
  ].join('\n');
}

function drawScope(scope: GraphScope, layout: Layout, options: DrawOptions, layers: Layers): void {
  for (const [id, word] of [
    [scope.startId, 'Start'],
    [scope.endId, 'End'],
  ] as const) {
    const box = layout.boxes.get(id);
    if (!box) continue;
    if (scope.top)
      layers.nodes.push(
        `<g class="terminal">${rect(box, 'terminal-box', box.height / 2)}<text class="terminal-text" x="${n(box.x + box.width / 2)}" y="${n(box.y + box.height / 2 + 4)}" text-anchor="middle">${word}</text></g>`,
      );
    else
      layers.nodes.push(
        `<circle class="terminal-dot terminal-${word.toLowerCase()}" cx="${n(box.x + box.width / 2)}" cy="${n(box.y + box.height / 2)}" r="${DOT / 2}"><title>${word}</title></circle>`,
      );
  }
  for (const state of scope.states) drawState(state, layout, options, layers);
  for (const edge of scope.edges) drawEdge(edge, layout, options, layers);
}

function drawState(state: GraphState, layout: Layout, options: DrawOptions, layers: Layers): void {
  const box = layout.boxes.get(state.id);
  if (!box) return;
  const mark = options.marks?.get(state.path);
  const status = knownStatus(mark?.status);
  const selected = options.selected === state.path;
  const statusClass = status ? ` status-${status}` : '';
  const selectedClass = selected ? ' selected' : '';
  const lines = options.lines(state);
  const compound = state.scopes.length > 0;
  const title = `<title>${shown(state.name, 1000)} (${shown(state.type, 100)})</title>`;
  const text = drawLines(lines, box, status);
  const aria = ariaLabel(state, status, mark?.label);
  const current = selected ? ' aria-current="true"' : '';
  // The state's path for the page's script and the tests, URI-encoded: whole (it is a key,
  // not text) yet free of control and bidi characters.
  const dataPath = `data-path="${escapeHtml(encodeURIComponent(state.path))}"`;
  const wrap = (cls: string, body: string) => {
    const url = options.link?.(state.path);
    return url === undefined
      ? `<g class="${cls}" ${dataPath} aria-label="${aria}"${current}>${body}</g>`
      : `<a class="${cls}" ${dataPath} href="${escapeHtml(url)}" aria-label="${aria}"${current}>${body}</a>`;
  };
  const kind = ` type-${state.type === 'Map' || state.type === 'Parallel' ? state.type.toLowerCase() : 'state'}`;
  if (!compound) {
    layers.nodes.push(
      wrap(`node${kind}${statusClass}${selectedClass}`, `${title}${rect(box, 'node-box', 8)}${text}`),
    );
    return;
  }
  layers.containers.push(
    `<g class="node container${kind}${statusClass}${selectedClass}" ${dataPath}>${rect(box, 'node-box', 10)}</g>`,
  );
  const header = { ...box, height: headerHeight(lines) };
  layers.nodes.push(
    wrap(`node-header${statusClass}${selectedClass}`, `${title}${rect(header, 'header-hit', 10)}${text}`),
  );
  for (const inner of state.scopes) {
    const branch = layout.boxes.get(inner.id);
    if (inner.label !== undefined && branch)
      layers.containers.push(
        `<g class="branch">${rect(branch, 'branch-box', 6)}<text class="branch-label" x="${n(branch.x + 8)}" y="${n(branch.y + BRANCH_HEADER - 8)}">${escapeHtml(inner.label)}</text></g>`,
      );
    drawScope(inner, layout, options, layers);
  }
}

function drawLines(lines: NodeLines, box: Box, status: StateStatus | undefined): string {
  const x = box.x + PAD_X;
  const top = box.y + PAD_Y + 12;
  const sign = status
    ? `<tspan class="node-sign" aria-hidden="true">${STATUSES[status].sign}</tspan><tspan x="${n(x + SIGN_WIDTH)}">`
    : '<tspan>';
  const out = [
    `<text class="node-name" x="${n(x)}" y="${n(top)}">${sign}${escapeHtml(lines.name)}</tspan></text>`,
    `<text class="node-type" x="${n(x)}" y="${n(top + LINE)}">${escapeHtml(lines.type)}</text>`,
  ];
  if (lines.note)
    out.push(`<text class="node-note" x="${n(x)}" y="${n(top + 2 * LINE)}">${escapeHtml(lines.note)}</text>`);
  // A space between the lines: their text read together is "Name Type", as in the accessible
  // name (glued, "NameType" would not match it: axe's label-content-name-mismatch).
  return out.join(' ');
}

function ariaLabel(state: GraphState, status: StateStatus | undefined, label: string | undefined): string {
  // The visible lines first, in their order (name, type, note), then the status the colour and
  // sign show: the visible text stays part of the name (axe's label-content-name-mismatch).
  const parts = [displayText(state.name, 200), displayText(state.type, 100)];
  if (label) parts.push(displayText(label, 100));
  if (status) parts.push(STATUSES[status].words);
  return escapeHtml(parts.join(', '));
}

function drawEdge(edge: GraphEdge, layout: Layout, options: DrawOptions, layers: Layers): void {
  const place = layout.edges.get(edge.id);
  if (!place) return;
  for (const points of place.sections) {
    const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${n(p.x)} ${n(p.y)}`).join(' ');
    layers.edges.push(`<path class="edge edge-${edge.kind}" d="${d}" marker-end="url(#${options.arrow})"/>`);
  }
  const label = place.label;
  if (label && edge.label !== undefined) {
    const full = edge.label.length > label.text.length ? `<title>${shown(edge.label, 1000)}</title>` : '';
    layers.edges.push(
      `<g class="edge-label edge-label-${edge.kind}">${full}${rect(label, 'edge-label-box', 3)}<text x="${n(label.x + label.width / 2)}" y="${n(label.y + label.height - 4)}" text-anchor="middle">${escapeHtml(label.text)}</text></g>`,
    );
  }
}
