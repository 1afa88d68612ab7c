/**
 * Filter expressions, `[?(@.status == 0 && @.name)]`: comparisons of `@`-relative values with
 * literals or each other, existence, `!`, `&&`, `||` and parentheses, with Jayway's typing: values
 * of different types are never equal, and order compares numbers with numbers, strings with strings.
 */
import { jsonEquals } from './intrinsics-values.ts';
import { type Cursor, PathSyntaxError, readQuoted, skipSpaces } from './scan.ts';

export type Filter = (item: unknown) => boolean;

type Operand = (item: unknown) => { readonly found: boolean; readonly value?: unknown };

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '=~'] as const;
type Operator = (typeof OPERATORS)[number];

/** Parses `( expression )` at the cursor. */
export function compileFilter(cursor: Cursor): Filter {
  return readUnary(cursor);
}

function readOr(cursor: Cursor): Filter {
  let left = readAnd(cursor);
  for (skipSpaces(cursor); cursor.text.startsWith('||', cursor.at); skipSpaces(cursor)) {
    cursor.at += 2;
    const a = left;
    const b = readAnd(cursor);
    left = (item) => a(item) || b(item);
  }
  return left;
}

function readAnd(cursor: Cursor): Filter {
  let left = readUnary(cursor);
  for (skipSpaces(cursor); cursor.text.startsWith('&&', cursor.at); skipSpaces(cursor)) {
    cursor.at += 2;
    const a = left;
    const b = readUnary(cursor);
    left = (item) => a(item) && b(item);
  }
  return left;
}

function readUnary(cursor: Cursor): Filter {
  skipSpaces(cursor);
  const c = cursor.text[cursor.at];
  if (c === '!') {
    cursor.at++;
    const inner = readUnary(cursor);
    return (item) => !inner(item);
  }
  if (c === '(') {
    cursor.at++;
    const inner = readOr(cursor);
    skipSpaces(cursor);
    if (cursor.text[cursor.at] !== ')') throw new PathSyntaxError(cursor, "')'");
    cursor.at++;
    return inner;
  }
  return readComparison(cursor);
}

function readComparison(cursor: Cursor): Filter {
  const left = readOperand(cursor);
  skipSpaces(cursor);
  const operator = OPERATORS.find((op) => cursor.text.startsWith(op, cursor.at));
  if (!operator) return (item) => left(item).found;
  cursor.at += operator.length;
  skipSpaces(cursor);
  if (operator === '=~') {
    const pattern = readRegex(cursor);
    return (item) => {
      const l = left(item);
      return l.found && typeof l.value === 'string' && pattern.test(l.value);
    };
  }
  const right = readOperand(cursor);
  return (item) => {
    const l = left(item);
    const r = right(item);
    return l.found && r.found && compare(operator, l.value, r.value);
  };
}

function compare(operator: Exclude<Operator, '=~'>, a: unknown, b: unknown): boolean {
  switch (operator) {
    case '==':
      // Equal as JSON values: objects whatever their key order (Jayway compares parsed maps).
      return jsonEquals(a, b);
    case '!=':
      return !jsonEquals(a, b);
    default: {
      const bothNumbers = typeof a === 'number' && typeof b === 'number';
      const bothStrings = typeof a === 'string' && typeof b === 'string';
      if (!bothNumbers && !bothStrings) return false;
      const x = a as number | string;
      const y = b as number | string;
      if (operator === '<') return x < y;
      if (operator === '<=') return x <= y;
      if (operator === '>') return x > y;
      return x >= y;
    }
  }
}

function readOperand(cursor: Cursor): Operand {
  skipSpaces(cursor);
  const rest = cursor.text.slice(cursor.at);
  if (rest.startsWith('@')) {
    cursor.at++;
    const steps = readRelativePath(cursor);
    return (item) => follow(item, steps);
  }
  if (rest[0] === "'" || rest[0] === '"') {
    const value = readQuoted(cursor);
    return () => ({ found: true, value });
  }
  const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
  if (number) {
    cursor.at += number[0].length;
    const value = Number(number[0]);
    return () => ({ found: true, value });
  }
  for (const [word, value] of [
    ['true', true],
    ['false', false],
    ['null', null],
  ] as const) {
    if (rest.startsWith(word)) {
      cursor.at += word.length;
      return () => ({ found: true, value });
    }
  }
  throw new PathSyntaxError(cursor, "'@', a number, a quoted string, true, false or null");
}

function readRelativePath(cursor: Cursor): (string | number)[] {
  const steps: (string | number)[] = [];
  for (;;) {
    const c = cursor.text[cursor.at];
    if (c === '.') {
      cursor.at++;
      const match = /^[^.[\]\s()=!<>&|~]+/.exec(cursor.text.slice(cursor.at));
      if (!match) throw new PathSyntaxError(cursor, 'a property name');
      cursor.at += match[0].length;
      steps.push(match[0]);
    } else if (c === '[') {
      cursor.at++;
      skipSpaces(cursor);
      const index = /^-?\d+/.exec(cursor.text.slice(cursor.at));
      if (index) {
        cursor.at += index[0].length;
        steps.push(Number(index[0]));
      } else {
        steps.push(readQuoted(cursor));
      }
      skipSpaces(cursor);
      if (cursor.text[cursor.at] !== ']') throw new PathSyntaxError(cursor, "']'");
      cursor.at++;
    } else {
      return steps;
    }
  }
}

function follow(item: unknown, steps: readonly (string | number)[]): { found: boolean; value?: unknown } {
  let current = item;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current)) return { found: false };
      const at = step < 0 ? current.length + step : step;
      if (at < 0 || at >= current.length) return { found: false };
      current = current[at];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return { found: false };
      if (!Object.hasOwn(current, step)) return { found: false };
      current = (current as Record<string, unknown>)[step];
    }
  }
  return { found: true, value: current };
}

function readRegex(cursor: Cursor): RegExp {
  const match = /^\/((?:\\.|[^/\\])*)\/([i]*)/.exec(cursor.text.slice(cursor.at));
  if (!match) throw new PathSyntaxError(cursor, 'a regular expression /.../');
  cursor.at += match[0].length;
  try {
    return new RegExp(match[1] ?? '', match[2]);
  } catch {
    throw new PathSyntaxError(cursor, 'a valid regular expression');
  }
}
