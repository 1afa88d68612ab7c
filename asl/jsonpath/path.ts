/**
 * JSONPath as AWS Step Functions evaluates it: Jayway JsonPath semantics (a definite path yields
 * one value and fails when it selects nothing; an indefinite path — wildcard, deep scan, slice,
 * filter, several names or indexes — yields the list of what it found, possibly empty), with
 * Jayway's messages in the causes AWS reports ("No results for path: $['a']", "Missing property
 * in path $['a']"). Roots: `$` the data, `$$` the context object, `$name` a variable.
 * https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 * https://github.com/json-path/JsonPath (the semantics and the message texts)
 */

import { setMember } from '../runtime/payload.ts';
import type { Filter } from './private/filter.ts';
import { readRoot, readSegment } from './private/path-parse.ts';
import { type Cursor, PathSyntaxError } from './private/scan.ts';

export { PathSyntaxError } from './private/scan.ts';

export type PathRoot =
  | { readonly kind: 'data' }
  | { readonly kind: 'context' }
  | { readonly kind: 'variable'; readonly name: string };

export type Segment =
  | { readonly kind: 'name'; readonly names: readonly string[] }
  | { readonly kind: 'index'; readonly indexes: readonly number[] }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'filter'; readonly filter: Filter; readonly source: string }
  | { readonly kind: 'scan'; readonly next: Segment };

export interface JsonPath {
  /** The path as written. */
  readonly source: string;
  readonly root: PathRoot;
  readonly segments: readonly Segment[];
  /** True when the path can select at most one node (no wildcard, scan, slice, filter or list). */
  readonly definite: boolean;
}

/** Parses a path; throws {@link PathSyntaxError} with the position and what was expected. */
export function parsePath(source: string): JsonPath {
  const cursor: Cursor = { text: source, at: 0 };
  const root = readRoot(cursor);
  const segments: Segment[] = [];
  while (cursor.at < source.length) segments.push(readSegment(cursor));
  return { source, root, segments, definite: segments.every(isDefinite) };
}

/** How to fix a path that did not parse (`error` from {@link parsePath}). */
export function pathHint(error: unknown, source: string): string {
  if (error instanceof PathSyntaxError && error.hint) return error.hint;
  if (!source.startsWith('$'))
    return 'Start the path with $ (the input), $$ (the context object) or $name (a variable).';
  return "Write names as .name or ['name'], indexes as [0], and close every bracket and quote.";
}

/** True for a syntactically valid path (`$`, `$$` or `$name` first). */
export function isPath(source: string): boolean {
  try {
    parsePath(source);
    return true;
  } catch {
    return false;
  }
}

