import { SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStartExecutionHandler } from '../../../asl/services/states.ts';
import type { TaskResult } from '../../../asl/services/types.ts';
import { awsJson, awsJsonError, credentials, type FakeAws, startFakeAws, taskRequest } from './fake-aws.ts';

const machine = 'arn:aws:states:us-east-1:111111111111:stateMachine:Child';
const executionArn = 'arn:aws:states:us-east-1:111111111111:execution:Child:run-1';

function target(body: string): string {
  return (JSON.parse(body) as { __target?: string }).__target ?? '';
}

describe('states:startExecution', () => {
  let aws: FakeAws;
  let polls = 0;
  beforeEach(async () => {
    polls = 0;
    aws = await startFakeAws((request) => {
      const action = String(request.headers['x-amz-target'] ?? target(request.body));
      if (action.endsWith('.StartExecution')) return awsJson({ executionArn, startDate: 1_767_225_600 });
      polls++;
      const running = polls < 3;
      return awsJson({
        executionArn,
        stateMachineArn: machine,
        name: 'run-1',
        status: running ? 'RUNNING' : 'SUCCEEDED',
        startDate: 1_767_225_600,
        ...(running
          ? {}
          : { stopDate: 1_767_225_660, output: '{"done":true}', outputDetails: { included: true } }),
        input: '{"n":1}',
        inputDetails: { included: true },
      });
    });
  });
  afterEach(() => aws.close());

  const handler = () =>
    createStartExecutionHandler({
      client: (region) => new SFNClient({ region, endpoint: aws.endpoint, credentials, maxAttempts: 1 }),
      pollIntervalMs: 1,
      sleep: async () => {},
    });

  it('starts the execution with Input as JSON text and answers as the optimised integration does', async () => {
    const result = await handler()(
      taskRequest('arn:aws:states:::states:startExecution', {
        StateMachineArn: machine,
        Input: { n: 1 },
        Name: 'run-1',
      }),
    );
    expect(JSON.parse(aws.requests[0]?.body ?? '{}')).toEqual({
      stateMachineArn: machine,
      input: '{"n":1}',
      name: 'run-1',
    });
    expect(result).toMatchObject({
      ok: true,
      output: {
        ExecutionArn: executionArn,
        StartDate: 1_767_225_600_000,
        SdkResponseMetadata: { RequestId: 'req-1' },
      },
    });
  });

  it('.sync:2 waits for the end and parses Input and Output', async () => {
    const submitted = await handler()(
      taskRequest('arn:aws:states:::states:startExecution.sync:2', {
        StateMachineArn: machine,
        Input: '{"n":1}',
      }),
    );
    expect(submitted.ok).toBe('submitted');
    const done =
      submitted.ok === 'submitted' ? await submitted.completion(new AbortController().signal) : submitted;
    expect(done).toMatchObject({
      ok: true,
      output: { Status: 'SUCCEEDED', Input: { n: 1 }, Output: { done: true } },
    });
    expect(polls).toBe(3);
  });

  it('.sync keeps Input and Output as text, and a resumed task only waits for the job it had started', async () => {
    const resumed: TaskResult = await handler()(
      taskRequest(
        'arn:aws:states:::states:startExecution.sync',
        { StateMachineArn: machine },
        { resumeSubmitted: { ExecutionArn: executionArn } },
      ),
    );
    const done =
      resumed.ok === 'submitted' ? await resumed.completion(new AbortController().signal) : resumed;
    expect(aws.requests.some((r) => String(r.headers['x-amz-target']).endsWith('.StartExecution'))).toBe(
      false,
    );
    expect(done).toMatchObject({
      ok: true,
      output: { Input: '{"n":1}', Output: '{"done":true}', RedriveCount: 0 },
    });
  });

  it('names a service error StepFunctions.<Name>Exception', async () => {
    aws.respond(() =>
      awsJsonError(400, 'com.amazonaws.sfn#StateMachineDoesNotExist', 'State Machine Does Not Exist'),
    );
    const result = await handler()(
      taskRequest('arn:aws:states:::states:startExecution', { StateMachineArn: machine }),
    );
    expect(result).toMatchObject({
      ok: false,
      failure: { error: 'StepFunctions.StateMachineDoesNotExistException' },
    });
  });
});
