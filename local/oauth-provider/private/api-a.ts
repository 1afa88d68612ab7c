/**
 * Sandbox API A: the signed-in user's projects, `GET /api/a/v1/projects?cursor=`, authorized by a
 * bearer access token. The token is checked through oidc-provider's own model (unknown, expired
 * or revoked: 401 `invalid_token`; without `projects.read`: 403 `insufficient_scope`), as RFC 6750
 * section 3.1 spells the errors. The `apiA: 'fail'` switch answers 503.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import { BadRequest, sendJson } from './http.ts';
import { page } from './paging.ts';
import { userBySub } from './sandbox-data.ts';
import type { SandboxControls } from './switches.ts';

export const API_A_PATH = '/api/a/v1';

export interface ApiAContext {
  readonly provider: Provider;
  readonly controls: SandboxControls;
}

export async function handleApiA(context: ApiAContext, req: IncomingMessage, res: ServerResponse, url: URL) {
  context.controls.count('apiA');
  if (url.pathname !== `${API_A_PATH}/projects`) return sendJson(res, 404, { error: 'not_found' });
  if (req.method !== 'GET') return sendJson(res, 405, { error: 'method_not_allowed' }, { Allow: 'GET' });
  if (context.controls.switches().apiA === 'fail') {
    return sendJson(res, 503, { error: 'temporarily_unavailable' }, { 'Retry-After': '1' });
  }
  if (req.headers.authorization === undefined) {
    // RFC 6750 section 3.1: no credentials at all, no error code.
    return sendJson(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer realm="sandbox"' });
  }
  const match = /^Bearer ([\w.~+/-]+=*)$/.exec(req.headers.authorization);
  const token = match?.[1] ? await context.provider.AccessToken.find(match[1]) : undefined;
  if (!token || token.isExpired) {
    return sendJson(
      res,
      401,
      { error: 'invalid_token' },
      {
        'WWW-Authenticate': 'Bearer error="invalid_token", error_description="the access token is not valid"',
      },
    );
  }
  if (!token.scopes.has('projects.read')) {
    return sendJson(
      res,
      403,
      { error: 'insufficient_scope' },
      { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="projects.read"' },
    );
  }
  const user = userBySub(token.accountId);
  try {
    const result = page(user?.projects ?? [], url.searchParams.get('cursor'));
    return sendJson(res, 200, { projects: result.items, nextCursor: result.nextCursor });
  } catch (error) {
    if (error instanceof BadRequest)
      return sendJson(res, 400, { error: 'invalid_request', error_description: error.message });
    throw error;
  }
}
