/** Fields that are a literal or one JSONata expression of a given type (Seconds, Condition, ...). */
import type { Dynamic } from '../definition/types.ts';
import type { Step } from '../runtime/context.ts';
import { bindings, type StatesBinding } from '../runtime/states-binding.ts';
import {
  type Evaluated,
  evaluateTemplate,
  queryFailure,
  templateSource,
  unexpectedType,
} from './evaluate.ts';
import { evaluatePathField, statesRoots } from './paths.ts';

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
  states: StatesBinding,
  field: string,
  expected: Expected,
  step: Step,
): Promise<Evaluated<T | undefined>> {
  if (dynamic === undefined) return Promise.resolve({ ok: true, value: undefined });
  return evaluateDynamic(dynamic, states, field, expected, step);
}

/**
 * Evaluates a Dynamic field and checks its type as AWS does. `states` is the visit's `$states`;
 * a JSONPath state's `...Path` field reads `$` from its input (the effective input), `$$` from
 * its context, `$name` from the variables.
 */
export async function evaluateDynamic<T>(
  dynamic: Dynamic<T>,
  states: StatesBinding,
  field: string,
  expected: Expected,
  step: Step,
): Promise<Evaluated<T>> {
  const { site } = step;
  if (dynamic.kind === 'literal') return { ok: true, value: dynamic.value };
  if (dynamic.kind === 'jsonpath') {
    return evaluatePathField<T>(dynamic.field, dynamic.template, statesRoots(step, states), expected, step);
  }
  const r = await evaluateTemplate(dynamic.template, bindings(step, states), field, site);
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
