/**
 * The pieces of OAuth onboarding that stand alone: names built from subjects someone else chose,
 * the binding cookie, the normalisation of the provider's resources, the settings' errors, and
 * the refresh lock against the local DynamoDB (two holders never at once; a lapsed lease taken
 * over; only the holder releases).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DynamoDbService, startDynamoDb } from '../../local/dynamodb/index.ts';
import { normaliseAccount } from '../../tasks/discover-accounts/handler.ts';
import { normaliseProject } from '../../tasks/discover-projects/handler.ts';
import { callApi } from '../../tasks/shared/oauth/api.ts';
import { PROVIDER_ENVIRONMENT } from '../../tasks/shared/oauth/environment.ts';
import {
  bindingCookie,
  bindingCookieName,
  CONNECTION_ID,
  ConnectionLock,
  connectionIdOf,
  OAuthNotConfigured,
  PROVIDER_ENVIRONMENT_KEYS,
  ProviderError,
  providerSettings,
  RefreshBusy,
  readBindings,
  subjectSegment,
  tokenParameters,
} from '../../tasks/shared/oauth/index.ts';
import { collectRecords, type Page, parsePage } from '../../tasks/shared/oauth/paging.ts';

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

  it('builds connection ids the API accepts, one per app user and provider account, and parameter names under the deployment path only', () => {
    const id = connectionIdOf('sandbox', 'user-1', 'a/../../b');
    expect(id).toMatch(CONNECTION_ID);
    // Two app users connecting the same provider account: two connections.
    expect(connectionIdOf('sandbox', 'user-2', 'a/../../b')).not.toBe(id);
    expect(connectionIdOf('sandbox', 'user-1', 'a/../../b')).toBe(id);
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

  const state = 'S'.repeat(43);
  const name = bindingCookieName(state);

  it('is HttpOnly, SameSite=Lax, for the callback path only, Secure over HTTPS, and named after its request', () => {
    expect(name).toMatch(/^oauth_binding_[0-9a-f]{16}$/);
    expect(bindingCookieName('T'.repeat(43))).not.toBe(name);
    expect(bindingCookie(state, value, 600, 'https://app.example/auth/callback')).toBe(
      `${name}=${value}; Path=/auth/callback; Max-Age=600; HttpOnly; SameSite=Lax; Secure`,
    );
    expect(bindingCookie(state, value, 600, 'http://127.0.0.1:9/auth/callback')).not.toContain('Secure');
  });

  it('is read from API Gateway’s cookie list: every value of its own name and shape, in order', () => {
    expect(readBindings(['a=b', `${name}=${value}`], state)).toEqual([value]);
    // A malformed one planted before the real one does not hide it.
    expect(readBindings([`${name}=planted`, `${name}=${value}`], state)).toEqual([value]);
    expect(readBindings([`${name}=${value}x`], state)).toEqual([]);
    expect(readBindings(undefined, state)).toEqual([]);
    expect(readBindings([`oauth_binding_0000000000000000=${value}`], state)).toEqual([]);
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
  const env = {
    OAUTH_PROVIDER_NAME: 'acme',
    OAUTH_ISSUER: 'https://id.acme.example',
    OAUTH_CLIENT_ID: 'app',
    OAUTH_PARAMETER_PATH: '/wf/oauth',
    PUBLIC_URL: 'https://app.example',
    OAUTH_API_A: 'https://api.acme.example/a/v1/',
    OAUTH_API_B: 'http://127.0.0.1:9/b',
    OAUTH_SCOPES: 'openid',
  };

  it('are read from exactly the variables every provider task declares', () => {
    expect(Object.keys(PROVIDER_ENVIRONMENT).sort()).toEqual([...PROVIDER_ENVIRONMENT_KEYS].sort());
  });

  it('name the CDK context to set when the provider is not configured', () => {
    expect(() => providerSettings({ OAUTH_PROVIDER_NAME: 'sandbox' })).toThrow(OAuthNotConfigured);
    expect(() => providerSettings({ OAUTH_PROVIDER_NAME: 'sandbox' })).toThrow(/-c oauthIssuer=/);
  });

  it('send tokens over https only, except to this machine', () => {
    expect(providerSettings(env)).toMatchObject({
      apiA: 'https://api.acme.example/a/v1',
      redirectUri: 'https://app.example/auth/callback',
    });
    expect(() => providerSettings({ ...env, OAUTH_API_A: 'http://api.acme.example' })).toThrow(
      /must be https:\/\/ .*'oauthApiA'/,
    );
    expect(() => providerSettings({ ...env, OAUTH_API_B: 'not a url' })).toThrow(/not a URL/);
    expect(() => providerSettings({ ...env, OAUTH_PROVIDER_NAME: 'Acme/../x' })).toThrow(/oauthProviderName/);
  });
});

describe('what the provider sends, bounded', () => {
  it('keeps the records of one API under 100,000 bytes of JSON, dropping and counting the rest', async () => {
    const page = (cursor: string | undefined): Promise<Page> =>
      Promise.resolve({
        items: Array.from({ length: 100 }, (_, i) => ({
          id: `p${cursor ?? 0}-${i}`,
          name: '\u00e9'.repeat(300),
          state: 'ACTIVE',
          role: 'OWNER',
        })),
        ...(Number(cursor ?? 0) < 5 ? { nextCursor: String(Number(cursor ?? 0) + 1) } : {}),
      });
    const result = await collectRecords('projects', 'API A', page, normaliseProject);
    expect(Buffer.byteLength(JSON.stringify(result.records))).toBeLessThanOrEqual(100_000);
    expect(result.records.length + result.dropped).toBe(600);
    expect(result.dropped).toBeGreaterThan(0);
  });

  it('refuses a page of another shape, and an API that pages forever', async () => {
    expect(() => parsePage({ projects: 'x' }, 'projects', 'API A')).toThrow(ProviderError);
    const forever = (cursor: string | undefined): Promise<Page> =>
      Promise.resolve({ items: [], nextCursor: `${cursor ?? ''}x` });
    await expect(collectRecords('projects', 'API A', forever, normaliseProject)).rejects.toThrow(
      /kept paging past 50 pages/,
    );
  });

  it('reads at most 1 MiB of an answer, declared or streamed', async () => {
    const server = createServer((request, response) => {
      const chunk = Buffer.alloc(64 * 1024, 'a');
      if (request.url === '/declared') {
        response.writeHead(200, { 'content-length': String(2 * 1024 * 1024) });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const push = () => {
        while (sent < 32 && response.write(chunk)) sent++;
        if (sent < 32) response.once('drain', push);
        else response.end();
      };
      push();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['/declared', '/streamed']) {
        await expect(callApi('API A', `http://127.0.0.1:${port}${path}`, { headers: {} })).rejects.toThrow(
          /answered more than 1048576 bytes/,
        );
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
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
