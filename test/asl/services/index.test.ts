import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResource } from '../../../asl/definition/resource.ts';
import { parseDefinition, runExecution, systemClock } from '../../../asl/index.ts';
import { createDefaultRegistry, type TaskHandler } from '../../../asl/services/index.ts';
import { awsJson, awsJsonError, credentials, type FakeAws, startFakeAws } from './fake-aws.ts';

let aws: FakeAws;
beforeAll(async () => {
  aws = await startFakeAws();
});
afterAll(() => aws.close());

function localRegistry(more: Parameters<typeof createDefaultRegistry>[0] = {}) {
  return createDefaultRegistry({
    awsSdk: {
      clientFactory: (spec) =>
        new spec.clientClass({ region: spec.region, endpoint: aws.endpoint, credentials, maxAttempts: 1 }),
    },
    lambda: {
      clientFactory: (region) =>
        new LambdaClient({ region, endpoint: aws.endpoint, credentials, maxAttempts: 1 }),
    },
    ...more,
  });
}

function resource(arn: string) {
  const parsed = parseResource(arn);
  if (!parsed) throw new TypeError(arn);
  return parsed;
}

describe('createDefaultRegistry', () => {
  it('routes aws-sdk:*, lambda:invoke, function ARNs and states:startExecution, and nothing else by default', () => {
    const registry = localRegistry();
    expect(registry.resolve(resource('arn:aws:states:::aws-sdk:dynamodb:putItem'))).toBeTypeOf('function');
    expect(registry.resolve(resource('arn:aws:states:::lambda:invoke'))).toBeTypeOf('function');
    expect(registry.resolve(resource('arn:aws:states:::lambda:invoke.waitForTaskToken'))).toBeTypeOf(
      'function',
    );
    expect(registry.resolve(resource('arn:aws:lambda:us-east-1:111111111111:function:f'))).toBeTypeOf(
      'function',
    );
    expect(registry.resolve(resource('arn:aws:states:::states:startExecution.sync:2'))).toBeTypeOf(
      'function',
    );
    expect(registry.resolve(resource('arn:aws:states:::sqs:sendMessage'))).toBeUndefined();
  });

  it('takes states:startExecution and further routes from the caller', () => {
    const startExecution: TaskHandler = async () => ({ ok: true, output: 'started' });
    const sqs: TaskHandler = async () => ({ ok: true, output: 'sent' });
    const registry = localRegistry({
      startExecution,
      routes: [{ matches: (r) => r.service === 'sqs', handler: sqs }],
    });
    expect(registry.resolve(resource('arn:aws:states:::states:startExecution.sync:2'))).toBe(startExecution);
    expect(registry.resolve(resource('arn:aws:states:::sqs:sendMessage'))).toBe(sqs);
  });

  it('lets a state machine catch a service error by its AWS name', async () => {
    aws.respond((req) =>
      req.headers['x-amz-target'] === 'DynamoDB_20120810.PutItem'
        ? awsJsonError(400, 'ConditionalCheckFailedException', 'The conditional request failed')
        : awsJson({}),
    );
    const definition = parseDefinition(
      JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem',
            Arguments: {
              TableName: 'T',
              Item: { id: { S: '{% $states.input.id %}' } },
              ConditionExpression: 'x',
            },
            Catch: [{ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], Next: 'Taken' }],
            End: true,
          },
          Taken: { Type: 'Pass', Output: '{% $states.input.Error %}', End: true },
        },
      }),
    );
    const result = await runExecution({
      definition,
      input: { id: 'a' },
      tasks: localRegistry(),
      clock: systemClock,
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('DynamoDb.ConditionalCheckFailedException');
    expect(JSON.parse(aws.requests[aws.requests.length - 1]?.body ?? '').Item).toEqual({ id: { S: 'a' } });
  });
});
