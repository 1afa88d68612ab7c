import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { CreateTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';

describe('startLocalCloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cloud-'));
    // Left by an earlier run, readable by all: made owner-only when the cloud starts.
    await mkdir(join(dir, 'leftover'));
    await writeFile(join(dir, 'leftover', 'old.json'), '{}');
    await chmod(join(dir, 'leftover'), 0o755);
    await chmod(join(dir, 'leftover', 'old.json'), 0o644);
    cloud = await startLocalCloud({ dataDir: dir });
  }, 120_000);
  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('gives SDK clients their configuration in one call', async () => {
    const sfn = new SFNClient(cloud.sdkConfig('SFN'));
    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    expect(cloud.environment.AWS_ENDPOINT_URL_SFN).toBe(cloud.sdkConfig('SFN').endpoint);
  });

  it('keeps a SecureString encrypted at rest and decrypts it for WithDecryption', async () => {
    const ssm = new SSMClient(cloud.sdkConfig('SSM'));
    await ssm.send(
      new PutParameterCommand({ Name: '/oauth/alice/refresh', Value: 'r-123', Type: 'SecureString' }),
    );
    const read = await ssm.send(
      new GetParameterCommand({ Name: '/oauth/alice/refresh', WithDecryption: true }),
    );
    expect(read.Parameter?.Value).toBe('r-123');
  });

  it("runs a state machine whose aws-sdk task writes to the local DynamoDB, through the engine's own SDK client", async () => {
    const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'orders',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const sfn = new SFNClient(cloud.sdkConfig('SFN'));
    const definition = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Save',
      States: {
        Save: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
          Arguments: { TableName: 'orders', Item: { id: { S: '{% $states.input.id %}' } } },
          End: true,
        },
      },
    });
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: 'SaveOrder',
        definition,
        roleArn: 'arn:aws:iam::111111111111:role/R',
      }),
    );
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: '{"id":"o-1"}' }),
    );
    let status = 'RUNNING';
    for (let i = 0; i < 200 && status === 'RUNNING'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'RUNNING';
    }
    expect(status).toBe('SUCCEEDED');
    const item = await dynamodb.send(new GetItemCommand({ TableName: 'orders', Key: { id: { S: 'o-1' } } }));
    expect(item.Item).toEqual({ id: { S: 'o-1' } });
  });

  it('answers SQL through the RDS Data API over the local PostgreSQL', async () => {
    const rds = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
    const at = {
      resourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:local',
      secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:local',
      database: 'postgres',
    };
    const out = await rds.send(
      new ExecuteStatementCommand({
        ...at,
        sql: 'SELECT :n::int + 1 AS answer',
        parameters: [{ name: 'n', value: { longValue: 41 } }],
        formatRecordsAs: 'JSON',
      }),
    );
    expect(JSON.parse(out.formattedRecords ?? '[]')).toEqual([{ answer: 42 }]);
  });

  it('puts mail sent through SES in the outbox', async () => {
    const ses = new SESv2Client(cloud.sdkConfig('SESV2'));
    await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@example.com',
        Destination: { ToAddresses: ['admin@example.com'] },
        Content: {
          Simple: { Subject: { Data: 'Approve Ada?' }, Body: { Text: { Data: 'Open the link.' } } },
        },
      }),
    );
    const [mail] = await cloud.outbox();
    expect(mail).toMatchObject({
      from: 'noreply@example.com',
      to: ['admin@example.com'],
      subject: 'Approve Ada?',
    });
  });

  it('keeps every file under the data directory readable by its owner only', async () => {
    const cognito = new CognitoIdentityProviderClient(cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
    const pool = await cognito.send(new CreateUserPoolCommand({ PoolName: 'users' }));
    const client = await cognito.send(
      new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool?.Id, ClientName: 'web' }),
    );
    await cognito.send(
      new SignUpCommand({
        ClientId: client.UserPoolClient?.ClientId,
        Username: 'ada@example.com',
        Password: 'Correct-Horse-9',
      }),
    );
    cognito.destroy();
    const loose: string[] = [];
    for (const entry of await readdir(dir, { recursive: true })) {
      const path = join(dir, entry);
      const info = await lstat(path);
      // Directories may be passable (x) for the postgres user, never listable; files not even that.
      const open = info.isDirectory() ? info.mode & 0o066 : info.mode & 0o077;
      if (open !== 0 && !info.isSymbolicLink()) loose.push(`${entry} ${(info.mode & 0o777).toString(8)}`);
    }
    expect(loose).toEqual([]);
    const written = (await readdir(dir, { recursive: true })).map(String);
    expect(written).toEqual(expect.arrayContaining([join('cognito', 'signing-key.pem'), join('ses')]));
    if (process.getuid?.() === 0 && !process.env.DATABASE_URL) {
      // PostgreSQL runs as the OS user postgres, which keeps its cluster to itself.
      const pgdata = await stat(join(dir, 'postgres', 'pgdata'));
      expect(pgdata.uid).not.toBe(0);
      expect(pgdata.mode & 0o777).toBe(0o700);
    }
  });

  it('names the services it has when asked for one it lacks', () => {
    expect(() => cloud.sdkConfig('NOPE')).toThrow(
      /has no service 'NOPE'. It has: LAMBDA, SSM, SQS, COGNITO_IDENTITY_PROVIDER, SESV2, RDS_DATA, DYNAMODB, SFN/,
    );
  });
});
