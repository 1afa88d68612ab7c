/** What every operation works with: the store, where it is, the clock, the host the client called. */
import type { Where } from './names.ts';
import type { QueueStore } from './store.ts';
import type { Waiters } from './waiters.ts';

export interface SqsContext extends Where {
  readonly store: QueueStore;
  /** Epoch milliseconds; injected so tests control message timestamps and visibility. */
  readonly now: () => number;
  /** The Host header of the request, so queue URLs lead back to where the client called. */
  readonly host: string;
  readonly waiters: Waiters;
  /** Queue name to epoch milliseconds: deleted (QueueDeletedRecently) and last purged (PurgeQueueInProgress). */
  readonly deleted: Map<string, number>;
  readonly purged: Map<string, number>;
  readonly moveTasks: MoveTask[];
}

export interface MoveTask {
  readonly TaskHandle: string;
  readonly Status: 'COMPLETED';
  readonly SourceArn: string;
  readonly DestinationArn?: string;
  readonly ApproximateNumberOfMessagesMoved: number;
  readonly ApproximateNumberOfMessagesToMove: number;
  readonly StartedTimestamp: number;
}

export type Operation = (context: SqsContext, body: Record<string, unknown>) => Promise<unknown>;
