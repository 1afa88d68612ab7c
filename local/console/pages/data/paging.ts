/**
 * What the data views read from a request's URL: a path parameter, a page number, an offset, and
 * an opaque continuation (a DynamoDB LastEvaluatedKey) carried as base64url JSON.
 */
import { ConsoleError } from '../../context.ts';

/** Rows per page in every data view. */
export const PAGE_SIZE = 50;

/** The path's first capture under `pattern`, decoded; a 404 when the path does not match. */
export function pathParam(url: URL, pattern: RegExp): string {
  const raw = pattern.exec(url.pathname)?.[1];
  if (raw === undefined) throw new ConsoleError(`No page at ${url.pathname}.`, 404);
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ConsoleError(`The path ${url.pathname} is not valid percent-encoding.`, 400);
  }
}

/** A whole number query parameter at least `min` (absent: `min`); anything else is a 400. */
export function wholeNumber(url: URL, name: string, min: number, max = 1_000_000_000): number {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return min;
  if (!/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max)
    throw new ConsoleError(
      `The ${name} parameter must be a whole number from ${min} to ${max} (received ${JSON.stringify(value.slice(0, 40))}).`,
    );
  return Number(value);
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A cursor made by encodeCursor: a JSON object, else a 400 that says to start over. */
export function decodeCursor(text: string, name: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConsoleError(
      `The ${name} parameter is not a page position this console made: open the first page and follow its links.`,
    );
  return parsed as Record<string, unknown>;
}
