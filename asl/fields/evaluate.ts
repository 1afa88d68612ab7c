/**
 * Evaluating a state's JSONata fields, and turning what goes wrong into
 * `States.QueryEvaluationError` with AWS's cause text.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import { type Bindings, type EvaluationProblem, evaluateExpression } from '../jsonata/expression.ts';
import type { Template } from '../jsonata/template.ts';
import type { Site } from '../runtime/context.ts';
import { boundCause, causePrefix, type QueryFailure, StatesError } from '../runtime/outcome.ts';
import { setMember } from '../runtime/payload.ts';

export type QueryFailed = { readonly ok: false; readonly query: QueryFailure };

export type Evaluated<T = unknown> = { readonly ok: true; readonly value: T } | QueryFailed;

export { causePrefix } from '../runtime/outcome.ts';

export function queryFailure(site: Site, location: string | undefined, message: string): QueryFailed {
  return {
    ok: false,
    query: {
      error: StatesError.QueryEvaluationError,
      cause: boundCause(causePrefix(site) + message),
      ...(location !== undefined ? { location } : {}),
    },
  };
}

/**
 * Evaluates a template to a JSON value. `field` is the location of the template's root
 * (`Output`, `Arguments`, `Assign`, `Items`, ...); nested expressions report `Output/a/b`.
 */
export async function evaluateTemplate(
  template: Template,
  bindings: Bindings,
  field: string,
  site: Site,
): Promise<Evaluated> {
  switch (template.kind) {
    case 'literal':
      return { ok: true, value: template.value };
    case 'expression': {
      const result = await evaluateExpression(template.expression, bindings);
      if (!result.ok)
        return queryFailure(site, field, problemText(template.expression.source, field, result.problem));
      const json = toJson(result.value);
      if (json === UNSUPPORTED) {
        return queryFailure(
          site,
          field,
          `The JSONata expression '${template.expression.source}' specified for the field '${field}' returned an unsupported result type.`,
        );
      }
      return { ok: true, value: json };
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of template.entries) {
        const r = await evaluateTemplate(item, bindings, `${field}/${key}`, site);
        if (!r.ok) return r;
        setMember(out, key, r.value);
      }
      return { ok: true, value: out };
    }
    case 'array': {
      const out: unknown[] = [];
      for (const [i, item] of template.items.entries()) {
        const r = await evaluateTemplate(item, bindings, `${field}/${i}`, site);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
  }
}

function problemText(source: string, field: string, problem: EvaluationProblem): string {
  const head = `The JSONata expression '${source}' specified for the field '${field}'`;
  if (problem.kind === 'undefined') return `${head} returned nothing (undefined).`;
  return `${head} threw an error during evaluation. ${problem.code ? `${problem.code}: ` : ''}${problem.message}`;
}

/** JSON type names as AWS prints them in "Expected 'array', but was 'string'". */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The message for a value of the wrong type, e.g. Items that is not an array. */
export function unexpectedType(
  source: string | undefined,
  field: string,
  expected: string,
  value: unknown,
): string {
  const head =
    source === undefined
      ? `The field '${field}'`
      : `The JSONata expression '${source}' specified for the field '${field}'`;
  return `${head} returned an unexpected result type. Expected '${expected}', but was '${jsonTypeName(value)}' for value: ${JSON.stringify(value)}`;
}

/** The expression text of a template that is a single expression, for messages. */
export function templateSource(template: Template): string | undefined {
  return template.kind === 'expression' ? template.expression.source : undefined;
}

const UNSUPPORTED = Symbol('unsupported');

/**
 * A JSONata result as a plain JSON value: sequences become arrays, and a function anywhere in
 * the result makes it unsupported (AWS: "returned an unsupported result type").
 */
function toJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return UNSUPPORTED;
    return value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = toJson(value[i]);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      out[i] = item === undefined ? null : item;
    }
    return out;
  }
  if (isJsonataFunction(value)) return UNSUPPORTED;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const item = toJson((value as Record<string, unknown>)[key]);
    if (item === UNSUPPORTED) return UNSUPPORTED;
    if (item !== undefined) setMember(out, key, item);
  }
  return out;
}

/** JSONata lambdas are objects tagged `_jsonata_lambda` (or `_jsonata_function` for natives). */
function isJsonataFunction(value: object): boolean {
  const tagged = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return tagged._jsonata_lambda === true || tagged._jsonata_function === true;
}
