/** Reading definitions and inputs given on the command line. */
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from './errors.ts';

export function readText(path: string, what: string): string {
  if (!existsSync(path)) throw new UsageError(`${what} file '${path}' does not exist. Check the path.`);
  return readFileSync(path, 'utf8');
}

/** A JSON value given inline (`'{"a":1}'`) or as a path to a file holding it. */
export function readJsonArgument(value: string, what: string): unknown {
  const trimmed = value.trim();
  const looksInline = /^[[{"]/.test(trimmed) || /^(-?\d|true$|false$|null$)/.test(trimmed);
  const text = looksInline && !existsSync(value) ? value : readText(value, what);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `${what} is not valid JSON (${error instanceof Error ? error.message : String(error)}). Give inline JSON or a path to a .json file.`,
    );
  }
}
