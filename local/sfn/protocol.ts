/**
 * The AWS JSON 1.0 protocol of the Step Functions API: POST `/` with `X-Amz-Target:
 * AWSStepFunctions.<Operation>`, JSON in and out, errors as HTTP 400 with `__type`.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SfnApiError } from './errors.ts';

/** Timestamps in the JSON protocol are epoch seconds (with fraction). */
export function epochSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}

export async function readBody(request: IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit)
      throw new SfnApiError('ValidationException', `Request body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? {});
  response.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': crypto.randomUUID(),
  });
  response.end(text);
}

export function sendError(response: ServerResponse, error: SfnApiError): void {
  send(response, error.status, error.body());
}
