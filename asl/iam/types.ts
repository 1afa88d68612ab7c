/** The shapes the IAM derivation produces and passes between its modules. */

/** One Allow statement of the state machine role's policy. */
export interface IamStatement {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /**
   * Why the statement is there or is broad, when that is not obvious: an argument that is a
   * JSONata expression, an action the derivation cannot scope, a permission a service uses with
   * the caller's credentials. Each reason names its state.
   */
  readonly reason?: string;
}

export interface DeriveIamOptions {
  /** Region in built ARNs; `*` when absent (the CDK passes `Aws.REGION`). */
  readonly region?: string;
  /** Account in built ARNs; `*` when absent (the CDK passes `Aws.ACCOUNT_ID`). */
  readonly account?: string;
  /** `aws` when absent. */
  readonly partition?: string;
  /**
   * The state machine's own name. Only a DISTRIBUTED Map needs it: its child workflows are
   * executions of this state machine. Without it those statements fall back to `*`.
   */
  readonly stateMachineName?: string;
}

/** Where built ARNs point. */
export interface ArnScope {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** One permission a single task needs, before statements are merged. */
export interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly reason?: string;
}
