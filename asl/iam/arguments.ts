/**
 * A task's Arguments (or a JSONPath task's Parameters) as the derivation reads them: every literal
 * part as its value, every `{% %}` expression, `.$` path or intrinsic function as a
 * {@link DynamicValue} that remembers where it stood. A resource named by one of those is known
 * only at run time, so the policy cannot scope it.
 */
import type { Template } from '../jsonata/template.ts';
import type { PayloadTemplate } from '../jsonpath/payload.ts';

/** What a task's arguments are compiled to, in either query language. */
export type ArgumentsTemplate = Template | PayloadTemplate;

/** A value only a JSONata expression yields at run time; `location` is e.g. `Arguments.TableName`. */
export class DynamicValue {
  readonly location: string;
  constructor(location: string) {
    this.location = location;
  }
}

/** The Arguments tree with expressions replaced by {@link DynamicValue}; `{}` when there are none. */
export function argumentTree(template: ArgumentsTemplate | undefined, root = 'Arguments'): unknown {
  const tree = template === undefined ? {} : build(template, root);
  if (typeof tree === 'object' && tree !== null) roots.set(tree, root);
  return tree;
}

/** The field a tree was read from (`Arguments`, `Parameters`, `Credentials`), for messages. */
const roots = new WeakMap<object, string>();

export function rootOf(tree: unknown): string {
  return (typeof tree === 'object' && tree !== null && roots.get(tree)) || 'Arguments';
}

/**
 * Why a value is known only at run time, for a policy's reason: `Arguments.X is a JSONata
 * expression`, or for a JSONPath task `Parameters.X.$ is a path or intrinsic function`.
 */
export function runtimeValue(location: string): string {
  return location.endsWith('.$')
    ? `${location} is a path or intrinsic function`
    : `${location} is a JSONata expression`;
}

function build(template: ArgumentsTemplate, location: string): unknown {
  switch (template.kind) {
    case 'literal':
      return template.value;
    case 'expression':
      return new DynamicValue(location);
    case 'path':
    case 'intrinsic':
      return new DynamicValue(`${location}.$`);
    case 'object':
      return Object.fromEntries(
        template.entries.map(([key, item]) => [key, build(item, `${location}.${key}`)]),
      );
    case 'array':
      return template.items.map((item, i) => build(item, `${location}[${i}]`));
  }
}

/** A string argument: a literal, an expression, or not there (or not a string). */
export type Field =
  | { readonly kind: 'literal'; readonly value: string; readonly location: string }
  | { readonly kind: 'dynamic'; readonly location: string }
  | { readonly kind: 'absent'; readonly location: string };

/** The string at `path` below `tree` (`['Entries', 0, 'EventBusName']`). */
export function field(tree: unknown, path: readonly (string | number)[], root = rootOf(tree)): Field {
  let current = tree;
  let location = root;
  for (const key of path) {
    if (current instanceof DynamicValue) return { kind: 'dynamic', location: current.location };
    location = typeof key === 'number' ? `${location}[${key}]` : `${location}.${key}`;
    current = child(current, key);
  }
  if (current instanceof DynamicValue) return { kind: 'dynamic', location: current.location };
  return typeof current === 'string'
    ? { kind: 'literal', value: current, location }
    : { kind: 'absent', location };
}

/** The first of several spellings that is present (`ResourceArn`, `resourceArn`). */
export function firstField(tree: unknown, names: readonly string[]): Field {
  const fields = names.map((name) => field(tree, [name]));
  return fields.find((f) => f.kind !== 'absent') ?? fields[0] ?? { kind: 'absent', location: rootOf(tree) };
}

/** An array or object argument: its items, or the expression that makes it, or nothing. */
export type Collection =
  | { readonly kind: 'items'; readonly items: readonly unknown[] }
  | { readonly kind: 'dynamic'; readonly location: string }
  | { readonly kind: 'absent' };

/** The items of the array at `key` (`Entries`, `TransactItems`). */
export function arrayAt(tree: unknown, key: string): Collection {
  const value = child(tree, key);
  if (tree instanceof DynamicValue) return { kind: 'dynamic', location: tree.location };
  if (value instanceof DynamicValue) return { kind: 'dynamic', location: value.location };
  return Array.isArray(value) ? { kind: 'items', items: value } : { kind: 'absent' };
}

/** The keys of the object at `key` (`RequestItems` is keyed by table name; keys are always literal). */
export function keysAt(tree: unknown, key: string): Collection {
  const value = child(tree, key);
  if (tree instanceof DynamicValue) return { kind: 'dynamic', location: tree.location };
  if (value instanceof DynamicValue) return { kind: 'dynamic', location: value.location };
  return isRecord(value) ? { kind: 'items', items: Object.keys(value) } : { kind: 'absent' };
}

function child(value: unknown, key: string | number): unknown {
  if (typeof key === 'number') return Array.isArray(value) ? value[key] : undefined;
  return isRecord(value) ? value[key] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof DynamicValue)
  );
}

/** True when the object `tree` has `key` (even if its value is an expression). */
export function has(tree: unknown, key: string): boolean {
  return isRecord(tree) && Object.hasOwn(tree, key);
}
