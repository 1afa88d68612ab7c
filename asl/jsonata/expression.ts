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
    // jsonata's hooks around every node (the same mechanism its own test suite uses to timebox).
    ast.assign(ENTRY as unknown as string, onEntry);
    ast.assign(EXIT as unknown as string, onExit);
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

/**
 * Limits on one evaluation: how deep the evaluation may nest (runaway non-tail recursion) and how
 * long it may run (runaway loops; JSONata evaluates on microtasks, so no timer could stop it).
 * Bind it as {@link GUARD_BINDING} in the evaluation's bindings.
 */
export class EvaluationGuard {
  private depth = 0;
  private nodes = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxDepth: number,
    maxMillis: number,
  ) {
    this.deadline = Date.now() + maxMillis;
  }

  enter(): void {
    if (++this.depth > this.maxDepth) {
      throw {
        code: 'U1001',
        message:
          'Stack overflow error: Check for non-terminating recursive function.  Consider rewriting as tail-recursive.',
      };
    }
    // Reading the clock on every node would cost more than the evaluation itself.
    if ((++this.nodes & 1023) === 0 && Date.now() > this.deadline) {
      throw { code: 'U1001', message: 'Expression evaluation timeout: Check for infinite loop' };
    }
  }

  exit(): void {
    this.depth--;
  }
}

/** The binding that carries the guard: not a name a JSONata expression can write (`$engine:guard` does not parse). */
export const GUARD_BINDING = 'engine:guard';

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');

interface Environment {
  lookup(name: string): unknown;
}

function onEntry(_expr: unknown, _input: unknown, environment: Environment): void {
  const guard = environment.lookup(GUARD_BINDING);
  if (guard instanceof EvaluationGuard) guard.enter();
}

function onExit(_expr: unknown, _input: unknown, environment: Environment): void {
  const guard = environment.lookup(GUARD_BINDING);
  if (guard instanceof EvaluationGuard) guard.exit();
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
