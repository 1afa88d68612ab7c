/**
 * OAuth onboarding end to end on the local cloud, through the real SDKs and HTTP: a signed-in
 * user starts connecting (state and PKCE bound to user and browser), consents at the sandbox
 * provider (oidc-provider), the callback consumes the state once and exchanges the code once,
 * discovery runs through API A and API B, and disconnect revokes. One local cloud for the file;
 * the tests run in order and build on the connection the first flow makes. Every token, code,
 * verifier and secret seen is remembered, and the last test searches every execution history
 * and every log line for them.
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VirtualClock } from '../../asl/index.ts';
import { type LocalApp, startLocalApp } from '../../local/app.ts';
import type { StepFunctionsService } from '../../local/sfn/index.ts';
import {
  ConnectionAccess,
  ConnectionLock,
  Connections,
  ProviderClient,
  providerSettings,
  TokenStore,
  tokenParameters,
} from '../../tasks/shared/oauth/index.ts';
import { oauthParameterPath } from '../../workflows/index.ts';
import { Browser } from '../local/oauth-provider/fixture.ts';
import { query } from './helpers.ts';

const PASSWORD = 'Passw0rd!-for-tests';

let dir: string;
let app: LocalApp;
let clock: VirtualClock;
let web: string;
let cognito: CognitoIdentityProviderClient;
let sfn: SFNClient;
let dynamodb: DynamoDBClient;
let ssm: SSMClient;
const logLines: string[] = [];
/** Every token, code, verifier and secret the tests saw: none may be in a history or a log. */
const secrets = new Set<string>();
const transitions: Record<string, number> = {};
const timings: Record<string, number> = {};
let consoleLines: string[] = [];

/** The first user (the demo admin) and a second one, each with an ID token. */
let userA: { sub: string; idToken: string };
let userB: { sub: string; idToken: string };
/** The connection the first flow makes (alice at the sandbox, for user A). */
let connectionId: string;
/** User B's connection to the same provider account. */
let connectionOfB: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'oauth-'));
  clock = new VirtualClock({ start: Date.now() });
  // The handlers run in this process: what they print is log output too.
  for (const level of ['log', 'error', 'warn', 'info'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
    });
  }
  app = await startLocalApp({ dataDir: dir, clock, log: (line) => logLines.push(line) });
  web = app.http.endpoint;
  cognito = new CognitoIdentityProviderClient(app.cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
  sfn = new SFNClient(app.cloud.sdkConfig('SFN'));
  dynamodb = new DynamoDBClient(app.cloud.sdkConfig('DYNAMODB'));
  ssm = new SSMClient(app.cloud.sdkConfig('SSM'));
  secrets.add(app.oauthProvider.client.clientSecret);
  const demo = app.demo;
  if (!demo) throw new Error('the demo admin was not seeded');
  userA = await signIn(demo.email, demo.password);
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: app.deployment.userPoolId,
      Username: 'bea@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'bea@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      MessageAction: 'SUPPRESS',
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: app.deployment.userPoolId,
      Username: 'bea@example.com',
      Password: PASSWORD,
      Permanent: true,
    }),
  );
  userB = await signIn('bea@example.com', PASSWORD);
}, 180_000);

