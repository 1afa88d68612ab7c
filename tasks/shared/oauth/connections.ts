/**
 * The connection item in DynamoDB: metadata only (that tokens exist, the scopes granted, when
 * consent was given, when the access token expires, the status), never a token. Every write
 * follows stream-sync's version contract (workflows/projections.ts): a new item starts at its
 * creation time in microseconds, every update adds one in the same update expression, so the
 * versions of one key only grow and the PostgreSQL projection keeps the newest.
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

/** A discovery that has not finished after this long is taken as stalled: it may be started again. */
export const DISCOVERY_STALLED_MS = 10 * 60 * 1000;

export interface ConnectionMetadata {
  readonly userId: string;
  readonly connectionId: string;
  readonly provider: string;
  /** The provider's subject for the account connected (not secret; operators look accounts up by it). */
  readonly providerSubject: string;
  /** Bounded and stripped of nothing: pages escape it when they show it. */
  readonly displayName: string;
  readonly scopes: readonly string[];
  /** ISO 8601. */
  readonly consentedAt: string;
  /** ISO 8601. */
  readonly accessTokenExpiresAt: string;
  readonly hasRefreshToken: boolean;
}

/** The version a new item starts at, per the contract: its creation time in microseconds. */
export function initialVersion(nowMs: number): string {
  return String(BigInt(nowMs) * 1000n);
}

export class Connections {
  constructor(
    private readonly dynamodb: Pick<DynamoDBClient, 'send'>,
    private readonly table: string,
  ) {}

  /**
   * A new consent recorded (a first connection, or the same provider account connected again):
   * status DISCOVERING until the discovery workflow sets the outcome.
   */
  async recordConsent(metadata: ConnectionMetadata, nowMs: number): Promise<void> {
    const now = new Date(nowMs).toISOString();
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { userId: { S: metadata.userId }, connectionId: { S: metadata.connectionId } },
        UpdateExpression:
          'SET #version = if_not_exists(#version, :start) + :one, provider = :provider, providerSubject = :subject, #status = :status, ' +
          'displayName = :name, scopes = :scopes, consentedAt = :consented, accessTokenExpiresAt = :expires, ' +
          'hasAccessToken = :true, hasRefreshToken = :refresh, createdAt = if_not_exists(createdAt, :now), ' +
          'updatedAt = :now REMOVE statusReasons, revokedAt',
        ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
        ExpressionAttributeValues: {
          ':start': { N: String(BigInt(initialVersion(nowMs)) - 1n) },
          ':one': { N: '1' },
          ':provider': { S: metadata.provider },
          ':subject': { S: metadata.providerSubject.slice(0, 255) },
          ':status': { S: 'DISCOVERING' },
          ':name': { S: metadata.displayName },
          ':scopes': { L: metadata.scopes.map((s) => ({ S: s })) },
          ':consented': { S: metadata.consentedAt },
          ':expires': { S: metadata.accessTokenExpiresAt },
          ':true': { BOOL: true },
          ':refresh': { BOOL: metadata.hasRefreshToken },
          ':now': { S: now },
        },
      }),
    );
  }

  /** A user's connections (at most `limit`), as stored. */
  async list(userId: string, limit: number): Promise<Record<string, AttributeValue>[]> {
    const { Items = [] } = await this.dynamodb.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'userId = :user',
        ExpressionAttributeValues: { ':user': { S: userId } },
        Limit: limit,
      }),
    );
    return Items;
  }

  /** The connection's status; undefined when this user has no connection with this id. */
  async status(userId: string, connectionId: string): Promise<string | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { userId: { S: userId }, connectionId: { S: connectionId } },
        ProjectionExpression: '#status',
        ExpressionAttributeNames: { '#status': 'status' },
      }),
    );
    return Item ? (Item.status?.S ?? 'UNKNOWN') : undefined;
  }

  /** When the stored access token expires (epoch ms); undefined when there is no connection. */
  async accessTokenExpiry(userId: string, connectionId: string): Promise<number | undefined> {
    const { Item } = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { userId: { S: userId }, connectionId: { S: connectionId } },
        ProjectionExpression: 'accessTokenExpiresAt',
        ConsistentRead: true,
      }),
    );
    const expires = Item?.accessTokenExpiresAt?.S;
    return expires ? Date.parse(expires) : undefined;
  }

  /** After a refresh: the new expiry (and that a refresh token is still held). */
  async recordRefresh(
    userId: string,
    connectionId: string,
    expiresAtMs: number,
    nowMs: number,
  ): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { userId: { S: userId }, connectionId: { S: connectionId } },
        UpdateExpression:
          'SET #version = #version + :one, accessTokenExpiresAt = :expires, refreshedAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(#version)',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: {
          ':one': { N: '1' },
          ':expires': { S: new Date(expiresAtMs).toISOString() },
          ':now': { S: new Date(nowMs).toISOString() },
        },
      }),
    );
  }

  /** The connection could not go on (e.g. discovery could not be started): FAILED, with the reason. */
  async recordFailure(userId: string, connectionId: string, reason: string, nowMs: number): Promise<void> {
    await this.dynamodb.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { userId: { S: userId }, connectionId: { S: connectionId } },
        UpdateExpression:
          'SET #version = #version + :one, #status = :failed, statusReasons = :reasons, updatedAt = :now',
        ConditionExpression: 'attribute_exists(#version)',
        ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
        ExpressionAttributeValues: {
          ':one': { N: '1' },
          ':failed': { S: 'FAILED' },
          ':reasons': { L: [{ S: reason }] },
          ':now': { S: new Date(nowMs).toISOString() },
        },
      }),
    );
  }

  /**
   * DISCOVERING from any other state (except REVOKED), or from a DISCOVERING that stalled; false
   * when a discovery is already running (or the connection is gone or revoked). One conditional
   * update, so two clicks start one discovery.
   */
  async markDiscovering(userId: string, connectionId: string, nowMs: number): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { userId: { S: userId }, connectionId: { S: connectionId } },
          UpdateExpression: 'SET #version = #version + :one, #status = :discovering, updatedAt = :now',
          ConditionExpression:
            'attribute_exists(#version) AND #status <> :revoked AND (#status <> :discovering OR updatedAt < :stalled)',
          ExpressionAttributeNames: { '#version': 'version', '#status': 'status' },
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':discovering': { S: 'DISCOVERING' },
            ':revoked': { S: 'REVOKED' },
            ':now': { S: new Date(nowMs).toISOString() },
            ':stalled': { S: new Date(nowMs - DISCOVERY_STALLED_MS).toISOString() },
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
