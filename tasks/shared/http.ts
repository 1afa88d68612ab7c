/** What the tasks behind the HTTP API answer, and how they read a JSON body. */

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
