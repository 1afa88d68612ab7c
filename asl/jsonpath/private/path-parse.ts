/**
 * Reading a path's text into its root and segments (Jayway's syntax): `$`, `$$` or `$name`, then
 * `.name`, `['name']`, `[0]`, `[*]`, `..`, slices `[1:3]`, lists `[0,1]` and filters `[?(...)]`.
 */
import type { PathRoot, Segment } from '../path.ts';
import { compileFilter } from './filter.ts';
import { type Cursor, PathSyntaxError, readIdentifier, readQuoted, skipSpaces } from './scan.ts';

export function readRoot(cursor: Cursor): PathRoot {
  if (cursor.text[cursor.at] !== '$')
    throw new PathSyntaxError(cursor, "'$' (a path starts with $, $$ or $name)");
  cursor.at++;
  if (cursor.text[cursor.at] === '$') {
    cursor.at++;
    return { kind: 'context' };
  }
  const name = readIdentifier(cursor);
  return name ? { kind: 'variable', name } : { kind: 'data' };
}

export function readSegment(cursor: Cursor): Segment {
  const { text } = cursor;
  if (text.startsWith('..', cursor.at)) {
    cursor.at += 2;
    if (text[cursor.at] === '[') return { kind: 'scan', next: readBracket(cursor) };
    return { kind: 'scan', next: readDotted(cursor) };
  }
  if (text[cursor.at] === '.') {
    cursor.at++;
    return readDotted(cursor);
  }
  if (text[cursor.at] === '[') return readBracket(cursor);
  throw new PathSyntaxError(cursor, "'.' or '['");
}

/** After `.`: `*` or a property name, which runs to the next `.` or `[`. */
function readDotted(cursor: Cursor): Segment {
  const { text } = cursor;
  // `$.abc.['def ghi']`, the paths page's own example: a bracket after the dot, as Jayway reads it.
  if (text[cursor.at] === '[') return readBracket(cursor);
  if (text[cursor.at] === '*') {
    cursor.at++;
    return { kind: 'wildcard' };
  }
  const start = cursor.at;
  while (cursor.at < text.length && text[cursor.at] !== '.' && text[cursor.at] !== '[') cursor.at++;
  const name = text.slice(start, cursor.at);
  if (name === '') throw new PathSyntaxError(cursor, 'a property name');
  if (name.endsWith('()')) {
    throw new PathSyntaxError(
      { text, at: start },
      'a property name (path functions such as length() are not supported)',
      `Remove ${name}; use an intrinsic function instead, e.g. States.ArrayLength(${text.slice(0, start - 1)}).`,
    );
  }
  return { kind: 'name', names: [name] };
}

function readBracket(cursor: Cursor): Segment {
  const { text } = cursor;
  cursor.at++; // [
  skipSpaces(cursor);
  let segment: Segment;
  const c = text[cursor.at];
  if (c === '*') {
    cursor.at++;
    segment = { kind: 'wildcard' };
  } else if (c === '?') {
    segment = readFilter(cursor);
  } else if (c === "'" || c === '"') {
    const names = [readQuoted(cursor)];
    for (skipSpaces(cursor); text[cursor.at] === ','; skipSpaces(cursor)) {
      cursor.at++;
      skipSpaces(cursor);
      names.push(readQuoted(cursor));
    }
    segment = { kind: 'name', names };
  } else {
    segment = readIndexOrSlice(cursor);
  }
  skipSpaces(cursor);
  if (text[cursor.at] !== ']') throw new PathSyntaxError(cursor, "']'");
  cursor.at++;
  return segment;
}

function readFilter(cursor: Cursor): Segment {
  const start = cursor.at;
  cursor.at++; // ?
  skipSpaces(cursor);
  if (cursor.text[cursor.at] !== '(') throw new PathSyntaxError(cursor, "'(' after '?'");
  const filter = compileFilter(cursor);
  return { kind: 'filter', filter, source: cursor.text.slice(start, cursor.at) };
}

function readInteger(cursor: Cursor): number | undefined {
  const match = /^-?\d+/.exec(cursor.text.slice(cursor.at));
  if (!match) return undefined;
  cursor.at += match[0].length;
  return Number(match[0]);
}

function readIndexOrSlice(cursor: Cursor): Segment {
  const first = readInteger(cursor);
  skipSpaces(cursor);
  if (cursor.text[cursor.at] === ':') {
    cursor.at++;
    skipSpaces(cursor);
    const end = readInteger(cursor);
    let step: number | undefined;
    if (cursor.text[cursor.at] === ':') {
      cursor.at++;
      step = readInteger(cursor);
    }
    return {
      kind: 'slice',
      ...(first !== undefined ? { start: first } : {}),
      ...(end !== undefined ? { end } : {}),
      ...(step !== undefined ? { step } : {}),
    };
  }
  if (first === undefined)
    throw new PathSyntaxError(cursor, "a quoted name, an index, a slice, '*' or a filter");
  const indexes = [first];
  for (skipSpaces(cursor); cursor.text[cursor.at] === ','; skipSpaces(cursor)) {
    cursor.at++;
    skipSpaces(cursor);
    const next = readInteger(cursor);
    if (next === undefined) throw new PathSyntaxError(cursor, 'an index');
    indexes.push(next);
  }
  return { kind: 'index', indexes };
}
