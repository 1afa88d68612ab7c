/**
 * Result values, from PostgreSQL's text output to what the Data API returns: a Field union for
 * `records`, a plain JSON value for `formattedRecords`. int2/int4/int8 are longValue (a JSON
 * number), float4/float8 doubleValue, numeric stringValue, bool booleanValue, bytea blobValue
 * (base64 on the wire), dates, times, JSON, UUIDs and the rest stringValue, one-dimensional
 * arrays arrayValue. resultSetOptions turn longs into strings or decimals into numbers.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_Field.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-json.html
 */
import { unsupportedResult } from '../errors.ts';
import type { ResultSetOptions } from '../requests.ts';
import type { Kind, PgType } from './types.ts';

export type WireField =
  | { isNull: true }
  | { booleanValue: boolean }
  | { longValue: number }
  | { doubleValue: number }
  | { stringValue: string }
  | { blobValue: string }
  | { arrayValue: Record<string, unknown[]> };

/**
 * The elements of a one-dimensional array literal such as `{1,NULL,"a \"b\""}`, unquoted;
 * a nested brace means a multidimensional array, which the Data API does not return.
 */
export function parseArray(text: string): (string | null)[] {
  // A lower bound other than 1 is printed as a prefix: `[0:1]={a,b}`.
  const body = text.startsWith('[') ? text.slice(text.indexOf('=') + 1) : text;
  const items: (string | null)[] = [];
  if (body === '{}') return items;
  let at = 1;
  while (at < body.length) {
    if (body[at] === '{') throw unsupportedResult('The result contains a multidimensional array');
    if (body[at] === '"') {
      let value = '';
      at += 1;
      while (at < body.length && body[at] !== '"') {
        if (body[at] === '\\') at += 1;
        value += body[at] ?? '';
        at += 1;
      }
      items.push(value);
      at += 2; // the closing quote and the comma (or brace)
    } else {
      let end = at;
      while (end < body.length && body[end] !== ',' && body[end] !== '}') end += 1;
      const raw = body.slice(at, end);
      items.push(raw === 'NULL' ? null : raw);
      at = end + 1;
    }
  }
  return items;
}

/** The session runs in UTC; the Data API returns timestamptz without the `+00` offset. */
function utcWallClock(text: string): string {
  return text.replace(/[+-]\d{2}(:\d{2}){0,2}$/, '');
}

function bytes(text: string): Buffer {
  // bytea_output is `hex` by default: `\x` then two digits a byte.
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex') : Buffer.from(text, 'latin1');
}

/** One non-null scalar as a JSON value, by kind and the result set options. */
function scalar(text: string, kind: Kind, options: ResultSetOptions): string | number | boolean {
  switch (kind) {
    case 'bool':
      return text === 't';
    case 'long':
      return options.longReturnType === 'STRING' ? text : Number(text);
    case 'double': {
      const value = Number(text);
      // JSON has no NaN or Infinity: those stay text.
      return Number.isFinite(value) ? value : text;
    }
    case 'decimal':
      if (options.decimalReturnType !== 'DOUBLE_OR_LONG' || text === 'NaN') return text;
      return Number(text);
    case 'timestamptz':
      return utcWallClock(text);
    case 'blob':
      return bytes(text).toString('base64');
    case 'string':
      return text;
  }
}

/** The kind of an array's elements: arrays of arrays and of unsupported types fail. */
function elementKind(type: PgType, types: ReadonlyMap<number, PgType>): Kind {
  const kind = type.element === undefined ? undefined : types.get(type.element)?.kind;
  if (kind === undefined || kind === 'array' || kind === 'unsupported') {
    throw unsupportedResult(`The result contains the unsupported data type ${type.name}`);
  }
  return kind;
}

function arrayMember(kind: Kind, options: ResultSetOptions): string {
  if (kind === 'bool') return 'booleanValues';
  if (kind === 'long') return options.longReturnType === 'STRING' ? 'stringValues' : 'longValues';
  if (kind === 'double') return 'doubleValues';
  if (kind === 'decimal' && options.decimalReturnType === 'DOUBLE_OR_LONG') return 'doubleValues';
  if (kind === 'blob') throw unsupportedResult('The result contains the unsupported data type _bytea');
  return 'stringValues';
}

/** A column value as a Field of `records`. */
export function toField(
  text: string | null,
  type: PgType,
  types: ReadonlyMap<number, PgType>,
  options: ResultSetOptions,
): WireField {
  if (text === null) return { isNull: true };
  if (type.kind === 'unsupported') {
    throw unsupportedResult(`The result contains the unsupported data type ${type.name}`);
  }
  if (type.kind === 'array') {
    const kind = elementKind(type, types);
    const values = parseArray(text).map((item) => (item === null ? null : scalar(item, kind, options)));
    const member = arrayMember(kind, options);
    return { arrayValue: { [member]: values } };
  }
  const value = scalar(text, type.kind, options);
  if (type.kind === 'blob') return { blobValue: value as string };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'string') return { stringValue: value };
  return Number.isInteger(value) && type.kind !== 'double' ? { longValue: value } : { doubleValue: value };
}

/** A column value for `formattedRecords`. */
export function toJson(
  text: string | null,
  type: PgType,
  types: ReadonlyMap<number, PgType>,
  options: ResultSetOptions,
): unknown {
  if (text === null) return null;
  if (type.kind === 'unsupported') {
    throw unsupportedResult(`The result contains the unsupported data type ${type.name}`);
  }
  if (type.kind === 'array') {
    const kind = elementKind(type, types);
    return parseArray(text).map((item) => (item === null ? null : scalar(item, kind, options)));
  }
  return scalar(text, type.kind, options);
}