afterAll(async () => {
  vi.restoreAllMocks();
  console.log(`OAuth onboarding: state transitions per path ${JSON.stringify(transitions)}`);
  console.log(`OAuth onboarding: times ${JSON.stringify(timings)}`);
  await mkdir('test-artifacts', { recursive: true });
  await writeFile(
    'test-artifacts/oauth-onboarding-transitions.json',
    `${JSON.stringify({ transitions, timings }, null, 2)}\n`,
  );
  await app?.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

async function signIn(email: string, password: string): Promise<{ sub: string; idToken: string }> {
  const auth = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: app.deployment.userPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  const idToken = auth.AuthenticationResult?.IdToken ?? '';
  const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
  };
  return { sub: payload.sub, idToken };
}

/** Polls, advancing the engine's virtual clock between polls (Retry intervals pass at once). */
async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const found = await check();
    if (found !== undefined) return found;
    await clock.advance(1000);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

interface Started {
  readonly status: number;
  readonly location: URL;
  /** The binding cookie as the browser sends it back: `oauth_binding=<value>`. */
  readonly cookie: string;
  readonly setCookie: string;
  readonly state: string;
}

async function start(user: { idToken: string }, returnTo = '/connections'): Promise<Started> {
  const response = await fetch(`${web}/auth/start?returnTo=${encodeURIComponent(returnTo)}`, {
    headers: { authorization: `Bearer ${user.idToken}`, accept: 'application/json' },
  });
  const body = (await response.json()) as { location?: string };
  const setCookie = response.headers.getSetCookie()[0] ?? '';
  const location = new URL(body.location ?? 'http://invalid/');
  return {
    status: response.status,
    location,
    setCookie,
    cookie: setCookie.split(';')[0] ?? '',
    state: location.searchParams.get('state') ?? '',
  };
}

/** Signs in at the sandbox provider and consents; answers the provider's redirect to the callback. */
async function consent(location: URL, username = 'alice'): Promise<URL> {
  const browser = new Browser();
  const step = async (url: URL, form?: Record<string, string>): Promise<URL> => {
    let response = await browser.request(url, form ? { form } : {});
    let at = url;
    for (let hops = 0; hops < 10; hops++) {
      const next = response.headers.get('location');
      if (!next) return at;
      await response.body?.cancel();
      at = new URL(next, at);
      if (at.href.startsWith(`${web}/auth/callback`)) return at;
      response = await browser.request(at);
    }
    throw new Error('too many redirects at the provider');
  };
  const login = await step(location);
  const consentPage = await step(new URL(`${login.href}/login`), {
    username,
    password: `sandbox-${username}`,
  });
  const callback = await step(new URL(`${consentPage.href}/confirm`), {});
  if (!callback.href.startsWith(`${web}/auth/callback`)) throw new Error(`no callback: ${callback.href}`);
  const code = callback.searchParams.get('code');
  if (code) secrets.add(code);
  return callback;
}

async function callback(url: URL, cookie: string): Promise<Response> {
  return fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
}

/** The stored authorization request (the test reads the verifier to prove it is never leaked). */
async function storedRequest(state: string) {
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: app.deployment.tables.oauthSessions,
      Key: { state: { S: state } },
      ConsistentRead: true,
    }),
  );
  if (Item?.codeVerifier?.S) secrets.add(Item.codeVerifier.S);
  return Item;
}

async function storedTokens(userId: string, id: string): Promise<{ access?: string; refresh?: string }> {
  const names = tokenParameters(oauthParameterPath('wf'), userId, id);
  const { Parameters = [] } = await ssm.send(
    new GetParametersCommand({ Names: [names.accessToken, names.refreshToken], WithDecryption: true }),
  );
  const access = Parameters.find((p) => p.Name === names.accessToken)?.Value;
  const refresh = Parameters.find((p) => p.Name === names.refreshToken)?.Value;
  for (const token of [access, refresh]) if (token) secrets.add(token);
  return { ...(access ? { access } : {}), ...(refresh ? { refresh } : {}) };
}

const discoveryArn = () => app.deployment.stateMachines['oauth-discovery'] ?? '';

async function latestExecution(
  stateMachineArn: string,
  after: Set<string>,
): Promise<DescribeExecutionCommandOutput> {
  return until(async () => {
    const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    const fresh = executions.find((e) => e.executionArn && !after.has(e.executionArn));
    if (!fresh?.executionArn || fresh.status === 'RUNNING') return undefined;
    return sfn.send(new DescribeExecutionCommand({ executionArn: fresh.executionArn }));
  }, `a new execution of ${stateMachineArn}`);
}

async function executionArns(stateMachineArn: string): Promise<Set<string>> {
  const { executions = [] } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
  return new Set(executions.flatMap((e) => (e.executionArn ? [e.executionArn] : [])));
}

