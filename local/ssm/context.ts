/** What every operation works with: the store, the account it reports, the clock, the caller. */
import type { ViewContext } from './views.ts';

export interface SsmContext extends ViewContext {
  /** Epoch milliseconds; injected so tests control LastModifiedDate. */
  readonly now: () => number;
  /** LastModifiedUser: AWS records the caller's IAM ARN; locally every caller is the account root. */
  readonly user: string;
}

export type Operation = (context: SsmContext, body: unknown) => Promise<unknown>;
