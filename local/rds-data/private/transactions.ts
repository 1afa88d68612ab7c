/**
 * Data API transactions: each holds one connection of its own from BeginTransaction to
 * CommitTransaction or RollbackTransaction. As on AWS, a transaction that no call uses for three
 * minutes, or that runs for 24 hours, is rolled back; one whose statement fails is rolled back
 * at once ("Transaction has been aborted due to an error from a previous call"); its id is then
 * unknown, and a call with an unknown id gets "Transaction <id> is not found". One call at a time
 * may use a transaction.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_BeginTransaction.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.troubleshooting.html
 */
import { randomBytes } from 'node:crypto';
import { RdsDataApiError, transactionBusy, transactionNotFound } from '../errors.ts';
import { type Connection, release } from './pools.ts';
import { TimedOut } from './statement.ts';

export interface TransactionLimits {
  /** Rolled back after this long without a call (AWS: 3 minutes). */
  readonly idleMs: number;
  /** Rolled back this long after it began (AWS: 24 hours). */
  readonly maxMs: number;
  /** Epoch milliseconds; injected so tests can expire a transaction without waiting. */
  readonly now: () => number;
}

interface Transaction {
  readonly connection: Connection;
  readonly database: string | undefined;
  readonly started: number;
  lastUsed: number;
  busy: boolean;
}

/** How often expired transactions give their connections back even when nobody asks for them. */
const SWEEP_MS = 5_000;

export class Transactions {
  private readonly open = new Map<string, Transaction>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly limits: TransactionLimits,
    private readonly log: (line: string) => void,
  ) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  begin(connection: Connection, database: string | undefined): string {
    const id = randomBytes(48).toString('base64');
    const now = this.limits.now();
    this.open.set(id, { connection, database, started: now, lastUsed: now, busy: false });
    return id;
  }

  private expired(transaction: Transaction): boolean {
    const now = this.limits.now();
    return now - transaction.lastUsed > this.limits.idleMs || now - transaction.started > this.limits.maxMs;
  }

  /** The open transaction `id`, or the "not found" answer (rolling it back if it just expired). */
  private live(id: string): Transaction {
    const transaction = this.open.get(id);
    if (transaction !== undefined && !transaction.busy && this.expired(transaction)) {
      this.discard(id, transaction, 'it expired');
      throw transactionNotFound(id);
    }
    if (transaction === undefined) throw transactionNotFound(id);
    if (transaction.busy) throw transactionBusy();
    return transaction;
  }

  /** Forgets the transaction and rolls it back once its connection is free. */
  private discard(
    id: string,
    transaction: Transaction,
    why: string,
    when: Promise<void> = Promise.resolve(),
  ): void {
    this.open.delete(id);
    this.log(`RDS Data: transaction rolled back because ${why}`);
    void when.then(async () => {
      await transaction.connection.client.query('ROLLBACK').catch(() => {});
      await release(transaction.connection.client);
    });
  }

  /** Runs `work` on the transaction's connection; a failed statement ends the transaction. */
  async use<T>(
    id: string,
    work: (connection: Connection, database: string | undefined) => Promise<T>,
  ): Promise<T> {
    const transaction = this.live(id);
    transaction.busy = true;
    transaction.lastUsed = this.limits.now();
    try {
      return await work(transaction.connection, transaction.database);
    } catch (error) {
      if (error instanceof TimedOut) this.discard(id, transaction, 'a statement timed out', error.settled);
      // An answer about the request or the result leaves the database transaction as it was.
      else if (!(error instanceof RdsDataApiError)) this.discard(id, transaction, 'a statement failed');
      throw error;
    } finally {
      transaction.busy = false;
      transaction.lastUsed = this.limits.now();
    }
  }

  /** COMMIT or ROLLBACK, then the connection goes back to the pool and the id is forgotten. */
  async end(id: string, sql: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    const transaction = this.live(id);
    this.open.delete(id);
    transaction.busy = true;
    try {
      await transaction.connection.client.query(sql);
    } finally {
      await release(transaction.connection.client);
    }
  }

  private sweep(): void {
    for (const [id, transaction] of this.open) {
      if (!transaction.busy && this.expired(transaction)) this.discard(id, transaction, 'it expired');
    }
  }

  /** Rolls back every open transaction (the endpoint is closing). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const open = [...this.open.values()];
    this.open.clear();
    await Promise.all(
      open.map(async ({ connection }) => {
        await connection.client.query('ROLLBACK').catch(() => {});
        await release(connection.client);
      }),
    );
  }
}
