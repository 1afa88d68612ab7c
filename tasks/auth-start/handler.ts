/**
 * `GET /auth/start` by a signed-in user (API Gateway's Cognito JWT authorizer has checked the ID
 * token): a fresh state (256 random bits) and PKCE verifier (S256 challenge), stored with an
 * expiry, bound to this user and to this browser by an HttpOnly cookie only the callback path
 * receives; then the provider's authorization URL. A browser's script asks with
 * `Accept: application/json` (a fetch cannot follow a redirect to another site and let the page
 * go there) and gets `{ "location": … }`; anything else gets the 302.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSMClient } from '@aws-sdk/client-ssm';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { requiredEnv } from '../shared/env.ts';
import { type HttpResponse, json, RequestContext, signedInUser } from '../shared/http.ts';
import {
  AuthorizationRequests,
  bindingCookie,
  OAuthError,
  ProviderClient,
  providerSettings,
  REQUEST_LIFETIME_SECONDS,
} from '../shared/oauth/index.ts';

const HttpEvent = z.looseObject({
  headers: z.record(z.string(), z.string()).optional(),
  queryStringParameters: z.record(z.string(), z.string()).optional(),
  requestContext: RequestContext,
});

/** The paths of this app a user may be sent back to after connecting (no open redirect). */
export const RETURN_PATHS = ['/connections'] as const;

export interface Dependencies {
  readonly provider: Pick<ProviderClient, 'authorizationUrl' | 'settings'>;
  readonly requests: AuthorizationRequests;
  readonly now: () => number;
}

export async function respond(event: z.infer<typeof HttpEvent>, deps: Dependencies): Promise<HttpResponse> {
  const userId = signedInUser(event.requestContext)?.sub;
  // API Gateway's authorizer refuses these first; this holds if the route is ever misconfigured.
  if (!userId) {
    return json(401, { message: 'Sign in first (an ID token is required).' });
  }
  const returnTo = event.queryStringParameters?.returnTo ?? RETURN_PATHS[0];
  if (!(RETURN_PATHS as readonly string[]).includes(returnTo)) {
    return json(400, {
      message: `returnTo must be one of this app's pages (${RETURN_PATHS.join(', ')}); other addresses are refused.`,
    });
  }
  const state = oidc.randomState();
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const binding = randomBytes(32).toString('base64url');
  let location: URL;
  try {
    location = await deps.provider.authorizationUrl(
      state,
      await oidc.calculatePKCECodeChallenge(codeVerifier),
    );
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    console.error(`auth-start: ${error.name}: ${error.message}`);
    return json(503, { message: 'The provider cannot be reached right now; try again in a minute.' });
  }
  await deps.requests.create({ state, userId, codeVerifier, returnTo }, binding, deps.now());
  const cookies = [
    bindingCookie(state, binding, REQUEST_LIFETIME_SECONDS, deps.provider.settings.redirectUri),
  ];
  const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  const accept = event.headers?.accept ?? '';
  if (accept.includes('application/json')) {
    return { ...json(200, { location: location.href }), cookies };
  }
  return { statusCode: 302, headers: { ...headers, location: location.href }, body: '', cookies };
}

let deps: Dependencies | undefined;

function dependencies(): Dependencies {
  if (deps) return deps;
  const dynamodb = new DynamoDBClient({});
  deps = {
    provider: new ProviderClient(providerSettings(), new SSMClient({})),
    requests: new AuthorizationRequests(dynamodb, requiredEnv('OAUTH_SESSIONS_TABLE')),
    now: Date.now,
  };
  return deps;
}

export async function handler(event: unknown): Promise<HttpResponse> {
  return respond(HttpEvent.parse(event), dependencies());
}
