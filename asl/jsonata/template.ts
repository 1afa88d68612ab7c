/**
 * A JSON value whose strings may be `{% %}` expressions, at any depth (Arguments, Output,
 * Assign, ItemSelector, ...). Compiled once at parse time; evaluated per state visit.
 */
import { type CompiledExpression, compileExpression, isExpressionString } from './expression.ts';

export type Template =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'expression'; readonly expression: CompiledExpression }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, Template])[] }
  | { readonly kind: 'array'; readonly items: readonly Template[] };

/**
 * Compiles a JSON value. Subtrees without expressions collapse into one literal, so evaluating
 * a constant costs nothing. `path` is the field's location for messages, e.g. `States.A.Output`.
 */
export function compileTemplate(value: unknown, path: string): Template {
  if (typeof value === 'string') {
    return isExpressionString(value)
      ? { kind: 'expression', expression: compileExpression(value, path) }
      : { kind: 'literal', value };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileTemplate(item, `${path}[${i}]`));
    return items.every((t) => t.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, compileTemplate(item, `${path}.${key}`)] as const,
    );
    return entries.every(([, t]) => t.kind === 'literal')
      ? { kind: 'literal', value }
      : { kind: 'object', entries };
  }
  return { kind: 'literal', value };
}

/** Every expression in a template, with its location relative to the template's root. */
export function* templateExpressions(
  template: Template,
  location = '',
): Generator<{ expression: CompiledExpression; location: string }> {
  switch (template.kind) {
    case 'literal':
      return;
    case 'expression':
      yield { expression: template.expression, location };
      return;
    case 'object':
      for (const [key, item] of template.entries) {
        yield* templateExpressions(item, location ? `${location}/${key}` : key);
      }
      return;
    case 'array':
      for (const [i, item] of template.items.entries()) {
        yield* templateExpressions(item, location ? `${location}/${i}` : String(i));
      }
  }
}
