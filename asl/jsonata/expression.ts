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
    // Without user-defined functions JSONata cannot loop or recurse, and every evaluation ends; only
    // expressions that define a function get the guard, through jsonata's hooks around every node
    // (the mechanism its own test suite uses to timebox), which cost time on every node.
    if (definesFunction(ast.ast())) {
      ast.assign(ENTRY as unknown as string, onEntry);
      ast.assign(EXIT as unknown as string, onExit);
    }
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

/** The limits a guarded evaluation enforces; bind them as {@link LIMITS_BINDING}. */
export interface GuardLimits {
  /** Deepest nesting (AST nodes, recursion included). */
  readonly maxExpressionDepth: number;
  /** Longest run, in wall-clock milliseconds. */
  readonly maxExpressionMillis: number;
}

/**
 * One evaluation's guard: how deep it nests (runaway non-tail recursion) and how long it runs
 * (runaway loops; JSONata evaluates on microtasks, so no timer could stop it).
 */
class EvaluationGuard {
  private depth = 0;
  private nodes = 0;
  private readonly deadline: number;

  constructor(private readonly limits: GuardLimits) {
    this.deadline = Date.now() + limits.maxExpressionMillis;
  }

  enter(): void {
    if (++this.depth > this.limits.maxExpressionDepth) {
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

/** Where the limits are bound: not a name a JSONata expression can write (`$engine:limits` does not parse). */
export const LIMITS_BINDING = 'engine:limits';
const GUARD_BINDING = 'engine:guard';

const ENTRY = Symbol.for('jsonata.__evaluate_entry');
const EXIT = Symbol.for('jsonata.__evaluate_exit');

interface Environment {
  lookup(name: string): unknown;
  bind(name: string, value: unknown): void;
}

/** True when the AST has a `function(...) { ... }` lambda anywhere. */
function definesFunction(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(definesFunction);
  if (typeof node !== 'object' || node === null) return false;
  if ((node as { type?: unknown }).type === 'lambda') return true;
  return Object.values(node).some(
    (child) => typeof child === 'object' && child !== null && definesFunction(child),
  );
}

/** The first node of an evaluation runs in that evaluation's own frame: the guard is made there. */
function onEntry(_expr: unknown, _input: unknown, environment: Environment): void {
  let guard = environment.lookup(GUARD_BINDING);
  if (!(guard instanceof EvaluationGuard)) {
    const limits = environment.lookup(LIMITS_BINDING) as GuardLimits | undefined;
    if (!limits) return;
    guard = new EvaluationGuard(limits);
    environment.bind(GUARD_BINDING, guard);
  }
  (guard as EvaluationGuard).enter();
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