async function countTransitions(path: string, executionArn: string): Promise<void> {
  const service = app.cloud.services.find((s) => s.id === 'SFN') as StepFunctionsService;
  transitions[path] = (await service.backend.store.getExecution(executionArn))?.transitions ?? Number.NaN;
}

async function connection(userId: string, id: string) {
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: app.deployment.tables.connections,
      Key: { userId: { S: userId }, connectionId: { S: id } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

async function resources(id: string) {
  const { Items = [] } = await dynamodb.send(
    new QueryCommand({
      TableName: app.deployment.tables.resources,
      KeyConditionExpression: 'connectionId = :c',
      ExpressionAttributeValues: { ':c': { S: id } },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** Runs discovery again through the API, as "Discover again" does; answers its execution. */
async function discoverAgain(): Promise<DescribeExecutionCommandOutput> {
  const before = await executionArns(discoveryArn());
  const response = await fetch(`${web}/api/connections/${encodeURIComponent(connectionId)}/discover`, {
    method: 'POST',
    headers: { authorization: `Bearer ${userA.idToken}` },
  });
  expect(response.status).toBe(202);
  return latestExecution(discoveryArn(), before);
}

describe('OAuth onboarding: start', () => {
  it('issues a fresh state (256 bits) and PKCE S256 challenge per request, bound to the user and an HttpOnly callback-path cookie', async () => {
    const first = await start(userA);
    const second = await start(userA);
    expect(first.status).toBe(200);
    for (const started of [first, second]) {
      const { searchParams } = started.location;
      expect(started.location.origin).toBe(new URL(app.oauthProvider.issuer).origin);
      expect(searchParams.get('response_type')).toBe('code');
      expect(searchParams.get('code_challenge_method')).toBe('S256');
      expect(searchParams.get('redirect_uri')).toBe(`${web}/auth/callback`);
      expect(searchParams.get('client_id')).toBe(app.oauthProvider.client.clientId);
      expect(started.state).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      // Its own cookie per request, named after the state: two tabs' flows do not overwrite each other.
      expect(started.setCookie).toMatch(/^oauth_binding_[0-9a-f]{16}=[A-Za-z0-9_-]{43}; /);
      expect(started.setCookie).toContain('; Path=/auth/callback');
      expect(started.setCookie).toContain('; HttpOnly');
      expect(started.setCookie).toContain('; SameSite=Lax');
      const item = await storedRequest(started.state);
      const verifier = item?.codeVerifier?.S ?? '';
      expect(verifier.length).toBeGreaterThanOrEqual(43);
      expect(verifier.length).toBeLessThanOrEqual(128);
      expect(verifier).toMatch(/^[A-Za-z0-9._~-]+$/);
      expect(searchParams.get('code_challenge')).toBe(
        createHash('sha256').update(verifier).digest('base64url'),
      );
      expect(item?.userId?.S).toBe(userA.sub);
      const binding = started.cookie.split('=')[1] ?? '';
      expect(item?.browserHash?.S).toBe(createHash('sha256').update(binding).digest('hex'));
      const validUntil = Number(item?.validUntil?.N);
      expect(validUntil).toBeGreaterThan(Date.now());
      expect(validUntil).toBeLessThanOrEqual(Date.now() + 600_000);
    }
    expect(second.state).not.toBe(first.state);
    expect(second.location.searchParams.get('code_challenge')).not.toBe(
      first.location.searchParams.get('code_challenge'),
    );
    expect(second.cookie.split('=')[0]).not.toBe(first.cookie.split('=')[0]);
    expect(second.cookie.split('=')[1]).not.toBe(first.cookie.split('=')[1]);
  }, 30_000);

  it('sends the exact registered redirect_uri, and the provider refuses any other', async () => {
    const started = await start(userA);
    expect(started.location.searchParams.get('redirect_uri')).toBe(`${web}/auth/callback`);
    for (const other of [`${web}/auth/callback/x`, `${web}/auth/callback?x=1`, `${web}/auth/callbacks`]) {
      const tampered = new URL(started.location);
      tampered.searchParams.set('redirect_uri', other);
      const response = await fetch(tampered, { redirect: 'manual' });
      expect(response.status, other).toBe(400);
      expect(response.headers.get('location')).toBeNull();
    }
  }, 30_000);

  it('needs a signed-in user, and refuses a returnTo that is not one of the app’s pages', async () => {
    const anonymous = await fetch(`${web}/auth/start`);
    expect(anonymous.status).toBe(401);
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example/connections',
      '/connections/../admin',
      '/other',
    ]) {
      const refused = await fetch(`${web}/auth/start?returnTo=${encodeURIComponent(returnTo)}`, {
        headers: { authorization: `Bearer ${userA.idToken}` },
      });
      expect(refused.status, returnTo).toBe(400);
      expect(refused.headers.getSetCookie()).toEqual([]);
    }
    // Without Accept: application/json, a plain redirect.
    const redirect = await fetch(`${web}/auth/start`, {
      headers: { authorization: `Bearer ${userA.idToken}` },
      redirect: 'manual',
    });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/auth\?/);
  }, 30_000);
});

describe('OAuth onboarding: callback', () => {
  let firstCallback: URL;
  let firstCookie: string;

  it('connects: the code exchanged once, tokens only in SSM (SecureString), discovery CONNECTED with active and skipped resources', async () => {
    app.oauthProvider.resetStats();
    const started = await start(userA);
    await storedRequest(started.state);
    firstCallback = await consent(started.location);
    firstCookie = started.cookie;
    const before = await executionArns(discoveryArn());
    const at = Date.now();
    const response = await callback(firstCallback, started.cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/^\/connections\?connection=sandbox-/);
    expect(response.headers.getSetCookie()).toEqual([
      `${started.cookie.split('=')[0]}=; Path=/auth/callback; Max-Age=0; HttpOnly; SameSite=Lax`,
    ]);
    connectionId = new URLSearchParams(location.split('?')[1]).get('connection') ?? '';
    const execution = await latestExecution(discoveryArn(), before);
    timings.callbackToDiscoveredMs = Date.now() - at;
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    await countTransitions('connect: discovery CONNECTED (9 resources)', execution.executionArn ?? '');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'CONNECTED',
      active: 5,
      skipped: 4,
      written: 9,
      reasons: [],
    });
    expect(app.oauthProvider.stats().tokenRequests.authorization_code).toBe(1);

    const tokens = await storedTokens(userA.sub, connectionId);
    expect(tokens.access).toBeTruthy();
    expect(tokens.refresh).toBeTruthy();
    const names = tokenParameters(oauthParameterPath('wf'), userA.sub, connectionId);
    const { Parameters = [] } = await ssm.send(
      new GetParametersCommand({ Names: [names.accessToken, names.refreshToken] }),
    );
    expect(Parameters.map((p) => p.Type)).toEqual(['SecureString', 'SecureString']);

    const item = await connection(userA.sub, connectionId);
    expect(item?.status?.S).toBe('CONNECTED');
    expect(item?.hasRefreshToken?.BOOL).toBe(true);
    expect(item?.scopes?.L?.map((s) => s.S)).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'projects.read', 'accounts.read']),
    );
    expect(Date.parse(item?.accessTokenExpiresAt?.S ?? '')).toBeGreaterThan(Date.now());
    const stored = await resources(connectionId);
    expect(stored.filter((r) => r.status?.S === 'ACTIVE')).toHaveLength(5);
    const skipped = stored.filter((r) => r.status?.S === 'SKIPPED');
    expect(skipped).toHaveLength(4);
    expect(skipped.map((r) => r.skipReason?.S)).toContain('Archived at the provider.');
    expect(skipped.map((r) => r.skipReason?.S)).toContain('Suspended at the provider.');
    for (const r of stored) expect(Number(r.version?.N)).toBeGreaterThan(1e15);
    // Nothing of the tokens in DynamoDB: the connection and resource items hold metadata only.
    const everything = JSON.stringify([item, stored]);
    for (const secret of secrets) expect(everything.includes(secret)).toBe(false);
  }, 120_000);

  it('consumes the state exactly once: the same callback again, and an unknown state, answer 400', async () => {
    const again = await callback(firstCallback, firstCookie);
    expect(again.status).toBe(400);
    // A callback that consumes nothing clears nothing: a forged one cannot end a flow in progress.
    expect(again.headers.getSetCookie()).toEqual([]);
    expect(again.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await again.text()).toContain('Start connecting again');
    const unknown = new URL(firstCallback);
    unknown.searchParams.set('state', 'x'.repeat(43));
    expect((await callback(unknown, firstCookie)).status).toBe(400);
    const none = new URL(firstCallback);
    none.searchParams.delete('state');
    expect((await callback(none, firstCookie)).status).toBe(400);
  }, 30_000);

  it('two flows started in one browser (two tabs) both complete: each request has its own cookie', async () => {
    const first = await start(userA);
    const second = await start(userA);
    const jar = `${first.cookie}; ${second.cookie}`;
    const firstUrl = await consent(first.location);
    const secondUrl = await consent(second.location);
    for (const url of [secondUrl, firstUrl]) {
      const before = await executionArns(discoveryArn());
      expect((await callback(url, jar)).status).toBe(303);
      expect((await latestExecution(discoveryArn(), before)).status).toBe('SUCCEEDED');
    }
    await storedTokens(userA.sub, connectionId);
  }, 120_000);

  it('two parallel callbacks with one state: exactly one succeeds, and the code is exchanged once', async () => {
    const started = await start(userA);
    await storedRequest(started.state);
    const url = await consent(started.location);
    app.oauthProvider.resetStats();
    const before = await executionArns(discoveryArn());
    const answers = await Promise.all([callback(url, started.cookie), callback(url, started.cookie)]);
    expect(answers.map((a) => a.status).sort()).toEqual([303, 400]);
    expect(app.oauthProvider.stats().tokenRequests.authorization_code).toBe(1);
    const execution = await latestExecution(discoveryArn(), before);
    expect(execution.status).toBe('SUCCEEDED');
    await storedTokens(userA.sub, connectionId);
  }, 120_000);

  it('refuses a state issued to user A in user B’s browser, and in a browser without the cookie', async () => {
    const forA = await start(userA);
    await storedRequest(forA.state);
    const forB = await start(userB);
    await storedRequest(forB.state);
    const url = await consent(forA.location);
    expect((await callback(url, forB.cookie)).status).toBe(400);
    expect((await callback(url, '')).status).toBe(400);
    // The refusals consumed nothing: user A, in the browser that started it, still completes.
    const before = await executionArns(discoveryArn());
    expect((await callback(url, forA.cookie)).status).toBe(303);
    expect((await latestExecution(discoveryArn(), before)).status).toBe('SUCCEEDED');
    await storedTokens(userA.sub, connectionId);
  }, 120_000);

  it('refuses an expired state that DynamoDB’s TTL has not removed yet', async () => {
    const started = await start(userA);
    await storedRequest(started.state);
    const url = await consent(started.location);
    // Past its validity, but its TTL attribute still in the future: only the condition can refuse it.
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: app.deployment.tables.oauthSessions,
        Key: { state: { S: started.state } },
        UpdateExpression: 'SET validUntil = :past, expiresAt = :later',
        ExpressionAttributeValues: {
          ':past': { N: String(Date.now() - 1000) },
          ':later': { N: String(Math.floor(Date.now() / 1000) + 3600) },
        },
      }),
    );
    app.oauthProvider.resetStats();
    expect((await callback(url, started.cookie)).status).toBe(400);
    expect(app.oauthProvider.stats().tokenRequests.authorization_code).toBe(0);
    expect(await storedRequest(started.state)).toBeDefined();
  }, 60_000);

  it('never retries a refused code: the user is asked to start again', async () => {
    const started = await start(userA);
    const item = await storedRequest(started.state);
    const url = await consent(started.location);
    // The code redeemed first by someone else (with the verifier): the app's one exchange is refused.
    const config = await oidc.discovery(
      new URL(app.oauthProvider.issuer),
      app.oauthProvider.client.clientId,
      undefined,
      oidc.ClientSecretBasic(app.oauthProvider.client.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    const stolen = await oidc.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: item?.codeVerifier?.S ?? '',
      expectedState: started.state,
    });
    secrets.add(stolen.access_token);
    if (stolen.refresh_token) secrets.add(stolen.refresh_token);
    app.oauthProvider.resetStats();
    const response = await callback(url, started.cookie);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Start connecting again');
    expect(app.oauthProvider.stats().tokenRequests.authorization_code).toBe(1);
  }, 60_000);
});

