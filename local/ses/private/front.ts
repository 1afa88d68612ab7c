import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, SesApiError } from '../errors.ts';
import type { SentEmail } from './outbox.ts';
import { handleQuery, isQueryRequest, queryError } from './query.ts';

/** The SES v2 REST path of SendEmail. https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendEmail.html */
export const SEND_EMAIL_PATH = '/v2/email/outbound-emails';

/** Request headers that belong to one hop and must not be forwarded to the library. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

export interface Front {
  /** Where aws-ses-v2-local listens, e.g. `http://127.0.0.1:40123`. */
  readonly backend: string;
  /** Called after the library accepted an email and before the sender is answered. */
  onSent(messageId: string, requestStartSeconds: number): Promise<void>;
  /** Keeps an email SES v1 accepted (served here, not by the library) before the sender is answered. */
  keep(email: SentEmail): Promise<void>;
  log?: (line: string) => void;
}

const addressList = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

/**
 * Checks the library lets through (aws-ses-v2-local issue #44): AWS rejects a SendEmail whose
 * Simple or Template content has no recipient with BadRequestException, while the library
 * stores it with empty To/Cc/Bcc. Raw content may name its recipients in MIME headers instead.
 */
export function checkSendEmail(body: Buffer): SesApiError | undefined {
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return badRequest('SendEmail body is not JSON: send it through the SES v2 SDK client.');
  }
  const content = input.Content as Record<string, unknown> | undefined;
  if (content?.Raw !== undefined) return undefined;
  const destination = (input.Destination ?? {}) as Record<string, unknown>;
  const count =
    addressList(destination.ToAddresses) +
    addressList(destination.CcAddresses) +
    addressList(destination.BccAddresses);
  if (count === 0) {
    return badRequest(
      'SendEmail has no recipient: set at least one address in Destination.ToAddresses, ' +
        'CcAddresses or BccAddresses (received none).',
    );
  }
  // AWS refuses an address without a domain with this text; the library would store it.
  const addresses = [destination.ToAddresses, destination.CcAddresses, destination.BccAddresses].flatMap(
    (list) => (Array.isArray(list) ? list : []),
  );
  if (addresses.some((address) => typeof address !== 'string' || !/@[^@\s>]+>?\s*$/.test(address))) {
    return badRequest("Missing final '@domain'");
  }
  return undefined;
}

/** REST-JSON error: the SDK takes the exception name from `x-amzn-ErrorType`, the text from `message`. */
function sendJsonError(res: ServerResponse, error: SesApiError): void {
  res.writeHead(error.status, { 'content-type': 'application/json', 'x-amzn-ErrorType': error.type });
  res.end(JSON.stringify({ message: error.message }));
}

function sendXml(res: ServerResponse, answer: { status: number; xml: string }): void {
  res.writeHead(answer.status, { 'content-type': 'text/xml' });
  res.end(answer.xml);
}

/** An error in the protocol the request spoke: XML for SES v1 (query), JSON for SES v2. */
export function sendError(req: IncomingMessage, res: ServerResponse, error: SesApiError): void {
  if (isQueryRequest(req.method, req.url)) sendXml(res, queryError(error));
  else sendJsonError(res, error);
}

/**
 * The library answers failures as `{message, detail}` (sometimes with `type`) and no error
 * header, which the SDK cannot name; this gives each one the name AWS would use.
 */
function libraryError(status: number, text: string, req: IncomingMessage): SesApiError {
  let json: { type?: unknown; message?: unknown; detail?: unknown } | undefined;
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    json = undefined;
  }
  if (json === undefined && status === 404) {
    return new SesApiError(
      'UnknownOperationException',
      `The local SES v2 endpoint (aws-ses-v2-local) does not support ${req.method} ${req.url}; ` +
        'it supports SendEmail, SendBulkEmail, the email template operations and GetAccount.',
      404,
    );
  }
  const type =
    typeof json?.type === 'string' ? json.type : status === 404 ? 'NotFoundException' : 'BadRequestException';
  const parts = [json?.message, json?.detail].filter((part) => typeof part === 'string');
  return new SesApiError(type, parts.join(': ') || text, status);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Validates what the library does not, forwards the request, and records accepted mail. */
export async function handle(front: Front, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (isQueryRequest(req.method, req.url)) {
    try {
      return sendXml(res, await handleQuery(body, front.keep));
    } catch (error) {
      if (error instanceof SesApiError) return sendXml(res, queryError(error));
      throw error;
    }
  }
  const isSend = req.method === 'POST' && req.url?.split('?')[0] === SEND_EMAIL_PATH;
  if (isSend) {
    const problem = checkSendEmail(body);
    if (problem) return sendJsonError(res, problem);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (!HOP_HEADERS.has(name) && typeof value === 'string') headers[name] = value;
  }
  const startSeconds = Math.floor(Date.now() / 1000);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const upstream = await fetch(`${front.backend}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    body: hasBody ? body : undefined,
  });
  const text = await upstream.text();
  if (!upstream.ok) return sendJsonError(res, libraryError(upstream.status, text, req));
  if (isSend) {
    const { MessageId } = JSON.parse(text) as { MessageId: string };
    await front.onSent(MessageId, startSeconds);
  }
  res.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/json',
  });
  res.end(text);
}
