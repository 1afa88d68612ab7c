/**
 * Rules of the Developer Guide page "Accessing execution data from the Context object in Step
 * Functions" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html)
 * for JSONPath states (`$$`), run on the engine. The search index did not hold the page's English
 * body; its sentences are quoted from the page's English Markdown source in the archived
 * awsdocs/aws-step-functions-developer-guide repository (2023, input-output-contextobject.md).
 * Where a recorded AWS execution (conformance corpus) disagrees with the page, the recording wins
 * and the test names it.
 */
import { describe, expect, it } from 'vitest';
import { execute, parseDefinition } from '../../../asl/index.ts';
import { testEnv } from '../runtime/helpers.ts';
import { machine, passOutput, runStates, task } from './jsonpath.ts';

const PAGE = 'Accessing execution data from the Context object';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

describe(`${PAGE}: format`, () => {
  // "The context object includes information about the state machine, state, execution, and task."
  it('holds Execution (Id, Input, Name, RoleArn, StartTime), State (EnteredTime, Name) and StateMachine (Id, Name)', async () => {
    const context = (await passOutput({ Parameters: { 'c.$': '$$' } }, { key: 'value' })) as {
      c: Record<string, Record<string, unknown>>;
    };
    const { Execution, State, StateMachine } = context.c;
    expect(Execution).toMatchObject({
      Id: expect.stringMatching(/^arn:aws:states:[^:]+:\d{12}:execution:[^:]+:[^:]+$/),
      Input: { key: 'value' },
      Name: expect.any(String),
      RoleArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\//),
      StartTime: expect.stringMatching(ISO),
    });
    expect(State).toMatchObject({ Name: 'A', EnteredTime: expect.stringMatching(ISO) });
    expect(StateMachine).toMatchObject({
      Id: expect.stringMatching(/^arn:aws:states:[^:]+:\d{12}:stateMachine:/),
      Name: expect.any(String),
    });
    expect(String(Execution?.Id).endsWith(`:${String(Execution?.Name)}`)).toBe(true);
  });

  // The page: "The value for a Task field is null if the Parameters field is outside of a task
  // state", and its format lists State.RetryCount. Recorded:
  // base.test_base.test_query_context_object_values — in a Pass state "$$" has no Task member at
  // all and State holds only Name and EnteredTime. The recording wins.
  it('has no Task member and no State.RetryCount outside a Task state (recorded; the page says Task is null)', async () => {
    const context = (await passOutput({ Parameters: { 'c.$': '$$' } }, {})) as {
      c: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(context.c).sort()).toEqual(['Execution', 'State', 'StateMachine']);
    expect(Object.keys(context.c.State ?? {}).sort()).toEqual(['EnteredTime', 'Name']);
  });

  it('keeps the execution input in Execution.Input after states changed the data', async () => {
    const result = await runStates(
      {
        A: { Type: 'Pass', Result: 'changed', Next: 'B' },
        B: { Type: 'Pass', Parameters: { 'now.$': '$', 'first.$': '$$.Execution.Input' }, End: true },
      },
      { original: true },
    );
    expect(result.output).toEqual({ now: 'changed', first: { original: true } });
  });

  it('names the current state in State.Name', async () => {
    const result = await runStates({
      First: { Type: 'Pass', Next: 'Second' },
      Second: { Type: 'Pass', Parameters: { 'name.$': '$$.State.Name' }, End: true },
    });
    expect(result.output).toEqual({ name: 'Second' });
  });

  // The page's running-execution example shows "RetryCount": 3 for a retried state.
  it('counts retries in State.RetryCount', async () => {
    let attempt = 0;
    const seen: unknown[] = [];
    const result = await runStates(
      {
        T: task({
          Parameters: { 'n.$': '$$.State.RetryCount' },
          Retry: [{ ErrorEquals: ['Boom'], IntervalSeconds: 1 }],
        }),
      },
      {},
      async (request) => {
        seen.push(request.arguments);
        return ++attempt < 3
          ? { ok: false, failure: { error: 'Boom', cause: '' } }
          : { ok: true, output: 'done' };
      },
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });
});

describe(`${PAGE}: accessing it`, () => {
  // "Example to retrieve and pass the execution Amazon Resource Name (ARN) to an Amazon Simple Queue
  // Service (Amazon SQS) message": "Execution.$": "$$.Execution.Id" in the Task's Parameters.
  it("passes the execution ARN to a Task's Parameters (the page's SQS example)", async () => {
    const result = await runStates(
      {
        'Order Flight Ticket Queue': task({
          Resource: 'arn:aws:states:::sqs:sendMessage',
          Parameters: {
            QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/flight-purchase',
            MessageBody: { From: 'YVR', To: 'SEA', 'Execution.$': '$$.Execution.Id' },
          },
          ResultPath: '$.sent',
          OutputPath: '$.sent.MessageBody',
        }),
      },
      {},
      async (request) => ({ ok: true, output: request.arguments }),
    );
    const body = result.output as Record<string, string>;
    expect(body).toMatchObject({ From: 'YVR', To: 'SEA' });
    expect(body.Execution).toMatch(/^arn:aws:states:[^:]+:\d{12}:execution:/);
  });

  // Format: "Task": { "Token": "String" }; the page's note points to "Wait for a Callback with the
  // Task Token" for using it.
  it('gives a .waitForTaskToken Task its token in $$.Task.Token', async () => {
    let seen: { token?: unknown; taskToken?: string } = {};
    const { env } = testEnv(async (request) => {
      seen = { token: (request.arguments as { token: unknown }).token, taskToken: request.taskToken };
      return { ok: true, output: {} };
    });
    const definition = parseDefinition(
      JSON.stringify(
        machine({
          Ask: task({
            Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
            Parameters: { 'token.$': '$$.Task.Token' },
          }),
        }),
      ),
    );
    const running = execute(env, { definition, input: {} });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.token).toEqual(expect.any(String));
    expect(seen.token).toBe(seen.taskToken);
    env.tokens.succeed(String(seen.taskToken), { done: true });
    expect((await running).output).toEqual({ done: true });
  });

  // "To access the context object, first specify the parameter name by appending .$ to the end, as
  // you do when selecting state input with a path. Then, to access context object data instead of
  // the input, prepend the path with $$."
  it("runs the page's Pass example (startTime and execName into $.executionContext)", async () => {
    const output = (await passOutput(
      {
        Parameters: { 'startTime.$': '$$.Execution.StartTime', 'execName.$': '$$.Execution.Name' },
        ResultPath: '$.executionContext',
      },
      { a: 1 },
    )) as { a: number; executionContext: { startTime: string; execName: string } };
    expect(output.a).toBe(1);
    expect(output.executionContext.startTime).toMatch(ISO);
    expect(output.executionContext.execName).toEqual(expect.any(String));
  });

  // "You can access the context object from the following fields: InputPath, OutputPath, ItemsPath
  // (in Map states), Variable (in Choice states), ResultSelector, Variable to variable comparison
  // operators"
  it('is read by InputPath (recorded: context_object.test_context_object.test_input_path._.Execution.Input)', async () => {
    expect(await passOutput({ InputPath: '$$.Execution.Input' }, { 'input-value': 0 })).toEqual({
      'input-value': 0,
    });
  });

  it('is read by OutputPath (recorded: context_object.test_context_object.test_output_path._.Execution.Input)', async () => {
    expect(await passOutput({ Result: 'r', OutputPath: '$$.Execution.Input' }, { 'input-value': 0 })).toEqual(
      { 'input-value': 0 },
    );
  });

  it("is read by a Choice rule's Variable (recorded: context_object.test_context_object.test_variable)", async () => {
    const result = await runStates(
      {
        C: {
          Type: 'Choice',
          Choices: [
            { Variable: '$$.Execution.Input.input-value', NumericLessThanEquals: 0, Next: 'Matched' },
          ],
          Default: 'Other',
        },
        Matched: { Type: 'Pass', Result: 'matched', End: true },
        Other: { Type: 'Pass', Result: 'other', End: true },
      },
      { 'input-value': 0 },
    );
    expect(result.output).toBe('matched');
  });

  it('is read by a variable-to-variable comparison operator', async () => {
    const result = await runStates(
      {
        C: {
          Type: 'Choice',
          Choices: [{ Variable: '$.name', StringEqualsPath: '$$.State.Name', Next: 'Matched' }],
          Default: 'Other',
        },
        Matched: { Type: 'Pass', Result: 'matched', End: true },
        Other: { Type: 'Pass', Result: 'other', End: true },
      },
      { name: 'C' },
    );
    expect(result.output).toBe('matched');
  });

  it('is read by ResultSelector (recorded: context_object.test_context_object.test_result_selector)', async () => {
    const result = await runStates(
      { T: task({ ResultSelector: { 'out.$': '$', 'ContextObjectValue.$': '$$.Execution.Input' } }) },
      { 'input-value': 0 },
      async () => ({ ok: true, output: 'result' }),
    );
    expect(result.output).toEqual({ out: 'result', ContextObjectValue: { 'input-value': 0 } });
  });

  it('is read by ItemsPath', async () => {
    const result = await runStates(
      {
        M: {
          Type: 'Map',
          ItemsPath: '$$.Execution.Input.items',
          ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
          End: true,
        },
      },
      { items: [1, 2] },
    );
    expect(result.output).toEqual([1, 2]);
  });

  // Recorded: context_object.test_context_object.test_error_cause_path — a Fail state's ErrorPath
  // "$$.State.Name" and CausePath "$$.StateMachine.Name".
  it("is read by a Fail state's ErrorPath and CausePath (recorded)", async () => {
    const result = await runStates({
      StartState: { Type: 'Fail', ErrorPath: '$$.State.Name', CausePath: '$$.StateMachine.Name' },
    });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('StartState');
    expect(result.cause).toEqual(expect.any(String));
  });
});