describe('OAuth onboarding: tokens and discovery', () => {
  it('two concurrent refreshes make one provider call, and the newest refresh token is stored', async () => {
    const before = await storedTokens(userA.sub, connectionId);
    // The access token expired (as far as the app knows).
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: app.deployment.tables.connections,
        Key: { userId: { S: userA.sub }, connectionId: { S: connectionId } },
        UpdateExpression: 'SET accessTokenExpiresAt = :past',
        ExpressionAttributeValues: { ':past': { S: new Date(Date.now() - 1000).toISOString() } },
      }),
    );
    const settings = providerSettings({ ...process.env });
    const localDynamodb = new DynamoDBClient(app.cloud.sdkConfig('DYNAMODB'));
    const access = () =>
      new ConnectionAccess({
        provider: new ProviderClient(settings, ssm),
        tokens: new TokenStore(ssm, settings.parameterPath),
        connections: new Connections(localDynamodb, app.deployment.tables.connections),
        lock: new ConnectionLock(localDynamodb, app.deployment.tables.oauthLocks),
      });
    app.oauthProvider.resetStats();
    const [one, two] = await Promise.all([
      access().accessToken(userA.sub, connectionId),
      access().accessToken(userA.sub, connectionId),
    ]);
    secrets.add(one);
    expect(two).toBe(one);
    expect(one).not.toBe(before.access);
    expect(app.oauthProvider.stats().tokenRequests.refresh_token).toBe(1);
    const after = await storedTokens(userA.sub, connectionId);
    expect(after.access).toBe(one);
    expect(after.refresh).not.toBe(before.refresh);
    // The stored one is the live one: discovery (API B's session from it) still works.
    const execution = await discoverAgain();
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ status: 'CONNECTED' });
  }, 120_000);

  it('re-running discovery is idempotent: nothing written, no version changed', async () => {
    const versions = (await resources(connectionId)).map((r) => `${r.resourceId?.S}@${r.version?.N}`);
    const execution = await discoverAgain();
    await countTransitions('discover again: nothing changed', execution.executionArn ?? '');
    expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
      status: 'CONNECTED',
      written: 0,
      removed: 0,
    });
    expect((await resources(connectionId)).map((r) => `${r.resourceId?.S}@${r.version?.N}`)).toEqual(
      versions,
    );
  }, 120_000);

  it('API B down: PARTIAL with the reason, and API A’s resources (and API B’s earlier ones) kept', async () => {
    app.oauthProvider.setSwitches({ apiB: 'fail' });
    try {
      const execution = await discoverAgain();
      await countTransitions('discover: API B down (PARTIAL)', execution.executionArn ?? '');
      expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
        status: 'PARTIAL',
        active: 3,
        skipped: 2,
        removed: 0,
        reasons: ['accounts: ProviderUnavailable'],
      });
      const item = await connection(userA.sub, connectionId);
      expect(item?.status?.S).toBe('PARTIAL');
      expect(item?.statusReasons?.L?.map((r) => r.S)).toEqual(['accounts: ProviderUnavailable']);
      const stored = await resources(connectionId);
      expect(stored.filter((r) => r.source?.S === 'projects')).toHaveLength(5);
      expect(stored.filter((r) => r.source?.S === 'accounts')).toHaveLength(4);
    } finally {
      app.oauthProvider.setSwitches({ apiB: 'ok' });
    }
  }, 120_000);

  it('API B answering invalid_grant: PARTIAL with ReconnectRequired (not retried)', async () => {
    app.oauthProvider.setSwitches({ apiB: 'invalid_grant' });
    app.oauthProvider.resetStats();
    try {
      const execution = await discoverAgain();
      expect(JSON.parse(execution.output ?? '{}')).toMatchObject({
        status: 'PARTIAL',
        reasons: ['accounts: ReconnectRequired'],
      });
      expect(app.oauthProvider.stats().apiBSessions).toBe(1);
    } finally {
      app.oauthProvider.setSwitches({ apiB: 'ok' });
    }
    expect(JSON.parse((await discoverAgain()).output ?? '{}')).toMatchObject({ status: 'CONNECTED' });
  }, 120_000);

  it('the resources flow on to PostgreSQL through stream-sync, with their versions', async () => {
    const rds = new RDSDataClient(app.cloud.sdkConfig('RDS_DATA'));
    const expected = new Map((await resources(connectionId)).map((r) => [r.resourceId?.S, r.version?.N]));
    const rows = await until(async () => {
      const found = await query(
        rds,
        app.deployment,
        `SELECT resource_id, status, skip_reason, version FROM resources WHERE connection_id = '${connectionId}' AND deleted_at IS NULL`,
      );
      return found.length === expected.size &&
        found.every((r) => String(r.version) === expected.get(String(r.resource_id)))
        ? found
        : undefined;
    }, 'the resources in PostgreSQL');
    expect(rows.filter((r) => r.status === 'SKIPPED').every((r) => typeof r.skip_reason === 'string')).toBe(
      true,
    );
  }, 120_000);
});

