/**
 * Variables. Top-level states share one scope; each Parallel branch and Map iteration gets a
 * child scope that reads outer variables and keeps its own assignments to itself.
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
 */
export class Scope {
  private readonly own = new Map<string, unknown>();
  private flat: Record<string, unknown> | undefined;

  constructor(readonly parent?: Scope) {}

  child(): Scope {
    return new Scope(this);
  }

  /** All visible variables as JSONata bindings; inner names shadow outer ones. Cached until the next assignment. */
  bindings(): Record<string, unknown> {
    if (this.flat && !this.parentChanged()) return this.flat;
    const base = this.parent ? this.parent.bindings() : {};
    this.flat = this.own.size === 0 ? base : { ...base, ...Object.fromEntries(this.own) };
    this.flatParent = base;
    return this.flat;
  }

  has(name: string): boolean {
    return this.own.has(name) || (this.parent?.has(name) ?? false);
  }

  /** Applies the results of one Assign together. */
  assignAll(values: Readonly<Record<string, unknown>>): void {
    for (const [name, value] of Object.entries(values)) this.own.set(name, value);
    this.flat = undefined;
  }

  private flatParent: Record<string, unknown> | undefined;

  private parentChanged(): boolean {
    return this.parent !== undefined && this.parent.bindings() !== this.flatParent;
  }
}
