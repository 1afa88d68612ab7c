/**
 * Sandbox API B: the user's billing accounts, reached through a short-lived session that the
 * client opens with its refresh token. `POST /api/b/v1/sessions` (client authenticated by HTTP
 * Basic; form `refresh_token=`) checks the refresh token through oidc-provider's own model (present,
 * not consumed, not expired, this client's, grant not revoked, `accounts.read` granted) without
 * consuming or rotating it, and answers `201 {session_token, expires_in}`. `GET
 * /api/b/v1/accounts?cursor=` takes `Authorization: Session <token>`. Sessions live in memory.
 * Switches: `fail` 503 on both endpoints, `slow` answers after the delay, `invalid_grant` makes the
 * session endpoint refuse the refresh token.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Provider } from 'oidc-provider';
import { z } from 'zod';
import { basicClientMatches } from './client-auth.ts';
import { BadRequest, readForm, sendJson } from './http.ts';
import { page } from './paging.ts';
import { userBySub } from './sandbox-data.ts';
import type { SandboxControls } from './switches.ts';

export const API_B_PATH = '/api/b/v1';
const SESSION_TTL_SECONDS = 900;

interface ApiBSession {
  readonly accountId: string;
  readonly grantId: string;
  readonly expiresAt: number;
}

export interface ApiBContext {
  readonly provider: Provider;
  readonly controls: SandboxControls;
  readonly client: { readonly clientId: string; readonly clientSecret: string };
  readonly sessions: Map<string, ApiBSession>;
  /** Aborted on close, so a `slow` answer does not hold the server open. */
  readonly signal: AbortSignal;
}

const sessionForm = z.object({ refresh_token: z.string().min(1).max(512) });

export async function handleApiB(context: ApiBContext, req: IncomingMessage, res: ServerResponse, url: URL) {
  const route = url.pathname.slice(API_B_PATH.length);
  if (route === '/sessions') context.controls.count('apiBSessions');
  else if (route === '/accounts') context.controls.count('apiB');
  else return sendJson(res, 404, { error: 'not_found' });
  const method = route === '/sessions' ? 'POST' : 'GET';
  if (req.method !== method) return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: method });
  const switches = context.controls.switches();
  if (switches.apiB === 'fail')
    return sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '1' });
  if (switches.apiB === 'slow') await delay(switches.apiBDelayMs, undefined, { signal: context.signal });
  try {
    return route === '/sessions'
      ? await openSession(context, req, res, switches.apiB === 'invalid_grant')
      : await listAccounts(context, req, res, url);
  } catch (error) {
    if (error instanceof BadRequest) {
      return sendJson(res, error.status, { error: 'invalid_request', error_description: error.message });
    }
    throw error;
  }
}

async function openSession(context: ApiBContext, req: IncomingMessage, res: ServerResponse, refuse: boolean) {
  if (!basicClientMatches(req, context.client.clientId, context.client.clientSecret)) {
    return sendJson(
      res,
      401,
      { error: 'invalid_client', error_description: 'client authentication failed (HTTP Basic)' },
      { 'WWW-Authenticate': 'Basic realm="sandbox"' },
    );
  }
  const form = await readForm(req, sessionForm);
  const problem = refuse
    ? 'refused by the invalid_grant switch'
    : await refreshTokenProblem(context, form.refresh_token);
  if (typeof problem === 'string') {
    return sendJson(res, 400, { error: 'invalid_grant', error_description: problem });
  }
  const sessionToken = randomBytes(32).toString('base64url');
  context.sessions.set(sessionToken, { ...problem, expiresAt: Date.now() + SESSION_TTL_SECONDS * 1000 });
  return sendJson(res, 201, { session_token: sessionToken, expires_in: SESSION_TTL_SECONDS });
}

/** The reason a refresh token cannot open a session, or whose it is. */
async function refreshTokenProblem(
  context: ApiBContext,
  value: string,
): Promise<string | { accountId: string; grantId: string }> {
  const token = await context.provider.RefreshToken.find(value);
  if (!token || token.isExpired) return 'refresh token not found or expired';
  if (token.consumed) return 'refresh token already used';
  if (token.clientId !== context.client.clientId) return 'refresh token belongs to another client';
  if (!token.scopes.has('accounts.read')) return 'refresh token lacks the accounts.read scope';
  if (!(await context.provider.Grant.find(token.grantId))) return 'grant revoked';
  return { accountId: token.accountId, grantId: token.grantId };
}

async function listAccounts(context: ApiBContext, req: IncomingMessage, res: ServerResponse, url: URL) {
  const match = /^Session ([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
  const session = match?.[1] ? context.sessions.get(match[1]) : undefined;
  if (!session || session.expiresAt <= Date.now() || !(await context.provider.Grant.find(session.grantId))) {
    if (match?.[1]) context.sessions.delete(match[1]);
    return sendJson(
      res,
      401,
      { error: 'invalid_session', error_description: 'the session is unknown or expired; open a new one' },
      { 'WWW-Authenticate': 'Session' },
    );
  }
  const result = page(userBySub(session.accountId)?.billingAccounts ?? [], url.searchParams.get('cursor'));
  return sendJson(res, 200, { accounts: result.items, nextCursor: result.nextCursor });
}
