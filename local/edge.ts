/**
 * The edge endpoint: one address (by default http://127.0.0.1:4566) in front of every local
 * service, so `AWS_ENDPOINT_URL` alone points any AWS SDK or the AWS CLI at the whole local cloud.
 * A request goes to the service its `X-Amz-Target` names (JSON protocols: Step Functions,
 * DynamoDB and its Streams, SSM, SQS, Cognito), else to the service of its SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`: REST and query protocols such as
 * Lambda, SES, the RDS Data API), else, for Cognito's unsigned key-set reads, by path. The body is
 * streamed through to the service's own port untouched, so signatures and the services' own
 * wire formats are exactly as if the client had called the service directly.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { describeFailure, type Listening, listen } from './service.ts';

/** X-Amz-Target prefixes (before the dot) to the service id that answers them. */
const TARGETS: Readonly<Record<string, string>> = {
  AWSStepFunctions: 'SFN',
  DynamoDB_20120810: 'DYNAMODB',
  DynamoDBStreams_20120810: 'DYNAMODB',
  AmazonSSM: 'SSM',
  AmazonSQS: 'SQS',
  AWSCognitoIdentityProviderService: 'COGNITO_IDENTITY_PROVIDER',
};

/** SigV4 signing names to the service id. SES v1 and v2 both sign as `ses` and share one server. */
const SIGNING_NAMES: Readonly<Record<string, string>> = {
  states: 'SFN',
  dynamodb: 'DYNAMODB',
  ssm: 'SSM',
  sqs: 'SQS',
  'cognito-idp': 'COGNITO_IDENTITY_PROVIDER',
  ses: 'SESV2',
  'rds-data': 'RDS_DATA',
  lambda: 'LAMBDA',
  pipes: 'PIPES',
  scheduler: 'SCHEDULER',
};

/** Cognito serves each pool's key set at `/<pool id>/.well-known/jwks.json`, unsigned. */
const COGNITO_PATH = /^\/[\w-]+_[0-9A-Za-z]+\/\.well-known\/(jwks\.json|openid-configuration)$/;

/** The service a request is for, or undefined when nothing in it says. */
export function routeOf(headers: IncomingMessage['headers'], path: string): string | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const service = TARGETS[target.split('.')[0] ?? ''];
    if (service) return service;
  }
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    const scope = /Credential=[^/,]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization)?.[1];
    if (scope) return SIGNING_NAMES[scope];
  }
  if (COGNITO_PATH.test(path.split('?')[0] ?? '')) return 'COGNITO_IDENTITY_PROVIDER';
  return undefined;
}

export interface EdgeOptions {
  /** 0 (or absent) picks a free port. */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface Edge {
  readonly endpoint: string;
  /** Routes requests for `id` to `endpoint` from now on (services register as they start). */
  register(id: string, endpoint: string): void;
  close(): Promise<void>;
}

export async function startEdge(options: EdgeOptions = {}): Promise<Edge> {
  const log = options.log ?? (() => {});
  const upstream = new Map<string, URL>();

  const answer = (response: ServerResponse, status: number, type: string, message: string) => {
    if (response.headersSent) return void response.end();
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': type });
    response.end(JSON.stringify({ __type: type, message }));
  };

  const server = createServer((request, response) => {
    const id = routeOf(request.headers, request.url ?? '/');
    const target = id ? upstream.get(id) : undefined;
    if (!target) {
      request.resume();
      answer(
        response,
        400,
        'UnrecognizedClientException',
        id
          ? `The local cloud's ${id} service is not running.`
          : 'The local cloud could not tell which AWS service this request is for: send it with an X-Amz-Target header or a SigV4 Authorization header (any AWS SDK or the AWS CLI does), or use the service’s own endpoint (AWS_ENDPOINT_URL_<SERVICE>).',
      );
      return;
    }
    const forwarded = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        // The Host header is signed: pass it on as the client sent it.
        headers: request.headers,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 502, reply.statusMessage, reply.rawHeaders);
        reply.pipe(response);
      },
    );
    forwarded.on('error', (error) => {
      log(`edge: ${id} ${request.method} failed: ${describeFailure(error)}`);
      answer(response, 502, 'ServiceUnavailable', `The local ${id} service did not answer; try again.`);
    });
    request.pipe(forwarded);
  });
  const listening: Listening = await listen(server, { port: options.port ?? 0 });
  return {
    endpoint: listening.endpoint,
    register: (id, endpoint) => upstream.set(id, new URL(endpoint)),
    close: listening.stop,
  };
}
