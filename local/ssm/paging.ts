/**
 * NextToken pagination. The token is opaque to clients, as AWS's is; here it names the last
 * item handed out (a parameter name, or a version), so a parameter created or deleted between
 * two pages neither repeats nor hides the others.
 */
import { z } from 'zod';
import { invalidNextToken } from './errors.ts';

const Token = z.object({ op: z.string(), after: z.union([z.string(), z.number()]) });

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

function decode(op: string, token: string): string | number {
  try {
    const parsed = Token.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    // A token from another operation would silently page the wrong listing.
    if (parsed.op !== op) throw invalidNextToken();
    return parsed.after;
  } catch {
    throw invalidNextToken();
  }
}

/** One page of `items` (ordered by `keyOf`, ascending) after the item the token names. */
export function page<T>(
  op: string,
  items: readonly T[],
  keyOf: (item: T) => string | number,
  max: number,
  token: string | undefined,
): Page<T> {
  let start = 0;
  if (token !== undefined && token !== '') {
    const after = decode(op, token);
    start = items.findIndex((item) => keyOf(item) > after);
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + max);
  const last = slice[slice.length - 1];
  if (start + max >= items.length || last === undefined) return { items: slice };
  const nextToken = Buffer.from(JSON.stringify({ op, after: keyOf(last) }), 'utf8').toString('base64url');
  return { items: slice, nextToken };
}
