/** The character-level reading the path and filter parsers share. */

export interface Cursor {
  readonly text: string;
  at: number;
}

/** A path that does not parse: where, and what was expected there. */
export class PathSyntaxError extends Error {
  readonly position: number;
  /** How to fix it, when there is more to say than what was expected. */
  readonly hint: string | undefined;
  constructor(cursor: Cursor, expected: string, hint?: string) {
    const found = cursor.at < cursor.text.length ? `'${cursor.text[cursor.at]}'` : 'the end';
    super(`expected ${expected} at position ${cursor.at + 1}, found ${found}`);
    this.position = cursor.at;
    this.hint = hint;
  }
}

export function skipSpaces(cursor: Cursor): void {
  while (cursor.text[cursor.at] === ' ') cursor.at++;
}

/** A variable name after `$`: a letter or `_`, then letters, digits and `_` (empty when none). */
export function readIdentifier(cursor: Cursor): string {
  const match = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(cursor.text.slice(cursor.at));
  if (!match) return '';
  cursor.at += match[0].length;
  return match[0];
}

/**
 * A quoted name, `'a'` or `"a"`. A backslash escapes only the closing quote; any other backslash
 * is part of the name (AWS reads `$['Test\""Name"']` as the key `Test\""Name"`, as recorded).
 */
export function readQuoted(cursor: Cursor): string {
  const quote = cursor.text[cursor.at];
  if (quote !== "'" && quote !== '"') throw new PathSyntaxError(cursor, 'a quoted name');
  cursor.at++;
  let out = '';
  while (cursor.at < cursor.text.length && cursor.text[cursor.at] !== quote) {
    if (cursor.text[cursor.at] === '\\' && cursor.text[cursor.at + 1] === quote) cursor.at++;
    out += cursor.text[cursor.at];
    cursor.at++;
  }
  if (cursor.text[cursor.at] !== quote) throw new PathSyntaxError(cursor, `the closing ${quote}`);
  cursor.at++;
  return out;
}
