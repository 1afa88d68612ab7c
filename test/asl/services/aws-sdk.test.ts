import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAwsSdkHandler,
  type SdkClientSpec,
  SdkPackageNotInstalled,
  type TaskHandler,
  UnknownSdkAction,
  UnsupportedIntegrationPattern,
} from '../../../asl/services/index.ts';
import {
  awsJson,
  awsJsonError,
  credentials,
  type FakeAws,
  localSdkHandler,
  startFakeAws,
  taskRequest,
} from './fake-aws.ts';

let aws: FakeAws;
let handler: TaskHandler;
const specs: SdkClientSpec[] = [];

beforeAll(async () => {
  aws = await startFakeAws();
  handler = localSdkHandler(aws, specs);
});
afterAll(() => aws.close());

const last = () => aws.requests[aws.requests.length - 1];

describe('aws-sdk:dynamodb', () => {
  it('sends PascalCase Arguments as the API spells them and strips $metadata from the answer', async () => {
    aws.respond(() => awsJson({}));
    const item = { id: { S: 'id1' }, data: { S: 'HelloWorld' } };
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'T', Item: item }),
    );
    expect(result).toEqual({ ok: true, output: {} });
    expect(last()?.headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
    expect(JSON.parse(last()?.body ?? '')).toEqual({ TableName: 'T', Item: item });
  });

  it('keeps attribute names (map keys) as they are and returns binary attributes as base64', async () => {
    aws.respond(() => awsJson({ Item: { id: { S: 'id1' }, raw: { B: 'AQID' }, n: { N: '1' } } }));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:getItem', { TableName: 'T', Key: { id: { S: 'id1' } } }),
    );
    expect(result).toEqual({
      ok: true,
      output: { Item: { id: { S: 'id1' }, raw: { B: 'AQID' }, n: { N: '1' } } },
    });
  });

  it('takes a binary attribute argument as base64 text', async () => {
    aws.respond(() => awsJson({}));
    await handler(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', {
        TableName: 'T',
        Item: { b: { B: 'AQID' } },
      }),
    );
    expect(JSON.parse(last()?.body ?? '').Item).toEqual({ b: { B: 'AQID' } });
  });

  it('names a modeled error <Service>.<Error> with the Java SDK service name and cause', async () => {
    aws.respond(() =>
      awsJsonError(
        400,
        'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
        'The conditional request failed',
        'REQ42',
      ),
    );
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', {
        TableName: 'T',
        Item: {},
        ConditionExpression: 'x',
      }),
    );
    expect(result).toEqual({
      ok: false,
      failure: {
        error: 'DynamoDb.ConditionalCheckFailedException',
        cause:
          'The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: REQ42) (SDK Attempt Count: 1)',
      },
    });
  });

  it('reproduces the recorded ResourceNotFoundException', async () => {
    aws.respond(() =>
      awsJsonError(
        400,
        'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
        'Requested resource not found',
      ),
    );
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'nope' }),
    );
    expect(result.ok === false && result.failure.error).toBe('DynamoDb.ResourceNotFoundException');
    expect(result.ok === false && result.failure.cause).toMatch(
      /^Requested resource not found \(Service: DynamoDb, Status Code: 400, Request ID: req-1\)/,
    );
  });

  it('names an error the model does not declare after the service base exception', async () => {
    const message =
      "1 validation error detected: Value null at 'item' failed to satisfy constraint: Member must not be null";
    aws.respond(() => awsJsonError(400, 'com.amazon.coral.validate#ValidationException', message));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'T', Item: null }),
    );
    expect(result.ok === false && result.failure).toEqual({
      error: 'DynamoDb.DynamoDbException',
      cause: `${message} (Service: DynamoDb, Status Code: 400, Request ID: req-1) (SDK Attempt Count: 1)`,
    });
  });
});

describe('aws-sdk handler', () => {
  it('creates one client per (service, region) and reuses it', async () => {
    aws.respond(() => awsJson({}));
    const before = specs.filter((s) => s.service === 'dynamodb').length;
    await handler(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'T', Item: {} }));
    await handler(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'T', Item: {} }));
    expect(specs.filter((s) => s.service === 'dynamodb').length).toBe(before);
    await handler(
      taskRequest(
        'arn:aws:states:::aws-sdk:dynamodb:putItem',
        { TableName: 'T', Item: {} },
        { region: 'eu-west-1' },
      ),
    );
    const dynamo = specs.filter((s) => s.service === 'dynamodb');
    expect(dynamo.map((s) => s.region)).toEqual(['us-east-1', 'eu-west-1']);
    expect(dynamo[0]?.packageName).toBe('@aws-sdk/client-dynamodb');
  });

  it('fails with an engine error naming the npm package when it is not installed', async () => {
    // Athena is a service Step Functions integrates with that this project does not install.
    const call = handler(taskRequest('arn:aws:states:::aws-sdk:athena:startQueryExecution', {}));
    await expect(call).rejects.toBeInstanceOf(SdkPackageNotInstalled);
    await expect(call).rejects.toThrow('npm install @aws-sdk/client-athena');
  });

  it('refuses an action the service does not have', async () => {
    await expect(
      handler(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItems', {})),
    ).rejects.toBeInstanceOf(UnknownSdkAction);
  });

  it('refuses .sync, which aws-sdk integrations do not offer', async () => {
    await expect(
      handler(taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem.sync', {})),
    ).rejects.toBeInstanceOf(UnsupportedIntegrationPattern);
  });

  it('answers <Service>.SdkClientException when no answer comes', async () => {
    const closed = await startFakeAws();
    await closed.close();
    const offline = createAwsSdkHandler({
      clientFactory: (spec) =>
        new spec.clientClass({ region: spec.region, endpoint: closed.endpoint, credentials, maxAttempts: 1 }),
    });
    const result = await offline(
      taskRequest('arn:aws:states:::aws-sdk:dynamodb:putItem', { TableName: 'T' }),
    );
    expect(result.ok === false && result.failure.error).toBe('DynamoDb.SdkClientException');
    expect(result.ok === false && result.failure.cause).toMatch(
      /^Unable to execute HTTP request: .*ECONNREFUSED/,
    );
  });
});
