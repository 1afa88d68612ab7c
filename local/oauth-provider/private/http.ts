/**
 * The few HTTP helpers the sandbox's own routes share (interaction pages, resource APIs,
 * switches): reading a bounded request body, answering JSON, and parsing a form or a JSON body with
 * zod so handlers never read raw input.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

const BODY_LIMIT = 64 * 1024;

export class BadRequest extends Error {
  override name = 'BadRequest';
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > BODY_LIMIT) throw new BadRequest(`request body over ${BODY_LIMIT} bytes`, 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readForm<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  if (!isContentType(req, 'application/x-www-form-urlencoded')) {
    throw new BadRequest('expected Content-Type: application/x-www-form-urlencoded', 415);
  }
  const form = Object.fromEntries(new URLSearchParams(await readBody(req)));
  const parsed = schema.safeParse(form);
  if (!parsed.success) throw new BadRequest(parsed.error.issues.map(describeIssue).join('; '));
  return parsed.data;
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!isContentType(req, 'application/json'))
    throw new BadRequest('expected Content-Type: application/json', 415);
  try {
    return JSON.parse(await readBody(req));
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    throw new BadRequest('the body is not valid JSON');
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

function isContentType(req: IncomingMessage, type: string): boolean {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() === type;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(body)'}: ${issue.message}`;
}