describe(`${PAGE}: Map states`, () => {
  const items = { items: ['a', 'b'] };
  const processor = { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } };

  // "There are two additional items available in the context object when processing a Map state:
  // Index and Value. For each Map state iteration, Index contains the index number for the array
  // item that is being currently processed, while Value contains the array item being processed."
  it("gives each iteration Map.Item.Index and Map.Item.Value in the Map state's ItemSelector", async () => {
    const result = await runStates(
      {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' },
          ItemProcessor: processor,
          End: true,
        },
      },
      items,
    );
    expect(result.output).toEqual([
      { index: 0, value: 'a' },
      { index: 1, value: 'b' },
    ]);
  });

  it('gives them in the Parameters of a Map state with an Iterator ("can be specified in the Parameters field, before the Iterator section")', async () => {
    const result = await runStates(
      {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          Parameters: { 'item.$': '$$.Map.Item' },
          Iterator: processor,
          End: true,
        },
      },
      items,
    );
    expect(result.output).toEqual([{ item: { Index: 0, Value: 'a' } }, { item: { Index: 1, Value: 'b' } }]);
  });

  // "You must define parameters from the context object in the Parameters block of the main Map
  // state, not within the states included in the Iterator section."
  it('has no Map member inside the iteration\'s states ("not within the states included in the Iterator section")', async () => {
    const result = await runStates(
      {
        M: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'I',
            States: { I: { Type: 'Pass', Parameters: { 'm.$': '$$.Map' }, End: true } },
          },
          End: true,
        },
      },
      items,
    );
    expect([result.status, result.error]).toEqual(['FAILED', 'States.Runtime']);
  });
});
