import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TestStateCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingRegistry, type TaskRequest } from '../../../asl/index.ts';
import { type StepFunctionsService, startStepFunctions } from '../../../local/sfn/index.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const roleArn = 'arn:aws:iam::111111111111:role/StepFunctionsRole';

const approval = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Ask',
  States: {
    Ask: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Arguments: { QueueUrl: 'q', MessageBody: { token: '{% $states.context.Task.Token %}' } },
      Next: 'Done',
    },
    Done: { Type: 'Pass', Output: { decision: '{% $states.input.decision %}' }, End: true },
  },
});

/** A Task registry that records the calls, standing in for SQS. */
function recordingTasks(calls: TaskRequest[]): RoutingRegistry {
  return new RoutingRegistry().route(
    () => true,
    async (request) => {
      calls.push(request);
      if (request.resource.action === 'getItem') {
        return {
          ok: false,
          failure: { error: 'DynamoDb.ResourceNotFoundException', cause: 'Requested resource not found' },
        };
      }
      return { ok: true, output: { MessageId: 'm1' } };
    },
  );
}

/** Polls until `probe` answers; a call waits for its TaskScheduled to reach the disk first. */
async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new TypeError('condition not reached');
}

describe('local Step Functions endpoint, through the AWS SDK', () => {
  let dir: string;
  let service: StepFunctionsService;
  let sfn: SFNClient;
  const calls: TaskRequest[] = [];

  const boot = async () => {
    service = await startStepFunctions({ dataDir: dir, tasks: recordingTasks(calls) });
    sfn = new SFNClient({ region: 'us-east-1', endpoint: service.endpoint, credentials, maxAttempts: 1 });
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfn-'));
    await boot();
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a state machine idempotently and refuses an invalid definition with AWS error names', async () => {
    const created = await sfn.send(
      new CreateStateMachineCommand({ name: 'Approval', definition: approval, roleArn }),
    );
    expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:111111111111:stateMachine:Approval');
    const again = await sfn.send(
      new CreateStateMachineCommand({ name: 'Approval', definition: approval, roleArn }),
    );
    expect(again.stateMachineArn).toBe(created.stateMachineArn);
    await expect(
      sfn.send(
        new CreateStateMachineCommand({
          name: 'Approval',
          definition: approval.replace('Done', 'End2'),
          roleArn,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
    const bad = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Pass', Parameters: {}, End: true } },
    });
    await expect(
      sfn.send(new CreateStateMachineCommand({ name: 'Bad', definition: bad, roleArn })),
    ).rejects.toMatchObject({
      name: 'InvalidDefinition',
      message: expect.stringContaining(
        "The field 'Parameters' is not supported by the JSONata query language",
      ),
    });
    const described = await sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }),
    );
    expect(described).toMatchObject({
      name: 'Approval',
      type: 'STANDARD',
      definition: approval,
      status: 'ACTIVE',
    });
  });

  it('starts an execution idempotently by name and input, and refuses the name with other input', async () => {
    const stateMachineArn = 'arn:aws:states:us-east-1:111111111111:stateMachine:Approval';
    const first = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'e1', input: '{"a":1}' }),
    );
    const second = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'e1', input: '{"a":1}' }),
    );
    expect(second.executionArn).toBe(first.executionArn);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'e1', input: '{"a":2}' })),
    ).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{not json' })),
    ).rejects.toMatchObject({
      name: 'InvalidExecutionInput',
    });
    await sfn.send(
      new StopExecutionCommand({ executionArn: first.executionArn, error: 'Cancelled', cause: 'test' }),
    );
    const stopped = await sfn.send(new DescribeExecutionCommand({ executionArn: first.executionArn }));
    expect(stopped.status).toBe('ABORTED');
    const history = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn: first.executionArn, reverseOrder: true }),
    );
    expect(history.events?.[0]).toMatchObject({
      type: 'ExecutionAborted',
      executionAbortedEventDetails: { error: 'Cancelled', cause: 'test' },
    });
  });

  it('keeps a waiting execution across a restart: its task token still completes it', async () => {
    const stateMachineArn = 'arn:aws:states:us-east-1:111111111111:stateMachine:Approval';
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, name: 'e2', input: '{}' }),
    );
    const call = await until(async () => calls.find((c) => c.execution.executionArn === executionArn));
    const token = call.taskToken ?? '';

    await service.close();
    const callsBefore = calls.length;
    await boot();

    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await until(async () => (service.backend.env.tokens.isWaiting(token) ? true : undefined));
    expect(calls.length).toBe(callsBefore);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"decision":"approve"}' }));
    const done = await until(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"decision":"approve"}' });
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskTimedOut',
    });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'SUCCEEDED' }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['e2']);
  });

  it('runs a JSONPath machine written for AWS unchanged: paths, intrinsics, a callback, Choice rules, variables', async () => {
    // No QueryLanguage: JSONPath, the States Language default.
    const definition = JSON.stringify({
      StartAt: 'Ask',
      States: {
        Ask: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          InputPath: '$.order',
          Parameters: {
            QueueUrl: 'q',
            MessageBody: {
              'token.$': '$$.Task.Token',
              'subject.$': "States.Format('Order {} for {}', $.id, $.customer)",
            },
          },
          ResultSelector: { 'decision.$': '$.decision' },
          ResultPath: '$.review',
          Assign: { 'approvedBy.$': '$.by' },
          Next: 'Decide',
        },
        Decide: {
          Type: 'Choice',
          Choices: [
            {
              And: [
                { Variable: '$.review.decision', StringEquals: 'approve' },
                { Variable: '$.order.total', NumericLessThan: 100 },
              ],
              Next: 'Approved',
            },
          ],
          Default: 'Rejected',
        },
        Approved: {
          Type: 'Pass',
          Parameters: {
            'id.$': '$.order.id',
            'by.$': '$approvedBy',
            'lines.$': 'States.ArrayLength($.order.lines)',
          },
          End: true,
        },
        Rejected: { Type: 'Fail', Error: 'Rejected', CausePath: '$.review.decision' },
      },
    });
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'Legacy', definition, roleArn }),
    );
    const input = { order: { id: 7, customer: 'Ada', total: 42, lines: ['a', 'b'] } };
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    const call = await until(async () => calls.find((c) => c.execution.executionArn === executionArn));
    expect(call.arguments).toEqual({
      QueueUrl: 'q',
      MessageBody: { token: call.taskToken, subject: 'Order 7 for Ada' },
    });
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: call.taskToken ?? '',
        output: '{"decision":"approve","by":"Grace"}',
      }),
    );
    const done = await until(async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === 'RUNNING' ? undefined : d;
    });
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"id":7,"by":"Grace","lines":2}' });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
    const exited = history.events?.find((e) => e.type === 'TaskStateExited')?.stateExitedEventDetails;
    expect(JSON.parse(exited?.output ?? '')).toEqual({ ...input, review: { decision: 'approve' } });
    expect(exited?.assignedVariables).toEqual({ approvedBy: '"Grace"' });
  });

  it('runs an Express machine to its end with StartSyncExecution, and refuses it for Standard', async () => {
    const express = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Sum',
      States: { Sum: { Type: 'Pass', Output: { total: '{% $sum($states.input.n) %}' }, End: true } },
    });
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'Adder', definition: express, roleArn, type: 'EXPRESS' }),
    );
    // The SDK prefixes StartSyncExecution's host with "sync-"; a local endpoint has no such host.
    const sync = new SFNClient({
      region: 'us-east-1',
      endpoint: service.endpoint,
      credentials,
      disableHostPrefix: true,
    });
    const result = await sync.send(
      new StartSyncExecutionCommand({ stateMachineArn, input: '{"n":[1,2,3]}' }),
    );
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{"total":6}' });
    expect(result.executionArn).toMatch(/:express:Adder:/);
    await expect(
      sync.send(
        new StartSyncExecutionCommand({
          stateMachineArn: stateMachineArn?.replace('Adder', 'Approval'),
          input: '{}',
        }),
      ),
    ).rejects.toMatchObject({ name: 'StateMachineTypeNotSupported' });
  });

  it('TestState runs one state and reports its output, next state, caught and retriable errors', async () => {
    // Like StartSyncExecution, TestState goes to a "sync-" host unless the prefix is disabled.
    const sync = new SFNClient({
      region: 'us-east-1',
      endpoint: service.endpoint,
      credentials,
      disableHostPrefix: true,
    });
    const pass = await sync.send(
      new TestStateCommand({
        definition: JSON.stringify({
          Type: 'Pass',
          QueryLanguage: 'JSONata',
          Output: { sum: '{% $a + $states.input.b %}' },
          Next: 'Later',
        }),
        input: '{"b":2}',
        variables: '{"a":40}',
        roleArn,
        inspectionLevel: 'DEBUG',
      }),
    );
    expect(pass).toMatchObject({ status: 'SUCCEEDED', output: '{"sum":42}', nextState: 'Later' });
    // The variables after the state: those given and those it assigned.
    expect(pass.inspectionData).toEqual({ input: '{"b":2}', variables: '{"a":40}' });

    const choice = await sync.send(
      new TestStateCommand({
        definition: JSON.stringify({
          Type: 'Choice',
          QueryLanguage: 'JSONata',
          Choices: [{ Condition: '{% $states.input.n > 1 %}', Next: 'Big' }],
          Default: 'Small',
        }),
        input: '{"n":5}',
        roleArn,
      }),
    );
    expect(choice).toMatchObject({ status: 'SUCCEEDED', nextState: 'Big' });

    const task = (extra: object) =>
      JSON.stringify({
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
        Arguments: { TableName: 'missing', Key: { id: { S: 'x' } } },
        End: true,
        ...extra,
      });
    const retriable = await sync.send(
      new TestStateCommand({
        definition: task({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3 }] }),
        roleArn,
        inspectionLevel: 'DEBUG',
      }),
    );
    expect(retriable).toMatchObject({
      status: 'RETRIABLE',
      error: 'DynamoDb.ResourceNotFoundException',
      cause: 'Requested resource not found',
      inspectionData: { errorDetails: { retryIndex: 0, retryBackoffIntervalSeconds: 3 } },
    });
    expect(retriable).not.toHaveProperty('output');
    const caught = await sync.send(
      new TestStateCommand({
        definition: task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }] }),
        roleArn,
      }),
    );
    expect(caught).toMatchObject({
      status: 'CAUGHT_ERROR',
      nextState: 'Recover',
      error: 'DynamoDb.ResourceNotFoundException',
      output: '{"Error":"DynamoDb.ResourceNotFoundException","Cause":"Requested resource not found"}',
    });
    expect(caught).not.toHaveProperty('inspectionData');

    const sent = await sync.send(
      new TestStateCommand({
        definition: JSON.stringify({
          Type: 'Task',
          QueryLanguage: 'JSONata',
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Arguments: { QueueUrl: 'q', MessageBody: '{% $states.input.m %}' },
          Assign: { id: '{% $states.result.MessageId %}' },
          End: true,
        }),
        input: '{"m":"hi"}',
        roleArn,
        inspectionLevel: 'TRACE',
      }),
    );
    expect(sent).toEqual(
      expect.objectContaining({
        status: 'SUCCEEDED',
        output: '{"MessageId":"m1"}',
        inspectionData: {
          input: '{"m":"hi"}',
          afterArguments: '{"QueueUrl":"q","MessageBody":"hi"}',
          result: '{"MessageId":"m1"}',
          variables: '{"id":"m1"}',
        },
      }),
    );
    expect(sent).not.toHaveProperty('nextState');

    await expect(
      sync.send(new TestStateCommand({ definition: '{"Type":"Pass","Next":', roleArn })),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
    await expect(
      sync.send(new TestStateCommand({ definition: '{"Type":"Loop"}', roleArn })),
    ).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });

  it('pages the history and answers unknown tokens and executions with AWS error names', async () => {
    const executionArn = 'arn:aws:states:us-east-1:111111111111:execution:Approval:e2';
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3 }));
    expect(page.events?.map((e) => e.id)).toEqual([1, 2, 3]);
    const next = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 3, nextToken: page.nextToken }),
    );
    expect(next.events?.[0]?.id).toBe(4);
    expect(page.events?.[0]?.timestamp).toBeInstanceOf(Date);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'AAAA', output: '{}' })),
    ).rejects.toMatchObject({
      name: 'TaskDoesNotExist',
    });
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${executionArn}-missing` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});
