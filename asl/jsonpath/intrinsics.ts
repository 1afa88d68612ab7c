/**
 * Intrinsic functions for JSONPath states: `"key.$": "States.Format('{}', $.a)"`. Compiled once
 * when the definition is read, evaluated each time the state runs.
 * https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
 *
 * Sources, in order of weight: the recorded executions of the conformance corpus
 * (intrinsic_functions.*); the AWS documentation; behaviour other projects report as measured on
 * AWS, marked "(reported)" where it is used. A call that fails while the state runs is a
 * States.Runtime failure whose message is AWS's "Invalid arguments in States.<Name>" (reported);
 * the failure's `detail` says what was wrong and how to fix it.
 */
import { invalidArguments } from './private/intrinsics-errors.ts';
import { FUNCTIONS } from './private/intrinsics-functions.ts';
import { type ArgNode, type CallNode, parseIntrinsic } from './private/intrinsics-parse.ts';
import type { CallContext } from './private/intrinsics-values.ts';
import type { Evaluation, PathResolver } from './types.ts';

export { type IntrinsicProblem, IntrinsicSyntaxError } from './private/intrinsics-errors.ts';

/** Where States.UUID and an unseeded States.MathRandom get their values; the engine injects it. */
export interface IntrinsicEnvironment {
  /** A version 4 UUID. */
  uuid(): string;
  /** A number in [0, 1). */
  random(): number;
}

/** A parsed intrinsic call. */
export interface CompiledIntrinsic {
  /** The text as written in the definition. */
  readonly source: string;
  readonly call: CallNode;
}

/**
 * True when a `.$` value is an intrinsic call rather than a path: it starts with `States.`, as
 * written (no trimming: the value is taken as a path otherwise, and the path check reports it).
 */
export function isIntrinsicCall(text: string): boolean {
  return text.startsWith('States.');
}

/** Parses an intrinsic call; throws IntrinsicSyntaxError (with `.hint`) when AWS would refuse it. */
export function compileIntrinsic(text: string): CompiledIntrinsic {
  return { source: text, call: parseIntrinsic(text) };
}

/** Evaluates a compiled call: path arguments go to `resolve`, whose failure is returned as is. */
export function evaluateIntrinsic(
  fn: CompiledIntrinsic,
  resolve: PathResolver,
  env: IntrinsicEnvironment,
): Evaluation<unknown> {
  return evaluateCall(fn.call, resolve, env);
}

function evaluateCall(call: CallNode, resolve: PathResolver, env: IntrinsicEnvironment): Evaluation<unknown> {
  const spec = FUNCTIONS[call.name];
  const values: unknown[] = [];
  for (const node of call.args) {
    const result = evaluateArg(node, resolve, env);
    if (!result.ok) return result;
    values.push(result.value);
  }
  if (values.length < spec.min || values.length > spec.max) {
    const expected = spec.min === spec.max ? `${spec.min}` : `${spec.min} to ${spec.max}`;
    return invalidArguments(
      call.name,
      `it takes ${expected} argument(s), States.${call.name}${spec.signature}, but was given ${values.length}.`,
    );
  }
  const context: CallContext = { env, nodes: call.args };
  return spec.run(values, context);
}

function evaluateArg(node: ArgNode, resolve: PathResolver, env: IntrinsicEnvironment): Evaluation<unknown> {
  switch (node.kind) {
    case 'literal':
      return { ok: true, value: node.value };
    case 'path':
      return resolve(node.path);
    case 'call':
      return evaluateCall(node.call, resolve, env);
  }
}
