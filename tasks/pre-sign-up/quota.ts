/**
 * Caps on sign-ups, kept in the `signupQuotas` table: one item per capped thing (`company#<key>`,
 * `address#<email>`) holding a map of holders (the sign-up's execution name) to the epoch second
 * its hold lapses. A hold is taken with one conditional update, so concurrent sign-ups cannot
 * overshoot the cap; taking it again is a no-op (Cognito may call the trigger three times). Holds
 * are released by the workflow when a request ends, and a hold nobody released (a stopped
 * execution) stops counting at its deadline: the item heals itself on the next refusal.
 */
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';

export interface Hold {
  readonly table: string;
  /** `company#acme`, `address#someone@example.com`. */
  readonly key: string;
  /** Who holds: the sign-up's execution name. */
  readonly holder: string;
  /** Epoch seconds when the hold lapses by itself. */
  readonly until: number;
  /** At most this many holders at once. */
  readonly cap: number;
}

export type HoldResult = { readonly taken: true } | { readonly taken: false; readonly freeAt: number };

type Client = Pick<DynamoDBClient, 'send'>;

/** Takes the hold, or answers when the earliest current hold lapses. */
export async function takeHold(client: Client, hold: Hold, now: number): Promise<HoldResult> {
  if (await tryTake(client, hold)) return { taken: true };
  // Full, or the item has no holders map yet. Drop lapsed holders, then try once more.
  const holders = await readHolders(client, hold);
  const lapsed = Object.entries(holders).filter(([, until]) => until <= now);
  if (lapsed.length > 0) await dropLapsed(client, hold, lapsed);
  if (await tryTake(client, hold)) return { taken: true };
  const live = Object.values(await readHolders(client, hold)).filter((until) => until > now);
  return { taken: false, freeAt: live.length > 0 ? Math.min(...live) : now };
}

async function tryTake(client: Client, hold: Hold): Promise<boolean> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: hold.table,
        Key: { quotaKey: { S: hold.key } },
        // The holders map must exist before a member of it can be set: made by the first taker.
        ConditionExpression: 'attribute_exists(holders.#me) OR size(holders) < :cap',
        UpdateExpression: 'SET holders.#me = :until, expiresAt = :expires',
        ExpressionAttributeNames: { '#me': hold.holder },
        ExpressionAttributeValues: {
          ':until': { N: String(hold.until) },
          ':cap': { N: String(hold.cap) },
          ':expires': { N: String(hold.until) },
        },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      await ensureItem(client, hold);
      return false;
    }
    // "The document path provided in the update expression is invalid": no holders map yet.
    if ((error as Error).name === 'ValidationException') {
      await ensureItem(client, hold);
      return false;
    }
    throw error;
  }
}

/** The item with an empty holders map, unless it already has one. */
async function ensureItem(client: Client, hold: Hold): Promise<void> {
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: hold.table,
        Key: { quotaKey: { S: hold.key } },
        ConditionExpression: 'attribute_not_exists(holders)',
        UpdateExpression: 'SET holders = :empty',
        ExpressionAttributeValues: { ':empty': { M: {} } },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

async function readHolders(client: Client, hold: Hold): Promise<Record<string, number>> {
  const { Item } = await client.send(
    new GetItemCommand({
      TableName: hold.table,
      Key: { quotaKey: { S: hold.key } },
      ConsistentRead: true,
    }),
  );
  const map = Item?.holders?.M ?? {};
  return Object.fromEntries(Object.entries(map).map(([name, value]) => [name, Number(value.N ?? 0)]));
}

/** Removes lapsed holders, each only if it has not been taken again meanwhile. */
async function dropLapsed(client: Client, hold: Hold, lapsed: readonly [string, number][]): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, { N: string }> = {};
  const conditions: string[] = [];
  lapsed.slice(0, 50).forEach(([holder, until], i) => {
    names[`#h${i}`] = holder;
    values[`:u${i}`] = { N: String(until) };
    conditions.push(`holders.#h${i} = :u${i}`);
  });
  try {
    await client.send(
      new UpdateItemCommand({
        TableName: hold.table,
        Key: { quotaKey: { S: hold.key } },
        ConditionExpression: conditions.join(' AND '),
        UpdateExpression: `REMOVE ${Object.keys(names)
          .map((n) => `holders.${n}`)
          .join(', ')}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    // Someone else pruned or took one of them again: the retry sees the current state.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
