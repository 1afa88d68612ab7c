/** aws-sdk integrations of APIs shaped unlike DynamoDB: REST-XML bodies, camelCase members. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../../asl/services/index.ts';
import { awsJsonError, type FakeAws, localSdkHandler, startFakeAws, taskRequest } from './fake-aws.ts';

let aws: FakeAws;
let handler: TaskHandler;

beforeAll(async () => {
  aws = await startFakeAws();
  handler = localSdkHandler(aws);
});
afterAll(() => aws.close());

const last = () => aws.requests[aws.requests.length - 1];

describe('aws-sdk:s3', () => {
  it('returns GetObject Body as text and timestamps as ISO-8601', async () => {
    aws.respond(() => ({
      headers: {
        'Content-Type': 'binary/octet-stream',
        ETag: '"332eec544317a6d340b8e77da7fe54ad"',
        'Last-Modified': 'Wed, 22 Jan 2025 13:27:57 GMT',
        'Accept-Ranges': 'bytes',
      },
      body: 'text data',
    }));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'b', Key: 'k' }),
    );
    expect(last()?.url).toBe('/b/k?x-id=GetObject');
    expect(result).toEqual({
      ok: true,
      output: {
        AcceptRanges: 'bytes',
        Body: 'text data',
        ContentLength: 9,
        ContentType: 'binary/octet-stream',
        ETag: '"332eec544317a6d340b8e77da7fe54ad"',
        LastModified: '2025-01-22T13:27:57Z',
        Metadata: {},
      },
    });
  });

  it('writes PutObject Body as the JSON text of the value, strings included', async () => {
    aws.respond(() => ({ headers: { ETag: '"e"' } }));
    await handler(
      taskRequest('arn:aws:states:::aws-sdk:s3:putObject', { Bucket: 'b', Key: 'k', Body: 'text data' }),
    );
    expect(last()?.body).toBe('"text data"');
    await handler(
      taskRequest('arn:aws:states:::aws-sdk:s3:putObject', {
        Bucket: 'b',
        Key: 'k',
        Body: { Dict: 'Value' },
      }),
    );
    expect(last()?.body).toBe('{"Dict":"Value"}');
  });

  it('adds the Exception suffix S3 error codes lack, and the extended request id', async () => {
    aws.respond(() => ({
      status: 404,
      headers: { 'Content-Type': 'application/xml', 'x-amz-request-id': 'R1', 'x-amz-id-2': 'X2' },
      body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>k</Key><RequestId>R1</RequestId><HostId>X2</HostId></Error>',
    }));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:s3:getObject', { Bucket: 'b', Key: 'k' }),
    );
    expect(result.ok === false && result.failure).toEqual({
      error: 'S3.NoSuchKeyException',
      cause:
        'The specified key does not exist. (Service: S3, Status Code: 404, Request ID: R1, Extended Request ID: X2) (SDK Attempt Count: 1)',
    });
  });
});

describe('aws-sdk:sfn', () => {
  it('names SFN errors Sfn.*', async () => {
    aws.respond(() => awsJsonError(400, 'InvalidToken', "Invalid Token: 'Invalid token'"));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:sfn:sendTaskSuccess', { TaskToken: 't', Output: '{}' }),
    );
    expect(last()?.headers['x-amz-target']).toBe('AWSStepFunctions.SendTaskSuccess');
    expect(result.ok === false && result.failure).toEqual({
      error: 'Sfn.InvalidTokenException',
      cause:
        "Invalid Token: 'Invalid token' (Service: Sfn, Status Code: 400, Request ID: req-1) (SDK Attempt Count: 1)",
    });
  });
});

describe('aws-sdk:rdsdata (a camelCase API)', () => {
  it('maps PascalCase Arguments to the camelCase members and the answer back to PascalCase', async () => {
    aws.respond(() => ({
      headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': 'r' },
      body: JSON.stringify({
        numberOfRecordsUpdated: 0,
        records: [[{ stringValue: 'a' }, { isNull: true }]],
      }),
    }));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:rdsdata:executeStatement', {
        ResourceArn: 'arn:c',
        SecretArn: 'arn:s',
        Sql: 'select :p',
        Parameters: [{ Name: 'p', Value: { LongValue: 1 } }],
      }),
    );
    expect(last()?.url).toBe('/Execute');
    expect(JSON.parse(last()?.body ?? '')).toEqual({
      resourceArn: 'arn:c',
      secretArn: 'arn:s',
      sql: 'select :p',
      parameters: [{ name: 'p', value: { longValue: 1 } }],
    });
    expect(result).toEqual({
      ok: true,
      output: { NumberOfRecordsUpdated: 0, Records: [[{ StringValue: 'a' }, { IsNull: true }]] },
    });
  });
});

describe('aws-sdk string members', () => {
  it('sends a JSON value given for a string member as its JSON text', async () => {
    aws.respond(() => ({
      headers: { 'Content-Type': 'application/x-amz-json-1.0' },
      body: JSON.stringify({ executionArn: 'arn:e', startDate: 1737552477.5 }),
    }));
    const result = await handler(
      taskRequest('arn:aws:states:::aws-sdk:sfn:startExecution', {
        StateMachineArn: 'arn:m',
        Input: { key: 'value' },
      }),
    );
    expect(JSON.parse(last()?.body ?? '')).toEqual({ stateMachineArn: 'arn:m', input: '{"key":"value"}' });
    expect(result).toEqual({
      ok: true,
      output: { ExecutionArn: 'arn:e', StartDate: '2025-01-22T13:27:57.500Z' },
    });
  });
});
