/**
 * The pieces of OAuth onboarding that stand alone: names built from subjects someone else chose,
 * the binding cookie, the normalisation of the provider's resources, the settings' errors, and
 * the refresh lock against the local DynamoDB (two holders never at once; a lapsed lease taken
 * over; only the holder releases).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbService, startDynamoDb } from '../../local/dynamodb/index.ts';
import { normaliseAccount } from '../../tasks/discover-accounts/handler.ts';
import { normaliseProject } from '../../tasks/discover-projects/handler.ts';
import {
  bindingCookie,
  CONNECTION_ID,
  ConnectionLock,
  connectionIdOf,
  OAuthNotConfigured,
  providerSettings,
  RefreshBusy,
  readBinding,
  subjectSegment,
  tokenParameters,
} from '../../tasks/shared/oauth/index.ts';

describe('names from subjects', () => {
  it('keeps a plain subject readable and hashes anything else into the same small alphabet', () => {
    expect(subjectSegment('usr_7f3a-9c21')).toBe('s-usr_7f3a-9c21');
    const hostile = ['../../etc', 'a/b', 'x'.repeat(65), '‮evil', 'a b', '', 'é', 'h-abc'];
    const segments = hostile.map(subjectSegment);
    for (const segment of segments) expect(segment).toMatch(/^[sh]-[A-Za-z0-9_-]{1,64}$/);
    expect(segments.slice(0, 5).every((s) => s.startsWith('h-'))).toBe(true);
    expect(new Set(segments).size).toBe(segments.length);
    // A plain subject that looks like a hash cannot collide with one: the prefixes differ.
    expect(subjectSegment('h-abc')).toBe('s-h-abc');
  });

  it('builds connection ids the API accepts, and parameter names under the deployment path only', () => {
    const id = connectionIdOf('sandbox', 'a/../../b');
    expect(id).toMatch(CONNECTION_ID);
    const names = tokenParameters('/wf/oauth', '1b2c3d4e-0000-4000-8000-000000000000', id);
    expect(names.refreshToken).toBe(
      `/wf/oauth/connections/s-1b2c3d4e-0000-4000-8000-000000000000/${id}/refresh-token`,
    );
    expect(names.accessToken.endsWith('/access-token')).toBe(true);
    expect(CONNECTION_ID.test('sandbox-s-x/../y')).toBe(false);
  });
});

describe('the binding cookie', () => {
  const value = 'A'.repeat(43);

  it('is HttpOnly, SameSite=Lax, for the callback path only, and Secure over HTTPS', () => {
    expect(bindingCookie(value, 600, true)).toBe(
      `oauth_binding=${value}; Path=/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure`,
    );
    expect(bindingCookie(value, 600, false)).not.toContain('Secure');
  });

  it('is read from API Gateway’s cookie list, and only in its own shape', () => {
    expect(readBinding(['a=b', `oauth_binding=${value}`])).toBe(value);
    expect(readBinding([`oauth_binding=${value}x`])).toBeUndefined();
    expect(readBinding(['oauth_binding='])).toBeUndefined();
    expect(readBinding(undefined)).toBeUndefined();
    expect(readBinding([`xoauth_binding=${value}`])).toBeUndefined();
  });
});

describe('normalising the provider’s resources', () => {
  it('keeps usable projects active and skips archived ones and those without a role, with the reason', () => {
    const base = { id: 'p1', name: 'Site', state: 'ACTIVE', role: 'VIEWER', region: 'eu-west-1' };
    expect(normaliseProject(base)).toMatchObject({ resourceId: 'project:p1', status: 'ACTIVE' });
    expect(normaliseProject({ ...base, state: 'ARCHIVED' })).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'Archived at the provider.',
    });
    expect(normaliseProject({ ...base, role: 'NONE' })?.skipReason).toBe('You have no role in this project.');
    expect(normaliseProject({ ...base, state: 'FROZEN' })?.skipReason).toBe(
      'The provider reports it as FROZEN.',
    );
  });

  it('skips suspended, closed and inaccessible accounts', () => {
    const base = { accountId: 'a1', displayName: 'EU', status: 'ENABLED', access: 'ADMIN', currency: 'EUR' };
    expect(normaliseAccount(base)?.status).toBe('ACTIVE');
    expect(normaliseAccount({ ...base, status: 'SUSPENDED' })?.skipReason).toBe('Suspended at the provider.');
    expect(normaliseAccount({ ...base, status: 'CLOSED' })?.skipReason).toBe('Closed at the provider.');
    expect(normaliseAccount({ ...base, access: 'NONE' })?.skipReason).toBe(
      'You have no access to this account.',
    );
  });

  it('bounds what the provider sends and drops ids the app cannot key on', () => {
    const long = normaliseProject({ id: 'p1', name: 'x'.repeat(2000), state: 'ACTIVE', role: 'OWNER' });
    expect([...(long?.name ?? '')]).toHaveLength(200);
    expect(normaliseProject({ id: '../p', name: 'x', state: 'ACTIVE', role: 'OWNER' })).toBeUndefined();
    expect(normaliseProject({ id: 42, name: 'x' })).toBeUndefined();
    expect(normaliseAccount({ accountId: 'a'.repeat(101) })).toBeUndefined();
    // The same content gives the same digest (an unchanged resource is not written again).
    const a = normaliseProject({ id: 'p1', name: 'Site', state: 'ACTIVE', role: 'OWNER' });
    const b = normaliseProject({ id: 'p1', name: 'Site', state: 'ACTIVE', role: 'OWNER' });
    expect(a?.digest).toBe(b?.digest);
    expect(normaliseProject({ id: 'p1', name: 'Site 2', state: 'ACTIVE', role: 'OWNER' })?.digest).not.toBe(
      a?.digest,
    );
  });
});

describe('provider settings', () => {
  it('name the CDK context to set when the provider is not configured', () => {
    expect(() => providerSettings({ OAUTH_PROVIDER_NAME: 'sandbox' })).toThrow(OAuthNotConfigured);
    expect(() => providerSettings({ OAUTH_PROVIDER_NAME: 'sandbox' })).toThrow(/-c oauthIssuer=/);
  });
});

describe('the refresh lock', () => {
  let dir: string;
  let service: DynamoDbService;
  let client: DynamoDBClient;
  const table = 'locks';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oauth-lock-'));
    service = await startDynamoDb({ dataDir: dir, sweepIntervalMs: 0 });
    client = new DynamoDBClient({
      endpoint: service.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'lockKey', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'lockKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  }, 60_000);

  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one holder at a time in, the other after the first releases', async () => {
    const lock = new ConnectionLock(client, table);
    const order: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = lock.withLock('u', 'c', async () => {
      order.push('first in');
      await held;
      order.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = lock.withLock('u', 'c', async () => {
      order.push('second in');
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(order).toEqual(['first in']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'first out', 'second in']);
    const { Item } = await client.send(
      new GetItemCommand({ TableName: table, Key: { lockKey: { S: 'u#c' } } }),
    );
    expect(Item).toBeUndefined();
  }, 30_000);

  it('gives up with RefreshBusy after waiting its limit, and takes over a lease that lapsed', async () => {
    let now = 1_000_000;
    const clock = {
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    };
    const holder = new ConnectionLock(client, table, { leaseMs: 30_000, ...clock });
    const waiter = new ConnectionLock(client, table, { waitMs: 5_000, ...clock });
    let stuck: () => void = () => {};
    const holding = holder.withLock('u', 'd', () => new Promise<void>((resolve) => (stuck = resolve)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await expect(waiter.withLock('u', 'd', async () => 'never')).rejects.toThrow(RefreshBusy);
    // The holder died (never released): once its lease lapsed, another takes the lock.
    now += 30_000;
    const taken = waiter.withLock('u', 'd', async () => {
      // The late holder finishes now: its release must not remove a lock it no longer holds.
      stuck();
      await holding;
      const { Item } = await client.send(
        new GetItemCommand({ TableName: table, Key: { lockKey: { S: 'u#d' } }, ConsistentRead: true }),
      );
      return Item ? 'still held' : 'released by the late holder';
    });
    await expect(taken).resolves.toBe('still held');
  }, 30_000);
});
