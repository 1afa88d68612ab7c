import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaHandlers, type LambdaHandlers } from '../../../asl/services/index.ts';
import { credentials, type FakeAws, type FakeResponse, startFakeAws, taskRequest } from './fake-aws.ts';

let aws: FakeAws;
let lambda: LambdaHandlers;
const regions: string[] = [];

beforeAll(async () => {
  aws = await startFakeAws();
  lambda = createLambdaHandlers({
    clientFactory: (region) => {
      regions.push(region);
      return new LambdaClient({ region, endpoint: aws.endpoint, credentials, maxAttempts: 1 });
    },
  });
});
afterAll(() => aws.close());

const last = () => aws.requests[aws.requests.length - 1];
const INVOKE = 'arn:aws:states:::lambda:invoke';
const FUNCTION = 'arn:aws:lambda:us-east-1:111111111111:function:echo';

function answer(payload: string, headers: Record<string, string> = {}): FakeResponse {
  return {
    headers: {
      'Content-Type': 'application/json',
      'X-Amz-Executed-Version': '$LATEST',
      'x-amzn-RequestId': 'req-1',
      'x-amzn-Remapped-Content-Length': '0',
      ...headers,
    },
    body: payload,
  };
}

function serviceError(status: number, type: string, message: string): FakeResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json', 'x-amzn-RequestId': 'req-9', 'x-amzn-ErrorType': type },
    body: JSON.stringify({ Type: 'User', Message: message }),
  };
}

