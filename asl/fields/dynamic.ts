/** Fields that are a literal or one JSONata expression of a given type (Seconds, Condition, ...). */
import type { Dynamic } from '../definition/types.ts';
import type { Bindings } from '../jsonata/expression.ts';
import type { Step } from '../runtime/context.ts';
import {
  type Evaluated,
  evaluateTemplate,
  queryFailure,
  templateSource,
  unexpectedType,
} from './evaluate.ts';
import { evaluatePathField, pathData } from './paths.ts';

export type Expected = 'string' | 'boolean' | 'number' | 'integer' | 'array' | 'object';

function matches(value: unknown, expected: Expected): boolean {
  switch (expected) {
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    default:
      return typeof value === expected;
  }
}

/** An optional Dynamic field: absent, it evaluates to undefined (the caller applies AWS's default). */
export function evaluateOptional<T>(
  dynamic: Dynamic<T> | undefined,
  bindings: () => Bindings,
  field: string,
  expected: Expected,
  step: Step,
): Promise<Evaluated<T | undefined>> {
  if (dynamic === undefined) return Promise.resolve({ ok: true, value: undefined });
  return evaluateDynamic(dynamic, bindings, field, expected, step);
}

/** Evaluates a Dynamic field and checks its type as AWS does. */
export async function evaluateDynamic<T>(
  dynamic: Dynamic<T>,
  bindings: () => Bindings,
  field: string,
  expected: Expected,
  step: Step,
): Promise<Evaluated<T>> {
  const { site } = step;
  if (dynamic.kind === 'literal') return { ok: true, value: dynamic.value };
  if (dynamic.kind === 'jsonpath') {
    // A JSONPath state's `...Path` field reads `$` from `$states.input` of the bindings its
    // state built (the effective input), `$$` from `$states.context`, `$name` from the variables.
    const states = bindings().states as { input: unknown; context: unknown };
    const roots = pathData(step, states.input, () => states.context);
    return evaluatePathField<T>(dynamic.field, dynamic.template, roots, expected, step);
  }
  const r = await evaluateTemplate(dynamic.template, bindings(), field, site);
  if (!r.ok) return r;
  if (!matches(r.value, expected)) {
    return queryFailure(
      site,
      field,
      unexpectedType(templateSource(dynamic.template), field, expected, r.value),
    );
  }
  return { ok: true, value: r.value as T };
}