describe('OAuth onboarding: one connection per user', () => {
  it('two app users connecting the same provider account get separate connections and resources', async () => {
    const started = await start(userB);
    const url = await consent(started.location, 'alice');
    const before = await executionArns(discoveryArn());
    const response = await callback(url, started.cookie);
    expect(response.status).toBe(303);
    connectionOfB =
      new URLSearchParams((response.headers.get('location') ?? '').split('?')[1]).get('connection') ?? '';
    expect(connectionOfB).not.toBe(connectionId);
    expect((await latestExecution(discoveryArn(), before)).status).toBe('SUCCEEDED');
    expect(await resources(connectionOfB)).toHaveLength(9);
    await storedTokens(userB.sub, connectionOfB);
    // User B's list shows B's connection only.
    const listed = await fetch(`${web}/api/connections`, {
      headers: { authorization: `Bearer ${userB.idToken}` },
    });
    const { connections } = (await listed.json()) as { connections: { connectionId: string }[] };
    expect(connections.map((c) => c.connectionId)).toEqual([connectionOfB]);
  }, 120_000);

  it('Discover again refuses while a discovery runs, and runs again once the last one stalled', async () => {
    const set = (updatedAt: number) =>
      dynamodb.send(
        new UpdateItemCommand({
          TableName: app.deployment.tables.connections,
          Key: { userId: { S: userB.sub }, connectionId: { S: connectionOfB } },
          UpdateExpression: 'SET #status = :discovering, updatedAt = :at',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':discovering': { S: 'DISCOVERING' },
            ':at': { S: new Date(updatedAt).toISOString() },
          },
        }),
      );
    const discover = () =>
      fetch(`${web}/api/connections/${encodeURIComponent(connectionOfB)}/discover`, {
        method: 'POST',
        headers: { authorization: `Bearer ${userB.idToken}` },
      });
    await set(Date.now());
    expect((await discover()).status).toBe(409);
    await set(Date.now() - 11 * 60_000);
    const listed = await fetch(`${web}/api/connections`, {
      headers: { authorization: `Bearer ${userB.idToken}` },
    });
    const { connections } = (await listed.json()) as { connections: { stalled: boolean }[] };
    expect(connections[0]?.stalled).toBe(true);
    const before = await executionArns(discoveryArn());
    expect((await discover()).status).toBe(202);
    expect(JSON.parse((await latestExecution(discoveryArn(), before)).output ?? '{}')).toMatchObject({
      status: 'CONNECTED',
    });
  }, 120_000);
});

