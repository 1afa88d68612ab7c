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
