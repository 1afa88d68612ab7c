/**
 * Compiling and evaluating one JSONata expression as AWS Step Functions does: JSONata 2.0.6,
 * without `$eval`, with the functions AWS adds, and with guardrails on depth and time.
 */
import jsonata from 'jsonata';
import { DefinitionError } from '../errors.ts';
import { STATIC_FUNCTIONS } from './functions.ts';

export interface CompiledExpression {
  /** The text between `{%` and `%}`, trimmed as AWS quotes it in error causes. */
  readonly source: string;
  readonly ast: jsonata.Expression;
}

/** What an expression can see: `$states`, the variables in scope, and the AWS functions. */
export type Bindings = Record<string, unknown>;

/** Why an evaluation did not produce a value. */
export type EvaluationProblem =
  | { readonly kind: 'undefined' }
  | { readonly kind: 'error'; readonly code?: string; readonly message: string };

export type EvaluationResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly problem: EvaluationProblem };

const EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** True when the whole string is one `{% ... %}` expression (a string that merely contains `{%` is a literal). */
export function isExpressionString(value: string): boolean {
  return EXPRESSION.test(value);
}

/** Compiles `{% source %}`; `path` names the field for error messages. */
export function compileExpression(text: string, path: string): CompiledExpression {
  const match = EXPRESSION.exec(text);
  const inner = match?.[1];
  if (inner === undefined) {
    throw new DefinitionError(
      path,
      `'${text}' is not a JSONata expression`,
      'Write it as "{% expression %}".',
    );
  }
  const source = inner.trim();
  if (source === '') {
    throw new DefinitionError(
      path,
      'The JSONata expression is empty',
      'Put an expression between {% and %}.',
    );
  }
  try {
    const ast = jsonata(source);
    for (const [name, fn] of Object.entries(STATIC_FUNCTIONS)) ast.assign(name, fn);
    return { source, ast };
  } catch (error) {
    const detail = describeJsonataError(error);
    throw new DefinitionError(
      path,
      `The JSONata expression '${source}' is not valid: ${detail}`,
      'Fix the expression; AWS Step Functions implements JSONata 2.0.6 (no ?: or ?? operators, no $eval).',
    );
  }
}

export async function evaluateExpression(
  expression: CompiledExpression,
  bindings: Bindings,
): Promise<EvaluationResult> {
  try {
    const value: unknown = await expression.ast.evaluate(undefined, bindings);
    if (value === undefined) return { ok: false, problem: { kind: 'undefined' } };
    return { ok: true, value };
  } catch (error) {
    const code = jsonataErrorCode(error);
    return {
      ok: false,
      problem: {
        kind: 'error',
        ...(code ? { code } : {}),
        message: error instanceof Error || isRecord(error) ? String(error.message) : String(error),
      },
    };
  }
}

function jsonataErrorCode(error: unknown): string | undefined {
  return isRecord(error) && typeof error.code === 'string' ? error.code : undefined;
}

function describeJsonataError(error: unknown): string {
  const code = jsonataErrorCode(error);
  const message = isRecord(error) ? String(error.message) : String(error);
  return code ? `${code}: ${message}` : message;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
