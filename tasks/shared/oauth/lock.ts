/**
 * The per-connection lock on using its refresh token. The provider rotates the refresh token on
 * every refresh and treats a rotated-away token presented again as theft (it revokes the whole
 * grant), so two holders must never use it at once: a refresh and an API B session, or two
 * refreshes racing. One conditional PutItem takes the lock (free, or its lease lapsed); a
 * conditional DeleteItem by the holder releases it. A holder that dies leaves a lease that lapses
 * after `leaseMs`; the TTL attribute only tidies up later (expiry is the condition, not the TTL).
 */
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { RefreshBusy } from './errors.ts';

export interface LockOptions {
  /** How long a hold lasts if its holder never releases it (default 90 s). */
  readonly leaseMs?: number;
  /** How long to wait for another holder before giving up with RefreshBusy. */
  readonly waitMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export class ConnectionLock {
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly dynamodb: Pick<DynamoDBClient, 'send'>,
    private readonly table: string,
    options: LockOptions = {},
  ) {
    // Longer than any holder can live (the functions that take it time out within 60 s), so a
    // lease never lapses under a holder still at work: a second refresh cannot start beside it.
    this.leaseMs = options.leaseMs ?? 90_000;
    this.waitMs = options.waitMs ?? 20_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Runs `work` holding the connection's lock; waits (polling, with backoff) while another holds it. */
  async withLock<T>(userId: string, connectionId: string, work: () => Promise<T>): Promise<T> {
    const lockKey = `${userId}#${connectionId}`;
    const owner = randomUUID();
    const giveUpAt = this.now() + this.waitMs;
    for (let delay = 50; !(await this.tryAcquire(lockKey, owner)); delay = Math.min(delay * 2, 1000)) {
      if (this.now() >= giveUpAt) {
        throw new RefreshBusy(
          `The connection's refresh lock was held by another caller for over ${this.waitMs} ms; try again.`,
        );
      }
      await this.sleep(delay);
    }
    try {
      return await work();
    } finally {
      await this.release(lockKey, owner);
    }
  }

  private async tryAcquire(lockKey: string, owner: string): Promise<boolean> {
    const now = this.now();
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            lockKey: { S: lockKey },
            owner: { S: owner },
            leaseUntil: { N: String(now + this.leaseMs) },
            expiresAt: { N: String(Math.ceil((now + this.leaseMs) / 1000) + 3600) },
          },
          ConditionExpression: 'attribute_not_exists(lockKey) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': { N: String(now) } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async release(lockKey: string, owner: string): Promise<void> {
    try {
      await this.dynamodb.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { lockKey: { S: lockKey } },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': { S: owner } },
        }),
      );
    } catch (error) {
      // The lease lapsed and someone else holds it now: theirs to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
