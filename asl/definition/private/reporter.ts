/**
 * The parser's error collection: every check reports here and carries on, so one pass lists
 * every problem AWS would refuse, in document order, instead of stopping at the first.
 */
import { DefinitionError } from '../../errors.ts';
import { compileTemplate, type Template } from '../../jsonata/template.ts';

export type Raw = Record<string, unknown>;

/** Where the checks of one parse report their problems. */
export interface Reporter {
  readonly errors: DefinitionError[];
}

export function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Records a problem; returns undefined so a check can `return fail(...)` in place of its result. */
export function fail(reporter: Reporter, path: string, problem: string, fix: string): undefined {
  reporter.errors.push(new DefinitionError(path, problem, fix));
  return undefined;
}

/** Reports every key outside `allowed`, except those `reported` says another check already names. */
export function allowOnly(
  reporter: Reporter,
  raw: Raw,
  path: string,
  allowed: readonly string[],
  reported: (key: string) => boolean = () => false,
): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key) && !reported(key)) {
      fail(
        reporter,
        `${path}/${key}`,
        `The field '${key}' is not supported here`,
        `Remove it; allowed fields are ${allowed.join(', ')}.`,
      );
    }
  }
}

/** Compiles a template; a bad expression is reported rather than thrown. */
export function compile(reporter: Reporter, value: unknown, path: string): Template | undefined {
  try {
    return compileTemplate(value, path);
  } catch (error) {
    if (error instanceof DefinitionError) {
      reporter.errors.push(error);
      return undefined;
    }
    throw error;
  }
}

/** An optional template field, keyed by its name in the typed tree (`Output` becomes `output`). */
export function templateField<K extends string>(
  reporter: Reporter,
  raw: Raw,
  key: K,
  path: string,
): { [P in Uncapitalize<K>]?: Template } {
  const value = raw[key];
  if (value === undefined) return {};
  const template = compile(reporter, value, `${path}/${key}`);
  if (!template) return {};
  const field = (key.charAt(0).toLowerCase() + key.slice(1)) as Uncapitalize<K>;
  return { [field]: template } as { [P in Uncapitalize<K>]?: Template };
}

export function assignField(reporter: Reporter, value: unknown, path: string): { assign?: Template } {
  if (value === undefined) return {};
  if (!isAssignObject(reporter, value, path)) return {};
  checkVariableNames(reporter, value, path, (key) => key);
  const template = compile(reporter, value, path);
  return template ? { assign: template } : {};
}

/** Assign is an object of variable names; reports it when it is not. */
export function isAssignObject(reporter: Reporter, value: unknown, path: string): value is Raw {
  if (isObject(value)) return true;
  fail(reporter, path, 'Assign must be an object of variable names', 'Write "Assign": { "name": value }.');
  return false;
}

/** Reports each key of an Assign whose variable name (`nameOf(key)`) AWS refuses. */
export function checkVariableNames(
  reporter: Reporter,
  assign: Raw,
  path: string,
  nameOf: (key: string) => string,
): void {
  for (const key of Object.keys(assign)) {
    const name = nameOf(key);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || name === 'states') {
      fail(
        reporter,
        `${path}/${key}`,
        `'${name}' is not a valid variable name`,
        'Variable names start with a letter or _, contain letters, digits and _, and are not "states".',
      );
    }
  }
}
