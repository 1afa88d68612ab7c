/**
 * SSM's AWS JSON 1.1 protocol: POST `/` with `X-Amz-Target: AmazonSSM.<Operation>`, JSON in and
 * out (`application/x-amz-json-1.1`), errors as HTTP 400 with `__type` naming the exception.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type SsmApiError, serialization } from './errors.ts';

export const TARGET_PREFIX = 'AmazonSSM.';
const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Far above any SSM request (10 names, or one 4 KB value); stops a runaway client early. */
const BODY_LIMIT = 1024 * 1024;

/** Timestamps in the JSON protocols are epoch seconds, with the milliseconds as a fraction. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

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

function write(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': randomUUID(),
  });
  response.end(text);
}

export function sendResult(response: ServerResponse, body: unknown): void {
  write(response, 200, body);
}

export function sendError(response: ServerResponse, error: SsmApiError): void {
  write(response, error.status, error.body());
}