describe('lambda:invoke', () => {
  it('returns the InvokeResult with its HTTP metadata, the payload parsed', async () => {
    aws.respond(() => answer('{"hello":"world"}'));
    const result = await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo', Payload: { a: 1 } }));
    expect(last()?.method).toBe('POST');
    expect(last()?.url).toBe('/2015-03-31/functions/echo/invocations');
    expect(last()?.body).toBe('{"a":1}');
    expect(result.ok).toBe(true);
    const output = (result as { output: Record<string, unknown> }).output;
    expect(output).toMatchObject({
      ExecutedVersion: '$LATEST',
      Payload: { hello: 'world' },
      SdkResponseMetadata: { RequestId: 'req-1' },
      StatusCode: 200,
    });
    expect(Object.keys(output)).toEqual([
      'ExecutedVersion',
      'Payload',
      'SdkHttpMetadata',
      'SdkResponseMetadata',
      'StatusCode',
    ]);
    expect(output.SdkHttpMetadata).toMatchObject({
      AllHttpHeaders: {
        'Content-Type': ['application/json'],
        'Content-Length': ['17'],
        'X-Amz-Executed-Version': ['$LATEST'],
        'x-amzn-RequestId': ['req-1'],
        'x-amzn-Remapped-Content-Length': ['0'],
      },
      HttpHeaders: { 'Content-Type': 'application/json', 'x-amzn-RequestId': 'req-1' },
      HttpStatusCode: 200,
    });
  });

  it('sends a string Payload as it is and a null Payload not at all', async () => {
    aws.respond(() => answer('"HelloWorld"'));
    const result = await lambda.invoke(
      taskRequest(INVOKE, { FunctionName: 'echo', Payload: '"HelloWorld"' }),
    );
    expect(last()?.body).toBe('"HelloWorld"');
    expect(result.ok === true && (result.output as { Payload: unknown }).Payload).toBe('HelloWorld');

    aws.respond(() => answer('0.0'));
    await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo', Payload: '0.0' }));
    expect(last()?.body).toBe('0.0');

    aws.respond(() => answer('{}'));
    await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo', Payload: null }));
    expect(last()?.body).toBe('');
  });

  it('passes LogType and returns LogResult', async () => {
    aws.respond(() => answer('{}', { 'X-Amz-Log-Result': 'bG9n' }));
    const result = await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo', LogType: 'Tail' }));
    expect(last()?.headers['x-amz-log-type']).toBe('Tail');
    expect(result.ok === true && (result.output as { LogResult: unknown }).LogResult).toBe('bG9n');
  });

  it('fails with the errorType of a function error, the payload text as cause', async () => {
    const payload =
      '{"errorMessage": "Some exception was raised.", "errorType": "Exception", "requestId": "r", "stackTrace": []}';
    aws.respond(() => answer(payload, { 'X-Amz-Function-Error': 'Unhandled' }));
    const result = await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo' }));
    expect(result).toEqual({ ok: false, failure: { error: 'Exception', cause: payload } });
  });

  it('fails with Lambda.Unknown when the function error has no errorType', async () => {
    const payload = '{"errorMessage":"2024-11-26T00:36:39.604Z r Task timed out after 3.00 seconds"}';
    aws.respond(() => answer(payload, { 'X-Amz-Function-Error': 'Unhandled' }));
    const result = await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo' }));
    expect(result).toEqual({
      ok: false,
      failure: {
        error: 'Lambda.Unknown',
        cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${payload}`,
      },
    });
  });

  it('names service errors Lambda.<Code> with the Java SDK 1.x cause', async () => {
    const arn = 'arn:aws:lambda:us-east-1:111111111111:function:nope:$LATEST';
    aws.respond(() => serviceError(404, 'ResourceNotFoundException', `Function not found: ${arn}`));
    const result = await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'nope' }));
    expect(result).toEqual({
      ok: false,
      failure: {
        error: 'Lambda.ResourceNotFoundException',
        cause: `Function not found: ${arn} (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: req-9; Proxy: null)`,
      },
    });
  });

  it.each([
    [500, 'ServiceException', 'Lambda.ServiceException'],
    [429, 'TooManyRequestsException', 'Lambda.TooManyRequestsException'],
    [400, 'SomethingNewException', 'Lambda.AWSLambdaException'],
  ])('maps HTTP %i %s to %s', async (status, type, expected) => {
    aws.respond(() => serviceError(status, type, 'boom'));
    const result = await lambda.invoke(taskRequest(INVOKE, { FunctionName: 'echo' }));
    expect(result.ok === false && result.failure.error).toBe(expected);
  });

  it('invokes a .waitForTaskToken task and answers with the invoke result (the TaskSubmitted output)', async () => {
    aws.respond(() => answer('null'));
    const result = await lambda.invoke(
      taskRequest(
        `${INVOKE}.waitForTaskToken`,
        { FunctionName: 'echo', Payload: { token: 'tok' } },
        { taskToken: 'tok' },
      ),
    );
    expect(last()?.body).toBe('{"token":"tok"}');
    expect(result.ok === true && (result.output as { StatusCode: unknown }).StatusCode).toBe(200);
  });
});

describe('a Lambda function ARN as the Resource', () => {
  it('sends the input as JSON and returns the parsed payload itself', async () => {
    aws.respond(() => answer('"HelloWorld"'));
    const result = await lambda.function(taskRequest(FUNCTION, 'HelloWorld'));
    expect(last()?.url).toBe(`/2015-03-31/functions/${encodeURIComponent(FUNCTION)}/invocations`);
    expect(last()?.body).toBe('"HelloWorld"');
    expect(result).toEqual({ ok: true, output: 'HelloWorld' });
  });

  it('fails with the function error type', async () => {
    const payload = '{"errorMessage": "", "errorType": "CustomException"}';
    aws.respond(() => answer(payload, { 'X-Amz-Function-Error': 'Unhandled' }));
    const result = await lambda.function(taskRequest(FUNCTION, {}));
    expect(result).toEqual({ ok: false, failure: { error: 'CustomException', cause: payload } });
  });

  it('builds one client per region', async () => {
    aws.respond(() => answer('{}'));
    await lambda.function(taskRequest('arn:aws:lambda:eu-west-1:111111111111:function:echo', {}));
    await lambda.function(taskRequest('arn:aws:lambda:eu-west-1:111111111111:function:echo', {}));
    expect(regions).toEqual(['us-east-1', 'eu-west-1']);
  });
});
