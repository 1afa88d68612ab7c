/**
 * The AWS JSON protocols (1.0 and 1.1) as the local SSM and SQS endpoints speak them: POST `/`
 * with `X-Amz-Target: <prefix><Operation>`, a JSON object in, JSON out with the protocol's
 * content type and a request id, and an error as the area's API error (its HTTP status, its
 * body, any extra headers). One handler serves every such service; each names its operations
 * and its errors. https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeFailure, type LocalApiError } from './service.ts';

/** An API error of one area: its status, and its body as the protocol writes it. */
export interface JsonApiError extends LocalApiError {
  body(): Record<string, string>;
}

export interface JsonApi<Context, E extends JsonApiError> {
  /** The service's name in log lines, e.g. `SSM`. */
  readonly service: string;
  /** e.g. `AmazonSSM.` */
  readonly targetPrefix: string;
  /** `application/x-amz-json-1.0` or `-1.1`. */
  readonly contentType: string;
  /** Bodies past this are refused before they are read whole. */
  readonly bodyLimit: number;
  readonly operations: Readonly<
    Record<string, (context: Context, body: Record<string, unknown>) => Promise<unknown>>
  >;
  /** Whether an error is the area's API error (sent as it is); anything else is an internal failure. */
  readonly isApiError: (error: unknown) => error is E;
  readonly unknownOperation: (target: string | undefined, supported: readonly string[]) => E;
  readonly serialization: (message: string) => E;
  readonly internal: () => E;
  /** Headers an error adds (SQS's `x-amzn-query-error`). */
  readonly errorHeaders?: (error: E) => Record<string, string>;
}

/** The request handler of a JSON-protocol service; `context` gives each request its context. */
export function jsonApiHandler<Context, E extends JsonApiError>(
  api: JsonApi<Context, E>,
  context: (request: IncomingMessage) => Context,
  log: (line: string) => void,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  const write = (
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body ?? {});
    response.writeHead(status, {
      'Content-Type': api.contentType,
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomUUID(),
      ...headers,
    });
    response.end(text);
  };

  const readJson = async (request: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > api.bodyLimit)
        throw api.serialization(`The request body is larger than ${api.bodyLimit} bytes.`);
      chunks.push(buffer);
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw api.serialization('The request body is not valid JSON: send a JSON object, as the AWS SDK does.');
    }
  };

  return async (request, response) => {
    const header = request.headers['x-amz-target'];
    const target = Array.isArray(header) ? header[0] : header;
    const name = target?.startsWith(api.targetPrefix) ? target.slice(api.targetPrefix.length) : undefined;
    const operation =
      name !== undefined && Object.hasOwn(api.operations, name) ? api.operations[name] : undefined;
    const label = operation ? (name ?? '') : 'unknown operation';
    try {
      if (request.method !== 'POST' || operation === undefined) {
        throw api.unknownOperation(target, Object.keys(api.operations));
      }
      const body = await readJson(request);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw api.serialization(`The ${label} request body must be a JSON object.`);
      }
      write(response, 200, await operation(context(request), body as Record<string, unknown>));
      log(`${api.service} ${label} 200`);
    } catch (error) {
      const answer = api.isApiError(error) ? error : api.internal();
      if (!api.isApiError(error)) log(`${api.service} ${label} failed: ${describeFailure(error)}`);
      write(response, answer.status, answer.body(), api.errorHeaders?.(answer));
      log(`${api.service} ${label} ${answer.status} ${answer.name}`);
    }
  };
}
