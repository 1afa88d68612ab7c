/**
 * A tiny HTTP server on 127.0.0.1 that answers like an AWS service, so tests run the real SDK
 * clients: their serialization, error parsing and error naming.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseResource } from '../../../asl/definition/resource.ts';
import { createAwsSdkHandler, type SdkClientSpec } from '../../../asl/services/aws-sdk.ts';
import type { TaskHandler, TaskRequest } from '../../../asl/services/types.ts';
import { testExecution as execution } from '../../fixtures/execution.ts';

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FakeResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export type Responder = (request: RecordedRequest) => FakeResponse;

export interface FakeAws {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** What the next requests are answered with; the last responder stays for later requests. */
  respond(responder: Responder): void;
  close(): Promise<void>;
}

export async function startFakeAws(initial: Responder = () => ({ body: '{}' })): Promise<FakeAws> {
  let responder = initial;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = responder(recorded);
      const body = answer.body ?? '';
      res.writeHead(answer.status ?? 200, {
        'Content-Length': String(Buffer.byteLength(body)),
        ...answer.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    respond(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

/** Dummy credentials: the SDK signs requests, the fake server ignores the signature. */
export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** An aws-sdk handler whose clients talk to the fake server, without retries; `specs` records the factory's calls. */
export function localSdkHandler(aws: FakeAws, specs: SdkClientSpec[] = []): TaskHandler {
  return createAwsSdkHandler({
    clientFactory: (spec) => {
      specs.push(spec);
      return new spec.clientClass({
        region: spec.region,
        endpoint: aws.endpoint,
        credentials,
        maxAttempts: 1,
        // Bucket in the path: the fake server has no bucket host names.
        ...(spec.service === 's3' ? { forcePathStyle: true } : {}),
      });
    },
  });
}

/** JSON 1.0 answers (DynamoDB, SFN) and their error bodies. */
export function awsJson(body: unknown, requestId = 'req-1'): FakeResponse {
  return {
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
    body: JSON.stringify(body),
  };
}

export function awsJsonError(
  status: number,
  type: string,
  message: string,
  requestId = 'req-1',
): FakeResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId },
    body: JSON.stringify({ __type: type, message }),
  };
}

/** A TaskRequest for a resource ARN, as the runtime builds it. */
export function taskRequest(arn: string, args: unknown, more: Partial<TaskRequest> = {}): TaskRequest {
  const resource = parseResource(arn);
  if (!resource) throw new TypeError(`not a Task resource: ${arn}`);
  return {
    resource,
    arguments: args,
    region: resource.region ?? 'us-east-1',
    signal: new AbortController().signal,
    execution,
    stateName: 'T',
    ...more,
  };
}
