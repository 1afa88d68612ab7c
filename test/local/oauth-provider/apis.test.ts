import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  expectNothingSecretLogged,
  type Harness,
  openSession,
  refresh,
  signIn,
  startHarness,
  stopHarness,
} from './fixture.ts';

interface Listing {
  readonly nextCursor: string | null;
  readonly [key: string]: unknown;
}

describe('sandbox OAuth provider: resource APIs and switches', () => {
  let h: Harness;
  let tokens: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    h = await startHarness();
    tokens = await signIn(h);
  });
  afterEach(() => {
    h.provider.setSwitches({ apiA: 'ok', apiB: 'ok', apiBDelayMs: 5000 });
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  const projects = (token: string, cursor?: string) =>
    fetch(`${h.provider.apiA}/projects${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const accounts = (session: string, cursor?: string) =>
    fetch(`${h.provider.apiB}/accounts${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { authorization: `Session ${session}` },
    });
  async function all(fetchPage: (cursor?: string) => Promise<Response>, key: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages += 1) {
      const response = await fetchPage(cursor);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Listing;
      const page = body[key] as unknown[];
      expect(page.length).toBeLessThanOrEqual(2);
      items.push(...page);
      if (body.nextCursor === null) return items;
      cursor = body.nextCursor;
    }
    throw new Error('more than 10 pages');
  }
  async function session(): Promise<string> {
    const response = await openSession(h, tokens.refresh_token ?? '');
    expect(response.status).toBe(201);
    const body = (await response.json()) as { session_token: string; expires_in: number };
    expect(body.expires_in).toBe(900);
    h.secrets.add(body.session_token);
    return body.session_token;
  }

  it('API A pages through all five of alice’s projects, two at a time', async () => {
    h.provider.resetStats();
    const list = await all((cursor) => projects(tokens.access_token, cursor), 'projects');
    expect(list).toHaveLength(5);
    expect(list[0]).toEqual({
      id: 'prj_01HX8A1',
      name: 'Website redesign',
      state: 'ACTIVE',
      role: 'OWNER',
      region: 'eu-west-1',
    });
    expect(JSON.stringify(list)).toContain('<img src=x onerror=alert(1)>');
    expect(h.provider.stats().apiA).toBe(3);
  });

  it('API A answers 401 invalid_token to an unknown token, 403 insufficient_scope without projects.read', async () => {
    const unknown = await projects('not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const missing = await fetch(`${h.provider.apiA}/projects`);
    expect(missing.status).toBe(401);
    const narrow = await signIn(h, { scope: 'openid offline_access accounts.read' });
    const forbidden = await projects(narrow.access_token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('API B opens a session with the refresh token (not consuming it) and pages bob’s and alice’s accounts', async () => {
    h.provider.resetStats();
    const open = await session();
    const list = await all((cursor) => accounts(open, cursor), 'accounts');
    expect(list).toHaveLength(4);
    expect(list).toContainEqual({
      accountId: 'acc_5001',
      displayName: 'EU billing',
      status: 'ENABLED',
      access: 'ADMIN',
      currency: 'EUR',
    });
    expect(h.provider.stats()).toMatchObject({ apiBSessions: 1, apiB: 2 });
    const bob = await signIn(h, { username: 'bob', password: 'sandbox-bob' });
    const bobSession = await openSession(h, bob.refresh_token ?? '');
    const { session_token } = (await bobSession.json()) as { session_token: string };
    h.secrets.add(session_token);
    expect(await all((cursor) => accounts(session_token, cursor), 'accounts')).toHaveLength(1);
    // The refresh token still refreshes: opening a session did not consume it.
    expect((await refresh(h, bob.refresh_token ?? '')).refresh_token).toEqual(expect.any(String));
  });

  it('API B refuses a consumed refresh token, a wrong client secret, and an unknown session', async () => {
    const own = await signIn(h);
    await refresh(h, own.refresh_token ?? '');
    const consumed = await openSession(h, own.refresh_token ?? '');
    expect(consumed.status).toBe(400);
    expect(await consumed.json()).toMatchObject({ error: 'invalid_grant' });
    const wrongSecret = await openSession(h, tokens.refresh_token ?? '', 'not-the-secret');
    expect(wrongSecret.status).toBe(401);
    expect((await accounts('unknown-session')).status).toBe(401);
  });

  it('switch apiA fail: API A answers 503', async () => {
    h.provider.setSwitches({ apiA: 'fail' });
    expect((await projects(tokens.access_token)).status).toBe(503);
  });

  it('switch apiB fail: both API B endpoints answer 503', async () => {
    const open = await session();
    h.provider.setSwitches({ apiB: 'fail' });
    expect((await openSession(h, tokens.refresh_token ?? '')).status).toBe(503);
    expect((await accounts(open)).status).toBe(503);
  });

  it('switch apiB slow: API B answers after the delay', async () => {
    h.provider.setSwitches({ apiB: 'slow', apiBDelayMs: 300 });
    const started = performance.now();
    const open = await session();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect((await accounts(open)).status).toBe(200);
  });

  it('switch apiB invalid_grant: the session endpoint answers 400 invalid_grant', async () => {
    h.provider.setSwitches({ apiB: 'invalid_grant' });
    const refused = await openSession(h, tokens.refresh_token ?? '');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('serves the switches and stats over HTTP, refusing a bad value with the field and the allowed values', async () => {
    const post = (body: unknown) =>
      fetch(`${h.provider.endpoint}/_sandbox/switches`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const changed = await post({ apiA: 'fail' });
    expect(await changed.json()).toEqual({ apiA: 'fail', apiB: 'ok', apiBDelayMs: 5000 });
    expect(h.provider.switches().apiA).toBe('fail');
    const bad = await post({ apiB: 'broken' });
    expect(bad.status).toBe(400);
    const { error } = (await bad.json()) as { error: string };
    expect(error).toContain('apiB');
    expect(error).toContain('invalid_grant');
    expect(() => h.provider.setSwitches({ apiBDelayMs: -1 })).toThrow(/apiBDelayMs/);
    const read = await fetch(`${h.provider.endpoint}/_sandbox/switches`);
    expect(await read.json()).toMatchObject({ apiA: 'fail' });
    const stats = await fetch(`${h.provider.endpoint}/_sandbox/stats`);
    expect(await stats.json()).toMatchObject({
      tokenRequests: expect.any(Object),
      revocations: expect.any(Number),
    });
  });

  it('never logs a token, code, client secret or password', () => {
    expectNothingSecretLogged(h);
  });
});
