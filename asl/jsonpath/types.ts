/**
 * What the JSONPath query language's parts share: how a path (`$.a`, `$$.Execution.Id`,
 * `$name.a`) is looked up while a state runs, and how a failure is reported. The states
 * (asl/states/) bind the lookup to the state's data, the context object and the variables;
 * intrinsic functions and Choice rules only call it.
 * https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
 */
import type { JsonPath } from './path.ts';

/** A failure while evaluating: the States error name and the message (the caller adds the state prefix). */
export interface PathProblem {
  readonly ok: false;
  /** e.g. `States.Runtime`, `States.IntrinsicFailure`. */
  readonly error: string;
  /** The text after AWS's "An error occurred while executing the state ..." prefix. */
  readonly message: string;
  /** True when the path selected nothing (IsPresent reads this; everything else fails). */
  readonly missing?: boolean;
}

export type PathLookup = { readonly ok: true; readonly value: unknown } | PathProblem;

/** Looks up a path written in the definition (parsed with it), e.g. `$.a.b`, `$$.Map.Item.Value`, `$total`. */
export type PathResolver = (path: JsonPath) => PathLookup;

export type Evaluation<T> = { readonly ok: true; readonly value: T } | PathProblem;
