/**
 * The comparison operators of JSONPath Choice rules: their names, what operand each takes, and
 * how a selected value is tested. https://states-language.net/spec.html#choice-state
 */
import { compareInstants, type Instant, parseTimestamp } from '../../timestamp.ts';

export type DataType = 'String' | 'Numeric' | 'Boolean' | 'Timestamp';
export type Relation = 'Equals' | 'LessThan' | 'GreaterThan' | 'LessThanEquals' | 'GreaterThanEquals';
/** The Is* operators that test the selected value's type (IsPresent tests whether there is one). */
export type TypeCheck = 'IsBoolean' | 'IsNull' | 'IsNumeric' | 'IsString' | 'IsTimestamp';

/** What an operator's name says: `NumericLessThanPath` is {compare, Numeric, LessThan, path}. */
export type OperatorSpec =
  | { readonly kind: 'compare'; readonly type: DataType; readonly relation: Relation; readonly path: boolean }
  | { readonly kind: 'matches' }
  | { readonly kind: 'present' }
  | { readonly kind: 'is'; readonly check: TypeCheck };

const RELATIONS: readonly Relation[] = [
  'Equals',
  'LessThan',
  'GreaterThan',
  'LessThanEquals',
  'GreaterThanEquals',
];
const TYPE_CHECKS: readonly TypeCheck[] = ['IsBoolean', 'IsNull', 'IsNumeric', 'IsString', 'IsTimestamp'];

function operatorTable(): ReadonlyMap<string, OperatorSpec> {
  const table = new Map<string, OperatorSpec>();
  const add = (type: DataType, relation: Relation) => {
    table.set(`${type}${relation}`, { kind: 'compare', type, relation, path: false });
    table.set(`${type}${relation}Path`, { kind: 'compare', type, relation, path: true });
  };
  for (const type of ['String', 'Numeric', 'Timestamp'] as const) for (const r of RELATIONS) add(type, r);
  add('Boolean', 'Equals');
  table.set('StringMatches', { kind: 'matches' });
  table.set('IsPresent', { kind: 'present' });
  for (const check of TYPE_CHECKS) table.set(check, { kind: 'is', check });
  return table;
}

/** Every comparison operator, by the field name a rule uses for it. */
export const OPERATORS: ReadonlyMap<string, OperatorSpec> = operatorTable();

export type Comparable = string | number | boolean | Instant;

/** The value as the type an operator compares, or undefined when it is not of that type. */
export function asType(type: DataType, value: unknown): Comparable | undefined {
  switch (type) {
    case 'String':
      return typeof value === 'string' ? value : undefined;
    case 'Numeric':
      return typeof value === 'number' ? value : undefined;
    case 'Boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'Timestamp':
      return parseTimestamp(value);
  }
}

/**
 * Whether `left <relation> right` holds. Strings order by UTF-16 code unit, as Java's
 * String.compareTo does (the Developer Guide points there for string comparisons); JavaScript's
 * `<` on strings is the same order.
 */
export function holds(relation: Relation, left: Comparable, right: Comparable): boolean {
  const order = compare(left, right);
  switch (relation) {
    case 'Equals':
      return order === 0;
    case 'LessThan':
      return order < 0;
    case 'GreaterThan':
      return order > 0;
    case 'LessThanEquals':
      return order <= 0;
    case 'GreaterThanEquals':
      return order >= 0;
  }
}

function compare(left: Comparable, right: Comparable): number {
  if (typeof left === 'object' && typeof right === 'object') return compareInstants(left, right);
  if (typeof left === 'boolean' || typeof right === 'boolean') return left === right ? 0 : Number.NaN;
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

/** IsBoolean, IsNull, IsNumeric, IsString, IsTimestamp. */
export function passesCheck(check: TypeCheck, value: unknown): boolean {
  switch (check) {
    case 'IsBoolean':
      return typeof value === 'boolean';
    case 'IsNull':
      return value === null;
    case 'IsNumeric':
      return typeof value === 'number';
    case 'IsString':
      return typeof value === 'string';
    case 'IsTimestamp':
      return parseTimestamp(value) !== undefined;
  }
}

/**
 * StringMatches: "*" matches any run of characters (including none); "\*" is a literal asterisk
 * and "\\" a literal backslash. The spec: "No characters other than '*' have any special
 * meaning during matching." A backslash before any other character keeps that character as is.
 * Compiled to the literal parts between the stars, matched without a regular expression: the
 * string being matched is input data, and a backtracking regex of `*a*a*a*b` takes minutes on a
 * few hundred characters.
 */
export function compilePattern(pattern: string): Wildcard {
  const parts: string[] = [''];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') parts.push('');
    else if (c === '\\' && i + 1 < pattern.length) parts[parts.length - 1] += pattern[++i] as string;
    else parts[parts.length - 1] += c;
  }
  return { parts };
}

/** A StringMatches pattern: the literal parts around its stars (one part: no star). */
export interface Wildcard {
  readonly parts: readonly string[];
}

/**
 * Whether `text` matches: the first part is a prefix, the last a suffix, and the parts between
 * occur in order in what is left (leftmost first, which is enough when only `*` is special).
 * Linear in the text for each part.
 */
export function matchesWildcard(wildcard: Wildcard, text: string): boolean {
  const { parts } = wildcard;
  const first = parts[0] ?? '';
  if (parts.length === 1) return text === first;
  const last = parts[parts.length - 1] ?? '';
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) {
    return false;
  }
  const end = text.length - last.length;
  let at = first.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