function isDefinite(segment: Segment): boolean {
  return (
    (segment.kind === 'name' && segment.names.length === 1) ||
    (segment.kind === 'index' && segment.indexes.length === 1)
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

/** What reading a path found: a value, or Jayway's reason it found nothing (for causes). */
export type PathRead =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly reason: string };

/** `$['a'][0]`, Jayway's normalised form of the first `count` segments (definite paths only). */
export function normalized(path: JsonPath, count = path.segments.length): string {
  let out = '$';
  for (const segment of path.segments.slice(0, count)) {
    if (segment.kind === 'name') out += segment.names.map((n) => `['${n}']`).join('');
    else if (segment.kind === 'index') out += `[${segment.indexes.join(',')}]`;
  }
  return out;
}

/**
 * Reads `path` from `root` (the value its root names). A definite path that selects nothing is
 * not found, with Jayway's reason; an indefinite one answers the (possibly empty) list.
 */
export function readPath(path: JsonPath, root: unknown): PathRead {
  if (!path.definite) return { found: true, value: collect(path.segments, 0, root, []) };
  let current = root;
  for (const [i, segment] of path.segments.entries()) {
    const step = definiteStep(segment, current);
    if (step === MISSING) {
      const last = i === path.segments.length - 1;
      return {
        found: false,
        reason: last
          ? `No results for path: ${normalized(path)}`
          : `Missing property in path ${normalized(path, i + 1)}`,
      };
    }
    current = step;
  }
  return { found: true, value: current };
}

const MISSING = Symbol('missing');

function definiteStep(segment: Segment, value: unknown): unknown {
  if (segment.kind === 'name') {
    const name = segment.names[0] as string;
    return isRecord(value) && Object.hasOwn(value, name) ? value[name] : MISSING;
  }
  if (segment.kind === 'index' && Array.isArray(value)) {
    const i = segment.indexes[0] as number;
    const at = i < 0 ? value.length + i : i;
    return at >= 0 && at < value.length ? value[at] : MISSING;
  }
  return MISSING;
}

function collect(segments: readonly Segment[], from: number, value: unknown, out: unknown[]): unknown[] {
  if (from === segments.length) {
    out.push(value);
    return out;
  }
  const segment = segments[from] as Segment;
  if (segment.kind === 'scan') {
    scan(segments, from, segment.next, value, out);
    return out;
  }
  for (const child of children(segment, value)) collect(segments, from + 1, child, out);
  return out;
}

/** `..x`: x applied here, then in every descendant, depth first, in document order (Jayway's walk). */
function scan(
  segments: readonly Segment[],
  from: number,
  then: Segment,
  value: unknown,
  out: unknown[],
): void {
  for (const child of children(then, value)) collect(segments, from + 1, child, out);
  const nested = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  for (const child of nested) {
    if (child !== null && typeof child === 'object') scan(segments, from, then, child, out);
  }
}

function children(segment: Segment, value: unknown): unknown[] {
  switch (segment.kind) {
    case 'name':
      return isRecord(value) ? segment.names.filter((n) => Object.hasOwn(value, n)).map((n) => value[n]) : [];
    case 'index':
      if (!Array.isArray(value)) return [];
      return segment.indexes
        .map((i) => (i < 0 ? value.length + i : i))
        .filter((i) => i >= 0 && i < value.length)
        .map((i) => value[i]);
    case 'wildcard':
      return Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
    case 'slice':
      return Array.isArray(value) ? slice(value, segment) : [];
    case 'filter': {
      const items = Array.isArray(value) ? value : isRecord(value) ? [value] : [];
      return items.filter((item) => segment.filter(item));
    }
    case 'scan':
      return [];
  }
}

function slice(array: readonly unknown[], s: { start?: number; end?: number; step?: number }): unknown[] {
  const n = array.length;
  const clamp = (i: number) => Math.min(Math.max(i < 0 ? n + i : i, 0), n);
  const start = clamp(s.start ?? 0);
  const end = clamp(s.end ?? n);
  const step = s.step && s.step > 0 ? s.step : 1;
  const out: unknown[] = [];
  for (let i = start; i < end; i += step) out.push(array[i]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writing (ResultPath)

/**
 * `root` with `value` placed at a reference path (names and indexes only), intervening objects
 * created as needed: "a new field is created in the state output, with intervening fields
 * constructed as necessary" (States Language, ResultPath). `$` answers `value` itself. Throws
 * {@link PathWriteError} where the path crosses a value that is not an object.
 */
export function writePath(path: JsonPath, root: unknown, value: unknown): unknown {
  if (path.segments.length === 0) return value;
  return writeAt(path, 0, root, value);
}

export class PathWriteError extends Error {}

function writeAt(path: JsonPath, i: number, node: unknown, value: unknown): unknown {
  const segment = path.segments[i] as Segment;
  const last = i === path.segments.length - 1;
  if (segment.kind === 'name') {
    const name = segment.names[0] as string;
    const base = node === undefined ? {} : node;
    if (!isRecord(base)) {
      throw new PathWriteError(
        `Expected to find an object with property ${normalized(path, i + 1).slice(normalized(path, i).length)} in path ${normalized(path, i)} but found '${typeName(base)}'`,
      );
    }
    const copy: Record<string, unknown> = { ...base };
    setMember(copy, name, last ? value : writeAt(path, i + 1, base[name], value));
    return copy;
  }
  if (segment.kind === 'index' && Array.isArray(node)) {
    const raw = segment.indexes[0] as number;
    const at = raw < 0 ? node.length + raw : raw;
    if (at < 0 || at >= node.length)
      throw new PathWriteError(`Index ${raw} is out of bounds in path ${normalized(path, i)}`);
    const copy = [...node];
    copy[at] = last ? value : writeAt(path, i + 1, node[at], value);
    return copy;
  }
  throw new PathWriteError(`The path ${normalized(path, i + 1)} does not address an array element`);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'java.util.ArrayList';
  if (typeof value === 'string') return 'java.lang.String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'java.lang.Integer' : 'java.lang.Double';
  if (typeof value === 'boolean') return 'java.lang.Boolean';
  return typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
