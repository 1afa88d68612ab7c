/**
 * Payload templates: Parameters, ResultSelector, ItemSelector, a Map's legacy Parameters and a
 * JSONPath Assign. A key ending in `.$` takes the value its path (or intrinsic function) selects,
 * under the key without `.$`; everything else is copied as written, at any depth.
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html
 */

import { setMember } from '../runtime/payload.ts';
import type { IntrinsicEnvironment } from './intrinsics.ts';
import {
  type CompiledIntrinsic,
  compileIntrinsic,
  evaluateIntrinsic,
  isIntrinsicCall,
} from './intrinsics.ts';
import { type JsonPath, parsePath, pathHint } from './path.ts';
import type { Evaluation, PathResolver } from './types.ts';

export type PayloadTemplate =
  | { readonly kind: 'literal'; readonly value: unknown }
  | { readonly kind: 'path'; readonly field: string; readonly path: JsonPath }
  | { readonly kind: 'intrinsic'; readonly field: string; readonly call: CompiledIntrinsic }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, PayloadTemplate])[] }
  | { readonly kind: 'array'; readonly items: readonly PayloadTemplate[] };

/** A problem found while compiling: where (relative to the template's root) and what. */
export interface PayloadProblem {
  readonly location: string;
  readonly message: string;
  readonly hint: string;
}

/** Compiles a payload template; problems go to `report` and the template is then undefined. */
export function compilePayload(
  value: unknown,
  report: (problem: PayloadProblem) => void,
  location = '',
): PayloadTemplate | undefined {
  let ok = true;
  const note = (problem: PayloadProblem) => {
    ok = false;
    report(problem);
  };
  const template = compileValue(value, location, note);
  return ok ? template : undefined;
}

function compileValue(
  value: unknown,
  location: string,
  report: (p: PayloadProblem) => void,
): PayloadTemplate {
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, `${location}/${i}`, report));
    return items.every((t) => t.kind === 'literal') ? { kind: 'literal', value } : { kind: 'array', items };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'literal', value };
  const entries: (readonly [string, PayloadTemplate])[] = [];
  const seen = new Set<string>();
  for (const [key, item] of Object.entries(value)) {
    const at = `${location}/${key}`;
    if (key.endsWith('.$')) {
      const name = key.slice(0, -2);
      if (seen.has(name)) {
        report({
          location: at,
          message: `The field '${name}' is given twice, once with '.$' and once without`,
          hint: 'Keep one of them.',
        });
      }
      seen.add(name);
      entries.push([name, compileDynamic(key, item, at, report)]);
    } else {
      if (seen.has(key)) {
        report({ location: at, message: `The field '${key}' is given twice`, hint: 'Keep one of them.' });
      }
      seen.add(key);
      entries.push([key, compileValue(item, at, report)]);
    }
  }
  return entries.every(([, t]) => t.kind === 'literal')
    ? { kind: 'literal', value }
    : { kind: 'object', entries };
}

/** The value of a `.$` key: a path or an intrinsic function call. */
export function compileDynamic(
  field: string,
  value: unknown,
  location: string,
  report: (p: PayloadProblem) => void,
): PayloadTemplate {
  const placeholder: PayloadTemplate = { kind: 'literal', value: null };
  if (typeof value !== 'string') {
    report({
      location,
      message: `The value of '${field}' must be a JSONPath or an intrinsic function, not ${JSON.stringify(value)}`,
      hint: `Write a path such as "$.name", or remove '.$' from the key to use the value as written.`,
    });
    return placeholder;
  }
  if (isIntrinsicCall(value)) {
    try {
      return { kind: 'intrinsic', field, call: compileIntrinsic(value) };
    } catch (error) {
      const hint = (error as { hint?: unknown }).hint;
      report({
        location,
        message: `The intrinsic function '${value}' in '${field}' is not valid: ${(error as Error).message}`,
        hint:
          typeof hint === 'string'
            ? hint
            : 'See the intrinsic functions in the Step Functions Developer Guide.',
      });
      return placeholder;
    }
  }
  try {
    return { kind: 'path', field, path: parsePath(value) };
  } catch (error) {
    report({
      location,
      message: `The value of '${field}' is not a valid JSONPath: '${value}' (${(error as Error).message})`,
      hint: pathHint(error, value),
    });
    return placeholder;
  }
}

/** How a template reads paths while it is evaluated. */
export interface PayloadScope {
  /** Reads a path of the template; a definite path that selects nothing is a problem. */
  read(path: JsonPath, field: string): Evaluation<unknown>;
  /** Resolves the path arguments of intrinsic functions. */
  readonly resolve: PathResolver;
  readonly intrinsics: IntrinsicEnvironment;
}

export function evaluatePayload(template: PayloadTemplate, scope: PayloadScope): Evaluation<unknown> {
  switch (template.kind) {
    case 'literal':
      return { ok: true, value: template.value };
    case 'path':
      return scope.read(template.path, template.field);
    case 'intrinsic':
      return evaluateIntrinsic(template.call, scope.resolve, scope.intrinsics);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of template.entries) {
        const r = evaluatePayload(item, scope);
        if (!r.ok) return r;
        setMember(out, key, r.value);
      }
      return { ok: true, value: out };
    }
    case 'array': {
      const out: unknown[] = [];
      for (const item of template.items) {
        const r = evaluatePayload(item, scope);
        if (!r.ok) return r;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
  }
}
