/**
 * Places the graph with ELK's layered algorithm (top to bottom). Compound nodes (a Map, a
 * Parallel and its branches) are laid out in one pass with their contents
 * (`INCLUDE_CHILDREN`), and every coordinate comes back relative to the root
 * (`elk.json.shapeCoords` and `elk.json.edgeCoords`: `ROOT`), so drawing needs no offsets.
 */
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import type { GraphScope, GraphState } from './model.ts';
import { edgeLabel, LINE, linesHeight, linesWidth, type NodeLines, PAD_Y } from './text.ts';

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface EdgePlace {
  readonly sections: readonly (readonly ElkPoint[])[];
  readonly label?: Box & { readonly text: string };
}

export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxes: ReadonlyMap<string, Box>;
  readonly edges: ReadonlyMap<string, EdgePlace>;
}

/** A top-level Start or End node; inner scopes start and end at a small circle. */
export const TERMINAL = { width: 64, height: 28 } as const;
export const DOT = 12;
/** Room above a Parallel branch's contents for its `Branch n` label. */
export const BRANCH_HEADER = 24;
const SIDE = 12;

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // A quarter faster than the default (network simplex) on 100 states, and it keeps long
  // chains of states in a straight column.
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.spacing.nodeNode': '24',
  'elk.layered.spacing.nodeNodeBetweenLayers': '32',
  'elk.spacing.edgeLabel': '4',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

function padding(top: number): Record<string, string> {
  return { 'elk.padding': `[top=${top},left=${SIDE},bottom=${SIDE},right=${SIDE}]` };
}

function minimum(width: number, height: number): Record<string, string> {
  return { 'elk.nodeSize.constraints': 'MINIMUM_SIZE', 'elk.nodeSize.minimum': `(${width}, ${height})` };
}

/** The height of a compound state's header (its name, type and note lines). */
export function headerHeight(lines: NodeLines): number {
  return linesHeight(lines) - PAD_Y + 4;
}

function scopeContents(
  scope: GraphScope,
  lines: (state: GraphState) => NodeLines,
): Pick<ElkNode, 'children' | 'edges'> {
  const terminal = scope.top ? TERMINAL : { width: DOT, height: DOT };
  const children: ElkNode[] = [
    { id: scope.startId, ...terminal, layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST' } },
    ...scope.states.map((state) => stateNode(state, lines)),
    { id: scope.endId, ...terminal, layoutOptions: { 'elk.layered.layering.layerConstraint': 'LAST' } },
  ];
  const edges: ElkExtendedEdge[] = scope.edges.map((edge) => ({
    id: edge.id,
    sources: [edge.source],
    targets: [edge.target],
    labels: edge.label === undefined ? [] : [{ id: `${edge.id}l`, ...edgeLabel(edge.label) }],
  }));
  return { children, edges };
}

function stateNode(state: GraphState, lines: (state: GraphState) => NodeLines): ElkNode {
  const text = lines(state);
  const width = linesWidth(text);
  if (state.scopes.length === 0) return { id: state.id, width, height: linesHeight(text) };
  const header = headerHeight(text);
  if (state.type !== 'Parallel' || state.scopes.length === 0)
    return {
      id: state.id,
      layoutOptions: { ...padding(header), ...minimum(width, header + LINE) },
      ...scopeContents(state.scopes[0] as GraphScope, lines),
    };
  return {
    id: state.id,
    layoutOptions: { ...padding(header), ...minimum(width, header + LINE) },
    children: state.scopes.map((branch) => ({
      id: branch.id,
      layoutOptions: { ...padding(BRANCH_HEADER), ...minimum(80, BRANCH_HEADER + LINE) },
      ...scopeContents(branch, lines),
    })),
  };
}

/** Lays the scope out; `lines` gives each state's text (it depends on the marks). */
export async function layout(scope: GraphScope, lines: (state: GraphState) => NodeLines): Promise<Layout> {
  // Loaded on first use: the bundled ELK is large, and only pages that draw a graph need it.
  // The file is CommonJS: `module.exports` is the class, and `.default` names it again (what
  // TypeScript sees under NodeNext, and what holds under Node and Vite alike).
  const { default: bundled } = await import('elkjs/lib/elk.bundled.js');
  const elk = new bundled.default();
  const graph: ElkNode = { id: 'root', layoutOptions: ROOT_OPTIONS, ...scopeContents(scope, lines) };
  const root: ElkNode = await elk.layout(graph);
  const boxes = new Map<string, Box>();
  const edges = new Map<string, EdgePlace>();
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      boxes.set(child.id, {
        x: child.x ?? 0,
        y: child.y ?? 0,
        width: child.width ?? 0,
        height: child.height ?? 0,
      });
      visit(child);
    }
    for (const edge of node.edges ?? []) {
      const sections = (edge.sections ?? []).map((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
      const l = edge.labels?.[0];
      const label =
        l?.text === undefined
          ? undefined
          : { x: l.x ?? 0, y: l.y ?? 0, width: l.width ?? 0, height: l.height ?? 0, text: l.text };
      edges.set(edge.id, { sections, label });
    }
  };
  visit(root);
  return { width: root.width ?? 0, height: root.height ?? 0, boxes, edges };
}
