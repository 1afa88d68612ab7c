/**
 * SQS's AWS JSON 1.0 protocol: POST `/` with `X-Amz-Target: AmazonSQS.<Operation>`, JSON in and
 * out (`application/x-amz-json-1.0`), errors as HTTP 400 with `__type` naming the exception and,
 * because SQS is "query compatible", the query error code in `x-amzn-query-error`.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type SqsApiError, serialization } from './errors.ts';

export const TARGET_PREFIX = 'AmazonSQS.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Ten 1 MiB messages, base64 and JSON escaping included, fit well below this. */
const BODY_LIMIT = 32 * 1024 * 1024;

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > BODY_LIMIT) throw serialization(`The request body is larger than ${BODY_LIMIT} bytes.`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw serialization('The request body is not valid JSON: send a JSON object, as the AWS SDK does.');
  }
}

function write(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
    ...headers,
  });
  response.end(text);
}

export function sendResult(response: ServerResponse, body: unknown): void {
  write(response, 200, body);
}

export function sendError(response: ServerResponse, error: SqsApiError): void {
  write(response, error.status, error.body(), { 'x-amzn-query-error': error.queryError() });
}