describe('OAuth onboarding: disconnect', () => {
  it('revokes at the provider, deletes the parameters, marks the connection REVOKED and removes its resources', async () => {
    const tokens = await storedTokens(userA.sub, connectionId);
    const disconnectArn = app.deployment.stateMachines['oauth-disconnect'] ?? '';
    const before = await executionArns(disconnectArn);
    app.oauthProvider.resetStats();
    // Another user cannot disconnect it: ids are looked up under the caller's own user.
    const foreign = await fetch(`${web}/api/connections/${encodeURIComponent(connectionId)}/disconnect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userB.idToken}` },
    });
    expect(foreign.status).toBe(404);
    const response = await fetch(`${web}/api/connections/${encodeURIComponent(connectionId)}/disconnect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userA.idToken}` },
    });
    expect(response.status).toBe(202);
    const execution = await latestExecution(disconnectArn, before);
    await countTransitions('disconnect (9 resources removed)', execution.executionArn ?? '');
    expect(JSON.parse(execution.output ?? '{}')).toEqual({ status: 'REVOKED', removed: 9, reasons: [] });
    expect(app.oauthProvider.stats().revocations).toBe(2);
    expect(await storedTokens(userA.sub, connectionId)).toEqual({});
    expect((await connection(userA.sub, connectionId))?.status?.S).toBe('REVOKED');
    expect(await resources(connectionId)).toEqual([]);
    // User B's connection to the same provider account is untouched.
    expect(await resources(connectionOfB)).toHaveLength(9);
    expect((await connection(userB.sub, connectionOfB))?.status?.S).toBe('CONNECTED');
    // Revoked at the provider: the old access token no longer opens API A.
    const refused = await fetch(`${app.oauthProvider.apiA}/projects`, {
      headers: { authorization: `Bearer ${tokens.access}` },
    });
    expect(refused.status).toBe(401);
  }, 120_000);
});

