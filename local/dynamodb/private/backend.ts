/** What every operation of the local DynamoDB endpoint works on: one explicit context object. */
import type { Store } from './dynalite.ts';
import type { StreamLog } from './stream-log.ts';
import type { TtlSettings } from './ttl-settings.ts';

export interface Backend {
  readonly store: Store;
  readonly streams: StreamLog;
  readonly ttl: TtlSettings;
  readonly region: string;
  readonly account: string;
  /** Epoch milliseconds; injected so tests move time instead of sleeping. */
  readonly now: () => number;
  readonly log: (line: string) => void;
}

export type Operation = (backend: Backend, body: Record<string, unknown>) => Promise<unknown>;
