/**
 * The Data API's named parameters: every `:name` in the SQL becomes a positional `$n` (one
 * number per distinct name). As in the Data API, `::` casts, single-quoted strings (E'' escapes
 * included), double-quoted identifiers and comments are left alone.
 *
 * The Data API does not respect dollar-quoted strings (`SELECT $$a :b$$` comes back as `a $1`)
 * and reads array slices (`a[1:2]`) as parameters; rather than corrupt a string silently this
 * endpoint refuses a `:name` inside dollar quotes, and a slice is reported as a missing parameter.
 */
import { badRequest } from '../errors.ts';

export interface NamedSql {
  /** The SQL with `$1`, `$2`, ... in place of the names. */
  readonly text: string;
  /** The name each position stands for: `names[0]` is `$1`. */
  readonly names: readonly string[];
}

const NAME_CHAR = /[A-Za-z0-9_]/;
const IDENT_CHAR = /[A-Za-z0-9_$]/;
const DOLLAR_TAG = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/** The index just past the quoted string or identifier opening at `start`. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let at = start + 1;
  while (at < sql.length) {
    const char = sql[at];
    if (backslashEscapes && char === '\\') at += 2;
    else if (char === quote && sql[at + 1] === quote) at += 2;
    else if (char === quote) return at + 1;
    else at += 1;
  }
  return sql.length;
}

/** The index just past the block comment opening at `start` (PostgreSQL's comments nest). */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let at = start;
  while (at < sql.length) {
    if (sql.startsWith('/*', at)) {
      depth += 1;
      at += 2;
    } else if (sql.startsWith('*/', at)) {
      depth -= 1;
      at += 2;
      if (depth === 0) return at;
    } else at += 1;
  }
  return sql.length;
}

/** The index just past the dollar-quoted string whose opening tag is `tag`, at `start`. */
function skipDollarQuoted(sql: string, start: number, tag: string): number {
  const close = sql.indexOf(tag, start + tag.length);
  const end = close === -1 ? sql.length : close + tag.length;
  const named = /(?<!:):([A-Za-z_][A-Za-z0-9_]*)/.exec(
    sql.slice(start + tag.length, close === -1 ? end : close),
  );
  if (named !== null) {
    throw badRequest(
      `The SQL has :${named[1]} inside the dollar-quoted string starting at character ${start + 1}. The Data ` +
        'API substitutes parameters inside dollar quotes too, silently changing the string: use a ' +
        'single-quoted string, or move the value into a parameter outside the quotes.',
    );
  }
  return end;
}

export function bindNames(sql: string): NamedSql {
  const names: string[] = [];
  let text = '';
  let at = 0;
  let copied = 0;
  while (at < sql.length) {
    const char = sql[at] ?? '';
    const previous = at > 0 ? (sql[at - 1] ?? '') : '';
    let next = at + 1;
    if (char === "'") {
      // E'...' takes backslash escapes; the E must stand alone, not end a word such as `date`.
      const escapes = (previous === 'E' || previous === 'e') && !IDENT_CHAR.test(sql[at - 2] ?? '');
      next = skipQuoted(sql, at, "'", escapes);
    } else if (char === '"') {
      next = skipQuoted(sql, at, '"', false);
    } else if (sql.startsWith('--', at)) {
      const newline = sql.indexOf('\n', at);
      next = newline === -1 ? sql.length : newline + 1;
    } else if (sql.startsWith('/*', at)) {
      next = skipBlockComment(sql, at);
    } else if (char === '$' && !IDENT_CHAR.test(previous)) {
      const tag = DOLLAR_TAG.exec(sql.slice(at))?.[0];
      if (tag !== undefined) next = skipDollarQuoted(sql, at, tag);
    } else if (char === ':' && sql[at + 1] === ':') {
      next = at + 2;
    } else if (char === ':' && NAME_CHAR.test(sql[at + 1] ?? '')) {
      let end = at + 1;
      while (end < sql.length && NAME_CHAR.test(sql[end] ?? '')) end += 1;
      const name = sql.slice(at + 1, end);
      let position = names.indexOf(name);
      if (position === -1) position = names.push(name) - 1;
      text += `${sql.slice(copied, at)}$${position + 1}`;
      copied = end;
      next = end;
    }
    at = next;
  }
  return { text: text + sql.slice(copied), names };
}
