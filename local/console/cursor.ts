/**
 * Page positions the console writes into its links (the executions list's per-machine cursor, a
 * DynamoDB table's LastEvaluatedKey): JSON as base64url, read back only as an object, else a 400
 * that says to start over from the first page.
 */
import { ConsoleError } from './context.ts';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A cursor made by encodeCursor; `name` is the query parameter it came in. */
export function decodeCursor(text: string, name: string): Record<string, unknown> {
  let parsed: unknown;
  if (/^[A-Za-z0-9_-]+$/.test(text)) {
    try {
      parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    } catch {
      parsed = undefined;
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConsoleError(
      `The ${name} parameter is damaged (not a page position this console made): open the first page and follow its links.`,
    );
  return parsed as Record<string, unknown>;
}
