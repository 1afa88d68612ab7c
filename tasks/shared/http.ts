/** What the tasks behind the HTTP API answer, and how they read a request. */
import { z } from 'zod';

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Set-Cookie values (API Gateway payload format 2.0 sends each as its own header). */
  readonly cookies?: readonly string[];
}

export function json(statusCode: number, body: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

/** The request body parsed as JSON (API Gateway may pass it base64-encoded); undefined if it is not JSON. */
export function parseJsonBody(event: {
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}): unknown {
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The request context of a payload-format-2.0 event: the method, and on `auth: 'cognito'` routes
 * the claims API Gateway's JWT authorizer verified.
 */
export const RequestContext = z.looseObject({
  http: z.looseObject({ method: z.string() }),
  authorizer: z.looseObject({ jwt: z.looseObject({ claims: z.record(z.string(), z.unknown()) }) }).optional(),
});

/**
 * The signed-in user of a request: the verified ID token's `sub` (and `email`). Undefined for
 * anything else, an access token included, so a misconfigured route still refuses.
 */
export function signedInUser(
  context: z.infer<typeof RequestContext>,
): { readonly sub: string; readonly email?: string } | undefined {
  const claims = context.authorizer?.jwt.claims;
  if (typeof claims?.sub !== 'string' || claims.token_use !== 'id') return undefined;
  return { sub: claims.sub, ...(typeof claims.email === 'string' ? { email: claims.email } : {}) };
}
