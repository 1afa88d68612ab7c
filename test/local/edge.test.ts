/**
 * The edge endpoint and the ports kept per data directory: `AWS_ENDPOINT_URL` alone reaches every
 * service, and a restart serves the same addresses (so links in old emails and tokens stay valid).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { routeOf } from '../../local/edge.ts';

const START = 120_000;

describe('the edge endpoint', () => {
  let dir: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'edge-'));
    cloud = await startLocalCloud({ dataDir: dir, functions: { hello: async () => ({ hi: true }) } });
  }, START);
  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }, START);

  /** A client configured with the edge endpoint only, as `export AWS_ENDPOINT_URL=...` would. */
  const at = () => ({
    region: 'us-east-1',
    endpoint: cloud.edge,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

  it('routes every SDK to its service: JSON targets, REST and query protocols by their signing name', async () => {
    expect((await new SFNClient(at()).send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    expect((await new DynamoDBClient(at()).send(new ListTablesCommand({}))).TableNames).toEqual([]);
    expect((await new DynamoDBStreamsClient(at()).send(new ListStreamsCommand({}))).Streams).toEqual([]);
    const ssm = new SSMClient(at());
    await ssm.send(new PutParameterCommand({ Name: '/edge/x', Value: 'v', Type: 'String' }));
    expect((await ssm.send(new GetParameterCommand({ Name: '/edge/x' }))).Parameter?.Value).toBe('v');
    const sqs = new SQSClient(at());
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'edge-dlq' }));
    expect(QueueUrl).toBe(`${cloud.edge}/111111111111/edge-dlq`);
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'via the edge' }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages?.[0]?.Body).toBe(
      'via the edge',
    );
    expect(
      (await new CognitoIdentityProviderClient(at()).send(new ListUserPoolsCommand({ MaxResults: 10 })))
        .UserPools,
    ).toEqual([]);
    const sent = await new SESv2Client(at()).send(
      new SendEmailCommand({
        FromEmailAddress: 'a@example.com',
        Destination: { ToAddresses: ['b@example.com'] },
        Content: { Simple: { Subject: { Data: 'via the edge' }, Body: { Text: { Data: 'hi' } } } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    expect((await cloud.outbox()).map((m) => m.subject)).toContain('via the edge');
    const rows = await new RDSDataClient(at()).send(
      new ExecuteStatementCommand({
        resourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:c',
        secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:s',
        sql: 'SELECT 1 AS one',
      }),
    );
    expect(rows.records?.[0]?.[0]?.longValue).toBe(1);
    const invoked = await new LambdaClient(at()).send(new InvokeCommand({ FunctionName: 'hello' }));
    expect(JSON.parse(Buffer.from(invoked.Payload ?? []).toString())).toEqual({ hi: true });
  });

  it('says what to do with a request that names no service', async () => {
    const response = await fetch(cloud.edge, { method: 'POST', body: '{}' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(
      /X-Amz-Target header or a SigV4/,
    );
  });

  it('tells services apart by X-Amz-Target, then the credential scope, then Cognito key-set paths', () => {
    expect(routeOf({ 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' }, '/')).toBe('DYNAMODB');
    expect(
      routeOf(
        {
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20261206/us-east-1/rds-data/aws4_request, SignedHeaders=host',
        },
        '/Execute',
      ),
    ).toBe('RDS_DATA');
    expect(routeOf({}, '/local_abc123/.well-known/jwks.json')).toBe('COGNITO_IDENTITY_PROVIDER');
    expect(routeOf({}, '/')).toBeUndefined();
  });
});

describe('ports kept per data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ports-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it(
    'serves every service on the same port after a restart',
    async () => {
      const first = await startLocalCloud({ dataDir: dir });
      const before = first.services.map((s) => [s.id, s.endpoint]);
      await first.close();
      const second = await startLocalCloud({ dataDir: dir });
      try {
        expect(second.services.map((s) => [s.id, s.endpoint])).toEqual(before);
      } finally {
        await second.close();
      }
    },
    START,
  );

  it(
    'refuses to start when a kept port was taken meanwhile, saying which and how to fix it',
    async () => {
      const probe = await startLocalCloud({ dataDir: dir });
      const ssm = probe.services.find((s) => s.id === 'SSM')?.endpoint ?? '';
      await probe.close();
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(Number(new URL(ssm).port), '127.0.0.1', resolve));
      try {
        await expect(startLocalCloud({ dataDir: dir })).rejects.toThrow(
          /Port \d+, kept for SSM in .*ports\.json .* is in use by another process\. Stop that process .* or delete .*ports\.json/,
        );
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
    },
    START,
  );
});
