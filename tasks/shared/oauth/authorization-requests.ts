/**
 * Pending authorization requests (the oauthSessions table), by state. Each holds the PKCE
 * verifier, the user who started it and the SHA-256 of a random value kept only in that user's
 * browser (an HttpOnly cookie): the callback must come from the same browser, for the same
 * request, in time, once. Consuming is one conditional DeleteItem that checks all of it; the
 * TTL attribute only tidies up, since DynamoDB deletes expired items up to days late.
 */
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

export interface AuthorizationRequest {
  readonly state: string;
  readonly userId: string;
  readonly codeVerifier: string;
  /** An allowlisted path of this app. */
  readonly returnTo: string;
}

/** How long a user has at the provider (sign in, consent) before the request is void. */
export const REQUEST_LIFETIME_SECONDS = 600;

export function browserHash(binding: string): string {
  return createHash('sha256').update(binding, 'utf8').digest('hex');
}

export class AuthorizationRequests {
  constructor(
    private readonly dynamodb: Pick<DynamoDBClient, 'send'>,
    private readonly table: string,
  ) {}

  async create(request: AuthorizationRequest, binding: string, nowMs: number): Promise<void> {
    const validUntil = nowMs + REQUEST_LIFETIME_SECONDS * 1000;
    await this.dynamodb.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          state: { S: request.state },
          userId: { S: request.userId },
          codeVerifier: { S: request.codeVerifier },
          returnTo: { S: request.returnTo },
          browserHash: { S: browserHash(binding) },
          createdAt: { S: new Date(nowMs).toISOString() },
          validUntil: { N: String(validUntil) },
          // TTL: removed some time after it stopped being valid.
          expiresAt: { N: String(Math.ceil(validUntil / 1000)) },
        },
        // 256 random bits never collide; if they did, the older request must not be overwritten.
        ConditionExpression: 'attribute_not_exists(#state)',
        ExpressionAttributeNames: { '#state': 'state' },
      }),
    );
  }

  /**
   * The request for `state`, removed in the same step, if it exists, is still valid and was
   * started in the browser holding `binding`; else undefined (unknown, used, expired, or another
   * browser's: the caller cannot tell them apart, and neither can whoever sent the request).
   */
  async consume(state: string, binding: string, nowMs: number): Promise<AuthorizationRequest | undefined> {
    try {
      const { Attributes } = await this.dynamodb.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { state: { S: state } },
          ConditionExpression: 'attribute_exists(#state) AND validUntil > :now AND browserHash = :browser',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':now': { N: String(nowMs) },
            ':browser': { S: browserHash(binding) },
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const userId = Attributes?.userId?.S;
      const codeVerifier = Attributes?.codeVerifier?.S;
      const returnTo = Attributes?.returnTo?.S;
      if (!userId || !codeVerifier || !returnTo) return undefined;
      return { state, userId, codeVerifier, returnTo };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}
