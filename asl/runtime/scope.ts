/**
 * Variables. Top-level states share one scope; each Parallel branch and Map iteration gets a
 * child scope that reads outer variables and keeps its own assignments to itself.
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 *
 * `bindings()` is what JSONata evaluates against: the AWS functions and every visible variable
 * as own properties of one plain object, rebuilt only after an assignment. (JSONata binds each
 * property with `for...in`, which V8 runs fastest over plain objects without a prototype chain.)
 */
import { setMember } from './payload.ts';
export class Scope {
  private readonly own = new Map<string, unknown>();
  private flat: Readonly<Record<string, unknown>> | undefined;
  private flatParent: Readonly<Record<string, unknown>> | undefined;

  constructor(
    private readonly parent: Scope | undefined,
    /** The functions AWS adds to JSONata, visible in every scope. */
    private readonly root: Readonly<Record<string, unknown>> = {},
  ) {}

  child(): Scope {
    return new Scope(this, this.root);
  }

  /** A scope that sees none of this one's variables (a Distributed Map's child execution). */
  isolated(): Scope {
    return new Scope(undefined, this.root);
  }

  /** All visible variables and the AWS functions, inner names shadowing outer ones. Do not modify. */
  bindings(): Readonly<Record<string, unknown>> {
    const base = this.parent ? this.parent.bindings() : this.root;
    if (this.flat && this.flatParent === base) return this.flat;
    const flat: Record<string, unknown> = { ...base };
    for (const [name, value] of this.own) setMember(flat, name, value);
    this.flat = flat;
    this.flatParent = base;
    return flat;
  }

  has(name: string): boolean {
    return this.own.has(name) || (this.parent?.has(name) ?? false);
  }

  /** Applies the results of one Assign together. */
  assignAll(values: Readonly<Record<string, unknown>>): void {
    for (const [name, value] of Object.entries(values)) this.own.set(name, value);
    this.flat = undefined;
  }
}
