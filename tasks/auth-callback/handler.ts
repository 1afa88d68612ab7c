/**
 * `GET /auth/callback?code&state` — the provider sends the browser back here. In order, each
 * step only after the one before it succeeded:
 * 1. the state consumed exactly once, in one conditional delete that also checks its expiry and
 *    that this browser holds the cookie set when it was issued (else 400, nothing else done);
 * 2. the code exchanged once, with the request's PKCE verifier; never retried (a refused code
 *    means starting again);
 * 3. under the connection's lock, its metadata written to DynamoDB, then the tokens to SSM
 *    SecureString (if they cannot be stored, the record says FAILED);
 * 4. the discovery workflow started with metadata only (user and connection ids);
 * 5. a 303 to the page the user came from, which shows discovery's progress.
 * The code and the tokens stay inside this function: no workflow input, no log line, no page
 * holds them. This is the "one thin Lambda" of the exchange because the code must never enter an
 * execution history, which records every task's input.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { requiredEnv } from '../shared/env.ts';
import type { HttpResponse } from '../shared/http.ts';
import {
  type AuthorizationRequest,
  AuthorizationRequests,
  ConnectionLock,
  Connections,
  clearedBindingCookie,
  connectionIdOf,
  OAuthError,
  ProviderClient,
  ProviderError,
  plainErrorCode,
  providerSettings,
  ReconnectRequired,
  readBindings,
  TokenStore,
} from '../shared/oauth/index.ts';
import { callbackPage } from './page.ts';

const HttpEvent = z.looseObject({
  rawQueryString: z.string().optional(),
  cookies: z.array(z.string()).optional(),
});

export interface Dependencies {
  readonly provider: Pick<ProviderClient, 'exchange' | 'settings'>;
  readonly requests: AuthorizationRequests;
  readonly tokens: TokenStore;
  readonly connections: Connections;
  readonly lock: ConnectionLock;
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly discoveryStateMachineArn: string;
  readonly now: () => number;
}

const HOME = '/connections';
const STATE = /^[A-Za-z0-9_-]{43,128}$/;

export async function respond(event: z.infer<typeof HttpEvent>, deps: Dependencies): Promise<HttpResponse> {
  const rawQuery = event.rawQueryString ?? '';
  const query = new URLSearchParams(rawQuery);
  const state = query.get('state') ?? '';
  // Before the request is consumed nothing is cleared: a forged callback must not end a real flow.
  let cookies: string[] = [];
  const page = (status: number, title: string, text: string, returnTo = HOME): HttpResponse => ({
    ...callbackPage(status, title, text, returnTo),
    cookies,
  });
  const invalid = () =>
    page(
      400,
      'This connection attempt is not valid',
      'It may have expired, been used already, or been started in another browser. Start connecting again.',
    );
  if (!STATE.test(state)) return invalid();
  let request: AuthorizationRequest | undefined;
  for (const binding of readBindings(event.cookies, state)) {
    request = await deps.requests.consume(state, binding, deps.now());
    if (request) break;
  }
  if (!request) return invalid();
  cookies = [clearedBindingCookie(state, deps.provider.settings.redirectUri)];
  const { userId, returnTo } = request;
  if (query.has('error')) {
    // The provider's own answer (the user chose Deny, or the provider refused): only its code, as a word.
    const reason = plainErrorCode(query.get('error')) ?? 'an error';
    return page(200, 'Not connected', `The provider answered ${reason}; nothing was connected.`, returnTo);
  }
  let connectionId: string;
  try {
    const granted = await deps.provider.exchange(rawQuery, request.codeVerifier, state);
    const subject = granted.claims?.sub ?? '';
    connectionId = connectionIdOf(deps.provider.settings.name, userId, subject);
    const id = connectionId;
    const now = deps.now();
    // Under the connection's lock: a refresh of an earlier grant of this connection (a discovery
    // running) cannot write its rotated token over the new grant's.
    await deps.lock.withLock(userId, id, async () => {
      // The record first: if the tokens cannot be stored, it says FAILED, and Disconnect can clean up.
      await deps.connections.recordConsent(
        {
          userId,
          connectionId: id,
          provider: deps.provider.settings.name,
          providerSubject: subject,
          displayName: [...(granted.claims?.name ?? granted.claims?.email ?? subject)].slice(0, 200).join(''),
          scopes: granted.scopes,
          consentedAt: new Date(now).toISOString(),
          accessTokenExpiresAt: new Date(granted.accessTokenExpiresAt).toISOString(),
          hasRefreshToken: granted.refreshToken !== undefined,
        },
        now,
      );
      try {
        await deps.tokens.put(userId, id, granted);
        // A reconnect without a refresh token: the old grant's must not be used with the new one.
        if (!granted.refreshToken) await deps.tokens.deleteRefreshToken(userId, id);
      } catch (error) {
        await deps.connections.recordFailure(userId, id, 'TOKENS_NOT_STORED', deps.now());
        throw new ProviderError(`The tokens could not be stored (${(error as Error).name}).`);
      }
    });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    console.error(`auth-callback: ${error.name}: ${error.message}`);
    if (error instanceof ReconnectRequired) {
      return page(
        400,
        'The provider did not accept this sign-in',
        'It may have been used already or taken too long. Start connecting again.',
        returnTo,
      );
    }
    return page(
      502,
      'The connection could not be completed',
      'Your account was not connected. Start connecting again in a minute.',
      returnTo,
    );
  }
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.discoveryStateMachineArn,
        // Named after the request (its state is spent), so a repeated start cannot run it twice.
        name: `connect-${state.slice(0, 40)}`,
        input: JSON.stringify({ userId, connectionId }),
      }),
    );
  } catch (error) {
    // Connected, but nothing will discover: the record says so, and so does the page.
    console.error(`auth-callback: discovery did not start: ${(error as Error).name}`);
    await deps.connections.recordFailure(userId, connectionId, 'DISCOVERY_NOT_STARTED', deps.now());
    return page(
      502,
      'Connected, but discovery could not start',
      'Your account is connected; finding its resources failed to start. Use “Discover again” on your connections page.',
      returnTo,
    );
  }
  return {
    statusCode: 303,
    headers: {
      location: `${returnTo}?connection=${encodeURIComponent(connectionId)}`,
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    },
    body: '',
    cookies,
  };
}

let deps: Dependencies | undefined;

function dependencies(): Dependencies {
  if (deps) return deps;
  const settings = providerSettings();
  const dynamodb = new DynamoDBClient({});
  const ssm = new SSMClient({});
  deps = {
    provider: new ProviderClient(settings, ssm),
    requests: new AuthorizationRequests(dynamodb, requiredEnv('OAUTH_SESSIONS_TABLE')),
    tokens: new TokenStore(ssm, settings.parameterPath, process.env.OAUTH_KMS_KEY_ID),
    connections: new Connections(dynamodb, requiredEnv('CONNECTIONS_TABLE')),
    lock: new ConnectionLock(dynamodb, requiredEnv('OAUTH_LOCKS_TABLE')),
    sfn: new SFNClient({}),
    discoveryStateMachineArn: requiredEnv('DISCOVERY_STATE_MACHINE_ARN'),
    now: Date.now,
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
