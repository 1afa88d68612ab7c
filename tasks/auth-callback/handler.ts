/**
 * `GET /auth/callback?code&state` — the provider sends the browser back here. In order, each
 * step only after the one before it succeeded:
 * 1. the state consumed exactly once, in one conditional delete that also checks its expiry and
 *    that this browser holds the cookie set when it was issued (else 400, nothing else done);
 * 2. the code exchanged once, with the request's PKCE verifier; never retried (a refused code
 *    means starting again);
 * 3. the tokens written to SSM SecureString, then the connection's metadata to DynamoDB;
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
  AuthorizationRequests,
  Connections,
  clearedBindingCookie,
  connectionIdOf,
  OAuthError,
  ProviderClient,
  providerSettings,
  ReconnectRequired,
  readBinding,
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
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly discoveryStateMachineArn: string;
  readonly now: () => number;
}

const HOME = '/connections';
const STATE = /^[A-Za-z0-9_-]{43,128}$/;

export async function respond(event: z.infer<typeof HttpEvent>, deps: Dependencies): Promise<HttpResponse> {
  const secure = new URL(deps.provider.settings.redirectUri).protocol === 'https:';
  const cookies = [clearedBindingCookie(secure)];
  const page = (status: number, title: string, text: string, returnTo = HOME): HttpResponse => ({
    ...callbackPage(status, title, text, returnTo),
    cookies,
  });
  const rawQuery = event.rawQueryString ?? '';
  const query = new URLSearchParams(rawQuery);
  const state = query.get('state') ?? '';
  const binding = readBinding(event.cookies);
  if (!STATE.test(state) || !binding) {
    return page(
      400,
      'This connection attempt is not valid',
      'It may have expired, been used already, or been started in another browser. Start connecting again.',
    );
  }
  const request = await deps.requests.consume(state, binding, deps.now());
  if (!request) {
    return page(
      400,
      'This connection attempt is not valid',
      'It may have expired, been used already, or been started in another browser. Start connecting again.',
    );
  }
  if (query.has('error')) {
    // The provider's own answer (the user chose Deny, or the provider refused): only its code, as a word.
    const reason = /^[a-z_]{1,40}$/.test(query.get('error') ?? '') ? query.get('error') : 'an error';
    return page(
      200,
      'Not connected',
      `The provider answered ${reason}; nothing was connected.`,
      request.returnTo,
    );
  }
  let connectionId: string;
  try {
    const granted = await deps.provider.exchange(rawQuery, request.codeVerifier, state);
    const subject = granted.claims?.sub ?? '';
    connectionId = connectionIdOf(deps.provider.settings.name, subject);
    await deps.tokens.put(request.userId, connectionId, granted);
    const now = deps.now();
    await deps.connections.recordConsent(
      {
        userId: request.userId,
        connectionId,
        provider: deps.provider.settings.name,
        displayName: [...(granted.claims?.name ?? granted.claims?.email ?? subject)].slice(0, 200).join(''),
        scopes: granted.scopes,
        consentedAt: new Date(now).toISOString(),
        accessTokenExpiresAt: new Date(granted.accessTokenExpiresAt).toISOString(),
        hasRefreshToken: granted.refreshToken !== undefined,
      },
      now,
    );
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    console.error(`auth-callback: ${error.name}: ${error.message}`);
    if (error instanceof ReconnectRequired) {
      return page(
        400,
        'The provider did not accept this sign-in',
        'It may have been used already or taken too long. Start connecting again.',
        request.returnTo,
      );
    }
    return page(
      502,
      'The provider could not complete the connection',
      'Nothing was connected. Start connecting again in a minute.',
      request.returnTo,
    );
  }
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.discoveryStateMachineArn,
        // Named after the request (its state is spent), so a repeated start cannot run it twice.
        name: `connect-${state.slice(0, 40)}`,
        input: JSON.stringify({ userId: request.userId, connectionId }),
      }),
    );
  } catch (error) {
    // Connected, but nothing will discover: the record says so, and so does the page.
    console.error(`auth-callback: discovery did not start: ${(error as Error).name}`);
    await deps.connections.recordFailure(request.userId, connectionId, 'DISCOVERY_NOT_STARTED', deps.now());
    return page(
      502,
      'Connected, but discovery could not start',
      'Your account is connected; finding its resources failed to start. Use “Discover again” on your connections page.',
      request.returnTo,
    );
  }
  return {
    statusCode: 303,
    headers: {
      location: `${request.returnTo}?connection=${encodeURIComponent(connectionId)}`,
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
    sfn: new SFNClient({}),
    discoveryStateMachineArn: requiredEnv('DISCOVERY_STATE_MACHINE_ARN'),
    now: Date.now,
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