describe('OAuth onboarding: secrets', () => {
  it('no access token, refresh token, code, verifier or client secret in any execution history or log line', async () => {
    expect(secrets.size).toBeGreaterThan(10);
    const { stateMachines } = app.deployment;
    const histories: string[] = [];
    for (const stateMachineArn of Object.values(stateMachines)) {
      const { executions = [] } = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }),
      );
      for (const execution of executions) {
        let nextToken: string | undefined;
        do {
          const page = await sfn.send(
            new GetExecutionHistoryCommand({
              executionArn: execution.executionArn,
              includeExecutionData: true,
              maxResults: 1000,
              ...(nextToken ? { nextToken } : {}),
            }),
          );
          histories.push(JSON.stringify(page.events));
          nextToken = page.nextToken;
        } while (nextToken);
      }
    }
    expect(histories.length).toBeGreaterThan(8);
    const scanned = [...histories, ...logLines, ...consoleLines].join('\n');
    for (const secret of secrets) {
      expect(scanned.includes(secret), `a secret (${secret.length} characters) appeared`).toBe(false);
    }
    // And nothing of them in DynamoDB, where only metadata belongs.
    for (const table of Object.values(app.deployment.tables)) {
      const { Items = [] } = await dynamodb.send(new ScanCommand({ TableName: table }));
      const text = JSON.stringify(Items);
      for (const secret of secrets) {
        // Pending authorization requests hold their verifier until consumed or expired, by design.
        if (table === app.deployment.tables.oauthSessions) continue;
        expect(text.includes(secret), `a secret in ${table}`).toBe(false);
      }
    }
    consoleLines = [];
  }, 120_000);
});
