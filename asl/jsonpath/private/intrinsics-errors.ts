/**
 * How intrinsic functions fail. A definition AWS would refuse throws {@link IntrinsicSyntaxError};
 * a call that goes wrong while the state runs is a States.Runtime failure value.
 */
import { AslError } from '../../errors.ts';
import type { PathProblem } from '../types.ts';

/** Intrinsic text AWS refuses at CreateStateMachine; `hint` says how to fix it. */
export class IntrinsicSyntaxError extends AslError {
  override name = 'IntrinsicSyntaxError';
  /** How to fix it. */
  readonly hint: string;
  /** The intrinsic text, and the offset in it where the problem was found. */
  readonly source: string;
  readonly offset: number;

  constructor(source: string, offset: number, problem: string, hint: string) {
    super(
      `Invalid intrinsic function ${JSON.stringify(source)}: ${problem} (at character ${offset + 1}). ${hint}`,
    );
    this.hint = hint;
    this.source = source;
    this.offset = offset;
  }
}

/**
 * A runtime failure of a call. `message` is AWS's text, "Invalid arguments in States.X" (reported
 * as the cause AWS gives, after the state prefix, for MathAdd, ArrayRange, ArrayPartition,
 * MathRandom, StringToJson); `detail` says what was wrong with the value received and how to fix it,
 * for logs and the console, since AWS's text does not.
 */
export interface IntrinsicProblem extends PathProblem {
  readonly detail: string;
}

/** The States.Runtime failure of `States.<name>`, with the explanation AWS leaves out. */
export function invalidArguments(name: string, detail: string): IntrinsicProblem {
  return { ok: false, error: 'States.Runtime', message: `Invalid arguments in States.${name}`, detail };
}

/** A value as a failure message shows it: JSON text, cut short. */
export function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
