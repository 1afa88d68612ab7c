import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient, TestStateCommand, type TestStateCommandInput } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingRegistry, type TaskRequest } from '../../../asl/index.ts';
import { type StepFunctionsService, startStepFunctions } from '../../../local/sfn/index.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const roleArn = 'arn:aws:iam::111111111111:role/StepFunctionsRole';

/** A recorded execution's context, as the console passes it. */
const context = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:111111111111:execution:Orders:run-7',
    Name: 'run-7',
    StartTime: '2025-01-15T10:30:00.000Z',
    Input: { order: 7 },
    RoleArn: roleArn,
  },
  StateMachine: { Id: 'arn:aws:states:us-east-1:111111111111:stateMachine:Orders', Name: 'Orders' },
  State: { Name: 'List', EnteredTime: '2025-01-15T10:30:01.500Z', RetryCount: 2 },
};

const listTask = (extra: object = {}) =>
  JSON.stringify({
    Type: 'Task',
    QueryLanguage: 'JSONata',
    Resource: 'arn:aws:states:::aws-sdk:sfn:listStateMachines',
    End: true,
    ...extra,
  });

describe('TestState with mock, context, stateName and stateConfiguration, through the AWS SDK', () => {
  let dir: string;
  let service: StepFunctionsService;
  let sfn: SFNClient;
  const calls: TaskRequest[] = [];
  const test = (input: TestStateCommandInput) => sfn.send(new TestStateCommand(input));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfn-test-state-'));
    const tasks = new RoutingRegistry().route(
      () => true,
      async (request) => {
        calls.push(request);
        return { ok: true, output: { called: true } };
      },
    );
    service = await startStepFunctions({ dataDir: dir, tasks });
    // Like StartSyncExecution, TestState goes to a "sync-" host unless the prefix is disabled.
    sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: service.endpoint,
      credentials,
      disableHostPrefix: true,
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
    // With a mock no service is ever called.
    expect(calls).toEqual([]);
  });

  it('binds $states.input, $states.result, $states.context and the variables as an execution does (the console’s probe)', async () => {
    const output =
      '{% {"input": $states.input, "result": $states.result, "ctx": $states.context, "total": $states.result.n + $base} %}';
    const answer = await test({
      definition: listTask({
        Arguments: { maxResults: '{% $states.input.limit %}' },
        Output: output,
        Assign: { seen: '{% $states.result.n %}' },
      }),
      input: '{"limit":5}',
      variables: '{"base":100}',
      context: JSON.stringify(context),
      mock: { result: '{"n":3,"stateMachines":[]}' },
      inspectionLevel: 'DEBUG',
    });
    expect(answer.status).toBe('SUCCEEDED');
    expect(JSON.parse(answer.output ?? '')).toEqual({
      input: { limit: 5 },
      result: { n: 3, stateMachines: [] },
      ctx: {
        Execution: { ...context.Execution, RedriveCount: 0 },
        StateMachine: context.StateMachine,
        State: context.State,
      },
      total: 103,
    });
    expect(answer.inspectionData).toEqual({
      input: '{"limit":5}',
      afterArguments: '{"maxResults":5}',
      result: '{"n":3,"stateMachines":[]}',
      variables: '{"base":100,"seen":3}',
    });
  });

  it('binds $states.errorOutput in a Catch’s Output and Assign when the mock is an error', async () => {
    const answer = await test({
      definition: listTask({
        Catch: [
          { ErrorEquals: ['Other'], Next: 'Never' },
          {
            ErrorEquals: ['States.ALL'],
            Output: { failed: '{% $states.errorOutput %}', was: '{% $states.input.id %}' },
            Assign: { lastError: '{% $states.errorOutput.Error %}' },
            Next: 'Recover',
          },
        ],
      }),
      input: '{"id":"x"}',
      context: JSON.stringify(context),
      mock: { errorOutput: { error: 'Sfn.AccessDeniedException', cause: 'not allowed' } },
      inspectionLevel: 'DEBUG',
    });
    expect(answer).toMatchObject({
      status: 'CAUGHT_ERROR',
      error: 'Sfn.AccessDeniedException',
      cause: 'not allowed',
      nextState: 'Recover',
    });
    expect(JSON.parse(answer.output ?? '')).toEqual({
      failed: { Error: 'Sfn.AccessDeniedException', Cause: 'not allowed' },
      was: 'x',
    });
    expect(answer.inspectionData).toMatchObject({
      errorDetails: { catchIndex: 1 },
      variables: '{"lastError":"Sfn.AccessDeniedException"}',
    });
  });

  it('fails with the mocked error when nothing handles it', async () => {
    const answer = await test({ definition: listTask(), mock: { errorOutput: { error: 'Boom' } } });
    expect(answer).toMatchObject({ status: 'FAILED', error: 'Boom' });
    expect(answer).not.toHaveProperty('cause');
  });

  it('takes retrierRetryCount as the retries made: RetryCount, the backoff, and FAILED once exhausted', async () => {
    const definition = listTask({
      Arguments: { retry: '{% $states.context.State.RetryCount %}' },
      Retry: [{ ErrorEquals: ['MockException'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2 }],
    });
    const mock = { errorOutput: { error: 'MockException', cause: 'Mock the cause of the error.' } };
    // As recorded on AWS: the fifth retry waits 1 × 2^4 = 16 s; after five, the state fails.
    const retriable = await test({
      definition,
      mock,
      stateConfiguration: { retrierRetryCount: 4 },
      inspectionLevel: 'DEBUG',
    });
    expect(retriable).toMatchObject({
      status: 'RETRIABLE',
      error: 'MockException',
      inspectionData: {
        afterArguments: '{"retry":4}',
        errorDetails: { retryIndex: 0, retryBackoffIntervalSeconds: 16 },
      },
    });
    const exhausted = await test({
      definition,
      mock,
      stateConfiguration: { retrierRetryCount: 5 },
      inspectionLevel: 'DEBUG',
    });
    expect(exhausted).toMatchObject({
      status: 'FAILED',
      inspectionData: { errorDetails: { retryIndex: 0 } },
    });
    expect(exhausted.inspectionData?.errorDetails).not.toHaveProperty('retryBackoffIntervalSeconds');
  });

  it("runs a JSONPath state (AWS's default when QueryLanguage is absent) and reports each data-flow stage", async () => {
    const result = await test({
      definition: JSON.stringify({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        InputPath: '$.order',
        Parameters: {
          'Id.$': '$.id',
          'Label.$': "States.Format('order {}', $.id)",
          'Run.$': '$$.Execution.Name',
        },
        ResultSelector: { 'Total.$': '$.Payload.total' },
        ResultPath: '$.priced',
        OutputPath: '$.priced',
        End: true,
      }),
      input: JSON.stringify({ order: { id: 7 }, other: true }),
      context: JSON.stringify(context),
      mock: { result: '{"Payload":{"total":42},"StatusCode":200}' },
      inspectionLevel: 'DEBUG',
    });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"Total":42}',
      inspectionData: {
        input: '{"order":{"id":7},"other":true}',
        afterInputPath: '{"id":7}',
        afterParameters: '{"Id":7,"Label":"order 7","Run":"run-7"}',
        result: '{"Payload":{"total":42},"StatusCode":200}',
        afterResultSelector: '{"Total":42}',
        afterResultPath: '{"order":{"id":7},"other":true,"priced":{"Total":42}}',
      },
    });
    expect(result.inspectionData).not.toHaveProperty('afterArguments');
  });

  it("fails a JSONPath state whose InputPath selects nothing with States.Runtime and Jayway's reason", async () => {
    const result = await test({
      definition: JSON.stringify({ Type: 'Pass', InputPath: '$.missing', End: true }),
      input: '{"present":1}',
    });
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: expect.stringContaining("Invalid path '$.missing' : No results for path: $['missing']"),
    });
  });

  it('runs .waitForTaskToken and .sync Tasks with a mock, with the context’s task token', async () => {
    const callback = await test({
      definition: JSON.stringify({
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Arguments: { QueueUrl: 'q', MessageBody: '{% $states.context.Task.Token %}' },
        End: true,
      }),
      context: JSON.stringify({ ...context, Task: { Token: 'recorded-token' } }),
      mock: { result: '{"approved":true}' },
      inspectionLevel: 'DEBUG',
    });
    expect(callback).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"approved":true}',
      inspectionData: { afterArguments: '{"QueueUrl":"q","MessageBody":"recorded-token"}' },
    });
    const sync = await test({
      definition: JSON.stringify({
        Type: 'Task',
        QueryLanguage: 'JSONata',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Arguments: { StateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:Child' },
        Output: '{% $states.result.Output %}',
        End: true,
      }),
      mock: { result: '{"Status":"SUCCEEDED","Output":{"done":1}}' },
    });
    expect(sync).toMatchObject({ status: 'SUCCEEDED', output: '{"done":1}' });
  });

  it('takes the mock as a Map’s or Parallel’s result, and refuses them without one as AWS does', async () => {
    const map = JSON.stringify({
      Type: 'Map',
      QueryLanguage: 'JSONata',
      ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
      Output: '{% $count($states.result) %}',
      Next: 'After',
    });
    const mapped = await test({
      definition: map,
      input: '[1,2,3]',
      mock: { result: '[1,1,1]' },
      inspectionLevel: 'DEBUG',
    });
    expect(mapped).toMatchObject({ status: 'SUCCEEDED', output: '3', nextState: 'After' });
    // As on AWS, a Map reports its maxConcurrency (0 when absent) and no afterArguments.
    expect(mapped.inspectionData).toEqual({ input: '[1,2,3]', result: '[1,1,1]', maxConcurrency: 0 });
    await expect(test({ definition: map, mock: { result: '{"a":1}' } })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Mocked result must be an array.',
    });
    await expect(test({ definition: map, input: '[1]', roleArn })).rejects.toMatchObject({
      name: 'InvalidDefinition',
      message:
        'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]',
    });
    const parallel = JSON.stringify({
      Type: 'Parallel',
      QueryLanguage: 'JSONata',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
      ],
      Assign: { first: '{% $states.result[0] %}' },
      End: true,
    });
    const both = await test({
      definition: parallel,
      mock: { result: '["a","b"]' },
      inspectionLevel: 'DEBUG',
    });
    expect(both).toMatchObject({ status: 'SUCCEEDED', output: '["a","b"]' });
    expect(both.inspectionData).toMatchObject({ result: '["a","b"]', variables: '{"first":"a"}' });
    await expect(test({ definition: parallel, mock: { result: '["a"]' } })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Mocked result must contain the same number of items as number of Parallel branches.',
    });
    // errorCausedByState names a state of the iterations or branches.
    const caused = await test({
      definition: parallel,
      mock: { errorOutput: { error: 'MockException', cause: 'c' } },
      stateConfiguration: { errorCausedByState: 'B' },
    });
    expect(caused).toMatchObject({ status: 'FAILED', error: 'MockException', cause: 'c' });
    await expect(
      test({
        definition: parallel,
        mock: { errorOutput: { error: 'MockException' } },
        stateConfiguration: { errorCausedByState: 'Nowhere' },
      }),
    ).rejects.toMatchObject({ name: 'ValidationException', message: expect.stringContaining("'Nowhere'") });
    await expect(
      test({
        definition: listTask(),
        mock: { errorOutput: { error: 'MockException' } },
        stateConfiguration: { errorCausedByState: 'B' },
      }),
    ).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('Map or Parallel'),
    });
  });

  it('tests the state named by stateName in a whole state machine, at any depth', async () => {
    const machine = JSON.stringify({
      QueryLanguage: 'JSONata',
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Double',
            States: { Double: { Type: 'Pass', Output: '{% $states.input * 2 %}', End: true } },
          },
          Next: 'Sum',
        },
        Sum: { Type: 'Pass', Output: '{% $sum($states.input) %}', End: true },
      },
    });
    expect(await test({ definition: machine, stateName: 'Sum', input: '[1,2]' })).toMatchObject({
      status: 'SUCCEEDED',
      output: '3',
    });
    expect(await test({ definition: machine, stateName: 'Double', input: '21' })).toMatchObject({
      status: 'SUCCEEDED',
      output: '42',
    });
    await expect(test({ definition: machine, stateName: 'Missing' })).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'State not found in definition',
    });
  });

  it('refuses what AWS refuses, with AWS’s messages', async () => {
    const refused = (input: Partial<TestStateCommandInput>, message: string | RegExp) =>
      expect(test({ definition: listTask(), ...input })).rejects.toMatchObject({
        name: 'ValidationException',
        message: typeof message === 'string' ? message : expect.stringMatching(message),
      });
    const mock = { result: '{}' };
    await refused(
      { roleArn, context: '{}' },
      'TestState does not support Context when a mock is not specified.',
    );
    await refused(
      { mock, context: '{"Map":{"Item":{"Index":0}}}' },
      "Invalid Context object provided: 'Map' field is not supported when mocking a Context object",
    );
    await refused(
      { mock, context: '{"Pokedex":{}}' },
      "Invalid Context object provided: Field 'Pokedex' is not allowed",
    );
    await refused(
      { mock, context: '{"Execution":{"pokemon":"squirtle"}}' },
      "Invalid Context object provided: Field 'pokemon' is not allowed",
    );
    await refused(
      { mock, context: '{"Execution":{"Id":1}}' },
      'Invalid Context object provided: Execution.Id must be a string',
    );
    await refused(
      { mock, context: '{"Task":{"Token":"t"}}' },
      "Invalid Context object provided: Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern",
    );
    await refused(
      { mock: { result: '{}', errorOutput: { error: 'E' } } },
      'A test mock should have only one of the following fields: [result, errorOutput].',
    );
    await refused(
      { mock: {} },
      'A test mock should have only one of the following fields: [result, errorOutput].',
    );
    await refused({ mock: { errorOutput: { cause: 'c' } } }, /mock\.errorOutput\.error is required/);
    await refused({ mock: { result: '{"a":' } }, 'Mocked result must be valid JSON');
    await refused(
      { mock, revealSecrets: true },
      'TestState does not support RevealSecrets when a mock is specified.',
    );
    await refused(
      { definition: '{"Type":"Pass","End":true}', mock },
      "State type 'Pass' is not supported when a mock is specified",
    );
    await refused(
      { roleArn, stateConfiguration: { mapIterationFailureCount: 0 } },
      'TestState does not support MapIterationFailureCount when a mock is not specified.',
    );
    // What the local endpoint does not do, it says so.
    await refused(
      { mock, stateConfiguration: { mapIterationFailureCount: 1 } },
      /local Step Functions endpoint does not support stateConfiguration\.mapIterationFailureCount/,
    );
    await refused(
      { mock, stateConfiguration: { mapItemReaderData: '[]' } },
      /local Step Functions endpoint does not support stateConfiguration\.mapItemReaderData/,
    );
  });

  it('checks an AWS service integration’s mocked result is an object unless fieldValidationMode is NONE', async () => {
    const array = { result: '[1,2]' };
    await expect(test({ definition: listTask(), mock: array })).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringMatching(/^Mock result schema validation error: .* must be a JSON object/),
    });
    await expect(
      test({ definition: listTask(), mock: { ...array, fieldValidationMode: 'PRESENT' } }),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    expect(
      await test({ definition: listTask(), mock: { ...array, fieldValidationMode: 'NONE' } }),
    ).toMatchObject({
      status: 'SUCCEEDED',
      output: '[1,2]',
    });
  });
});
