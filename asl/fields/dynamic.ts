/** Fields that are a literal or one JSONata expression of a given type (Seconds, Condition, ...). */
import type { Dynamic } from '../definition/types.ts';
import type { Bindings } from '../jsonata/expression.ts';
import type { Site } from '../runtime/context.ts';
import {
  type Evaluated,
  evaluateTemplate,
  queryFailure,
  templateSource,
  unexpectedType,
} from './evaluate.ts';

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
  site: Site,
): Promise<Evaluated<T | undefined>> {
  if (dynamic === undefined) return Promise.resolve({ ok: true, value: undefined });
  return evaluateDynamic(dynamic, bindings, field, expected, site);
}

/** Evaluates a Dynamic field and checks its type as AWS does. */
export async function evaluateDynamic<T>(
  dynamic: Dynamic<T>,
  bindings: () => Bindings,
  field: string,
  expected: Expected,
  site: Site,
): Promise<Evaluated<T>> {
  if (dynamic.kind === 'literal') return { ok: true, value: dynamic.value };
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
