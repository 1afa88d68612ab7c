/**
 * The HTTP face of the local DynamoDB service: AWS JSON 1.0, POST `/`, one port for both APIs,
 * routed by `X-Amz-Target` (`DynamoDB_20120810.<Op>` or `DynamoDBStreams_20120810.<Op>`), so
 * AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_DYNAMODB_STREAMS take the same URL.
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { DynamoDbApiError, internal, serialization, unknownOperation } from '../errors.ts';
import type { Backend, Operation } from './backend.ts';
import { DYNALITE_OPERATIONS } from './dynalite.ts';
import { runDynalite } from './passthrough.ts';
import { describeStream, getRecords, getShardIterator, listStreams } from './streams-api.ts';
import { createTable, deleteTable, describeTable, updateTable } from './tables.ts';
import { transactWriteItems } from './transactions.ts';
import { describeTimeToLive, updateTimeToLive } from './ttl.ts';

const DYNAMODB = 'DynamoDB_20120810.';
const STREAMS = 'DynamoDBStreams_20120810.';
/** DynamoDB's own request limit (dynalite's too). */
const BODY_LIMIT = 16 * 1024 * 1024;

function routes(): Map<string, Operation> {
  const table = new Map<string, Operation>();
  for (const name of DYNALITE_OPERATIONS) table.set(DYNAMODB + name, (b, body) => runDynalite(b, name, body));
  const own: Record<string, Operation> = {
    CreateTable: createTable,
    DescribeTable: describeTable,
    UpdateTable: updateTable,
    DeleteTable: deleteTable,
    UpdateTimeToLive: updateTimeToLive,
    DescribeTimeToLive: describeTimeToLive,
    TransactWriteItems: transactWriteItems(),
  };
  for (const [name, operation] of Object.entries(own)) table.set(DYNAMODB + name, operation);
  const streams = {
    ListStreams: listStreams,
    DescribeStream: describeStream,
    GetShardIterator: getShardIterator,
    GetRecords: getRecords,
  };
  for (const [name, operation] of Object.entries(streams)) table.set(STREAMS + name, operation);
  return table;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) throw serialization(`The request body is larger than ${BODY_LIMIT} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw serialization('The request body is not valid JSON: send a JSON object, as the AWS SDK does.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw serialization('The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = Buffer.from(JSON.stringify(body ?? {}));
  response.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.0',
    'Content-Length': text.length,
    'x-amzn-RequestId': randomUUID(),
    // DynamoDB sends the body's CRC32; SDKs may verify it.
    'x-amz-crc32': String(crc32(text)),
  });
  response.end(text);
}

export function createDynamoDbServer(backend: Backend): Server {
  const table = routes();
  const names = [...table.keys()].map((t) => t.slice(t.indexOf('.') + 1));
  return createServer((request, response) => {
    void (async () => {
      const target = String(request.headers['x-amz-target'] ?? '');
      const name = target.slice(target.indexOf('.') + 1);
      try {
        const operation = request.method === 'POST' ? table.get(target) : undefined;
        if (!operation) throw unknownOperation(target, names);
        send(response, 200, await operation(backend, await readBody(request)));
        // Operation names only: items can carry personal data and tokens.
        backend.log(`dynamodb ${name} 200`);
      } catch (error) {
        const answer = error instanceof DynamoDbApiError ? error : internal();
        if (answer.status >= 500) {
          backend.log(
            `dynamodb ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
          );
        } else {
          backend.log(`dynamodb ${name} ${answer.name} ${answer.status}`);
        }
        send(response, answer.status, answer.body());
      }
    })();
  });
}
