/**
 * Paging of the sandbox resource APIs: two items a page (so a client must follow `nextCursor`),
 * the cursor an opaque string a client passes back unchanged.
 */
import { BadRequest } from './http.ts';

export const PAGE_SIZE = 2;

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export function page<T>(items: readonly T[], cursor: string | null): Page<T> {
  const start = cursor === null ? 0 : decodeCursor(cursor);
  const end = start + PAGE_SIZE;
  return { items: items.slice(start, end), nextCursor: end < items.length ? encodeCursor(end) : null };
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o:${offset}`).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const match = /^o:(\d{1,6})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadRequest('cursor is not one this API returned; pass nextCursor back unchanged');
  return Number(match[1]);
}
