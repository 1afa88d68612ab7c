/**
 * Rules of the Developer Guide pages on the state types — "Pass", "Task", "Wait", "Succeed",
 * "Fail", "Parallel" and "Choice" (https://docs.aws.amazon.com/step-functions/latest/dg/
 * amazon-states-language-pass-state.html and its siblings) — run on the engine on a virtual clock
 * and checked against parseDefinition (`wf validate`), for JSONPath states. The sentences are
 * quoted from the pages' English Markdown source in the archived
 * awsdocs/aws-step-functions-developer-guide repository (doc_source/amazon-states-language-*-state.md,
 * 2023); a rule the pages leave out quotes the States Language specification
 * (https://states-language.net/spec.html) and says so. Where a recorded AWS execution
 * (conformance corpus) disagrees with a page, the recording wins and the test names it.
 */
import { describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../../asl/index.ts';
import { run, testEnv, types } from '../runtime/helpers.ts';
import { machine, runStates, task } from './jsonpath.ts';
import { problems } from './problems.ts';

/** Runs the states on a virtual clock; returns the result and the seconds that passed. */
async function timed(states: Record<string, unknown>, input: unknown = {}, handler?: TaskHandler) {
  const { env, clock } = handler ? testEnv(handler) : testEnv();
  const start = clock.now();
  const result = await run(env, JSON.stringify(machine(states)), input);
  return { result, seconds: (clock.now() - start) / 1000 };
}

const never: TaskHandler = () => new Promise(() => {});

describe('Pass', () => {
  // "A Pass state ("Type": "Pass") passes its input to its output, without performing work."
  it('passes its input to its output ("passes its input to its output, without performing work")', async () => {
    const result = await runStates({ P: { Type: 'Pass', End: true } }, { georefOf: 'Home' });
    expect(result.output).toEqual({ georefOf: 'Home' });
  });

  // "Result (Optional) Treated as the output of a virtual task to be passed to the next state, and
  // filtered as specified by the ResultPath field (if present)." The page's example: input
  // { "georefOf": "Home" }, "Then the output would be this." { "georefOf": "Home", "coords": {...} }
  it("places Result at ResultPath (the page's No-op example)", async () => {
    const coords = { 'x-datum': 0.381018, 'y-datum': 622.2269926397355 };
    const result = await runStates(
      { 'No-op': { Type: 'Pass', Result: coords, ResultPath: '$.coords', End: true } },
      { georefOf: 'Home' },
    );
    expect(result.output).toEqual({ georefOf: 'Home', coords });
  });

  it('outputs Result alone when there is no ResultPath ("Treated as the output of a virtual task")', async () => {
    const result = await runStates({ P: { Type: 'Pass', Result: { a: 1 }, End: true } }, { b: 2 });
    expect(result.output).toEqual({ a: 1 });
  });

  // "Parameters (Optional) Create a collection of key-value pairs that will be passed as input.
  // Values can be static, or selected from the input with a path."
  it('builds its input from Parameters, static or selected with a path', async () => {
    const result = await runStates(
      { P: { Type: 'Pass', Parameters: { fixed: 1, 'picked.$': '$.b' }, End: true } },
      { b: 2 },
    );
    expect(result.output).toEqual({ fixed: 1, picked: 2 });
  });
});

describe('Task', () => {
  // "Resource (Required) A URI, especially an Amazon Resource Name (ARN) that uniquely identifies
  // the specific task to execute."
  it('refuses a Task without Resource ("Resource (Required)")', () => {
    expect(problems(machine({ T: { Type: 'Task', End: true } })).join('\n')).toContain('/States/T/Resource');
  });

  // The page's three Resource forms: "arn:partition:states:region:account:activity:name",
  // "arn:partition:lambda:region:account:function:function_name",
  // "arn:partition:states:region:account:servicename:APIname" (".sync" appended for a synchronous
  // connection).
  for (const resource of [
    'arn:aws:states:us-east-1:123456789012:activity:HelloWorld',
    'arn:aws:lambda:us-east-1:123456789012:function:HelloWorld',
    'arn:aws:states:::batch:submitJob.sync',
  ]) {
    it(`accepts the Resource form ${resource}`, () => {
      expect(problems(machine({ T: { Type: 'Task', Resource: resource, End: true } }))).toEqual([]);
    });
  }

  // "TimeoutSeconds (Optional) If the task runs longer than the specified seconds, this state fails
  // with a States.Timeout error name. Must be a positive, non-zero integer."
  it('fails with States.Timeout after TimeoutSeconds ("this state fails with a States.Timeout error name")', async () => {
    const { result, seconds } = await timed({ T: task({ TimeoutSeconds: 300 }) }, {}, never);
    expect(result.error).toBe('States.Timeout');
    expect(seconds).toBe(300);
    expect(types(result)).toContain('TaskTimedOut');
  });

  for (const value of [0, -1, 1.5]) {
    it(`refuses TimeoutSeconds ${value} ("Must be a positive, non-zero integer")`, () => {
      expect(problems(machine({ T: task({ TimeoutSeconds: value }) }))).toEqual([
        expect.stringContaining('/States/T/TimeoutSeconds'),
      ]);
    });
  }

  // "HeartbeatSeconds (Optional) ... Must be a positive, non-zero integer less than the number of
  // seconds specified in the TimeoutSeconds field."
  it('refuses HeartbeatSeconds equal to TimeoutSeconds ("less than the number of seconds specified in the TimeoutSeconds field")', () => {
    expect(problems(machine({ T: task({ TimeoutSeconds: 60, HeartbeatSeconds: 60 }) }))).toEqual([
      expect.stringContaining(
        '/States/T/HeartbeatSeconds: HeartbeatSeconds (60) must be smaller than TimeoutSeconds (60)',
      ),
    ]);
  });

  it('refuses HeartbeatSeconds 0 ("Must be a positive, non-zero integer")', () => {
    expect(problems(machine({ T: task({ HeartbeatSeconds: 0 }) }))).toEqual([
      expect.stringContaining('/States/T/HeartbeatSeconds'),
    ]);
  });

  it('accepts the example "TimeoutSeconds": 300, "HeartbeatSeconds": 60', () => {
    expect(problems(machine({ T: task({ TimeoutSeconds: 300, HeartbeatSeconds: 60 }) }))).toEqual([]);
  });

  // "If not provided, the default value is 99999999." A task that answers after a day of virtual
  // time still succeeds.
  it('does not time out a day-long task without TimeoutSeconds ("the default value is 99999999")', async () => {
    const { env, clock } = testEnv(async () => {
      await clock.sleep(86_400_000);
      return { ok: true, output: 'late' };
    });
    const result = await run(env, JSON.stringify(machine({ T: task() })));
    expect([result.status, result.output]).toEqual(['SUCCEEDED', 'late']);
  });

  // "A Task state must set either the End field to true if the state ends the execution, or must
  // provide a state in the Next field that is run when the Task state is complete."
  it('refuses a Task with neither End nor Next', () => {
    expect(problems(machine({ T: task({ End: undefined }) }))).not.toEqual([]);
  });
});

describe('Wait', () => {
  // "The following Wait state introduces a 10-second delay into a state machine."
  it('waits 10 seconds with "Seconds": 10', async () => {
    const { result, seconds } = await timed({ W: { Type: 'Wait', Seconds: 10, End: true } });
    expect(result.status).toBe('SUCCEEDED');
    expect(seconds).toBe(10);
  });

  // "SecondsPath A time, in seconds, to wait ... specified using a path from the state's input data."
  it('waits the seconds SecondsPath selects', async () => {
    const { seconds } = await timed({ W: { Type: 'Wait', SecondsPath: '$.s', End: true } }, { s: 7 });
    expect(seconds).toBe(7);
  });

  // "Timestamp An absolute time to wait until beginning the state specified in the Next field."
  it('waits until Timestamp', async () => {
    const { env, clock } = testEnv();
    const start = clock.now();
    const until = new Date(start + 90_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const result = await run(
      env,
      JSON.stringify(machine({ W: { Type: 'Wait', Timestamp: until, End: true } })),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(Date.parse(until));
  });

  // "TimestampPath An absolute time to wait until ..., specified using a path from the state's input
  // data." The page's example: "TimestampPath": "$.expirydate" with "2016-03-14T01:59:00Z", a time
  // already past, so the state goes on at once.
  it('goes on at once for a TimestampPath in the past ("expirydate": "2016-03-14T01:59:00Z")', async () => {
    const { result, seconds } = await timed(
      { wait_until: { Type: 'Wait', TimestampPath: '$.expirydate', End: true } },
      { expirydate: '2016-03-14T01:59:00Z' },
    );
    expect(result.output).toEqual({ expirydate: '2016-03-14T01:59:00Z' });
    expect(seconds).toBe(0);
  });

  // "Note: You must specify exactly one of Seconds, Timestamp, SecondsPath, or TimestampPath."
  it('refuses a Wait with two of them ("exactly one of Seconds, Timestamp, SecondsPath, or TimestampPath")', () => {
    expect(
      problems(machine({ W: { Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true } })).join('\n'),
    ).toContain('A Wait state needs exactly one of Seconds, SecondsPath, Timestamp and TimestampPath');
  });

  it('refuses a Wait with none of them', () => {
    expect(problems(machine({ W: { Type: 'Wait', End: true } })).join('\n')).toContain(
      'A Wait state needs exactly one of',
    );
  });

  // "Timestamps must conform to the RFC3339 profile of ISO 8601, with the further restrictions that
  // an uppercase T must separate the date and time portions, and an uppercase Z must denote that a
  // numeric time zone offset is not present".
  for (const text of ['2016-08-18t17:33:00Z', '2016-08-18 17:33:00Z', '2016-08-18T17:33:00z']) {
    it(`refuses the Timestamp ${text} ("an uppercase T ... and an uppercase Z")`, () => {
      expect(problems(machine({ W: { Type: 'Wait', Timestamp: text, End: true } }))).toEqual([
        expect.stringContaining('/States/W/Timestamp'),
      ]);
    });
  }

  // One reading of "Timestamps" for the Wait state and for Choice rules (one parser serves both):
  // a day the month does not have, an offset past 23:59 or more than nine fractional digits
  // (java.time's limit, which AWS's parser follows) is not a timestamp to either.
  for (const text of [
    '2016-02-30T00:00:00Z',
    '2016-03-14T01:59:00+24:00',
    '2016-03-14T01:59:00.1234567890Z',
  ]) {
    it(`neither Wait nor IsTimestamp takes ${text}`, async () => {
      expect(problems(machine({ W: { Type: 'Wait', Timestamp: text, End: true } }))).toEqual([
        expect.stringContaining('/States/W/Timestamp'),
      ]);
      const waited = await runStates({ W: { Type: 'Wait', TimestampPath: '$.at', End: true } }, { at: text });
      expect(waited.error).toBe('States.Runtime');
      const chose = await runStates(
        {
          C: {
            Type: 'Choice',
            Choices: [{ Variable: '$.at', IsTimestamp: true, Next: 'Yes' }],
            Default: 'No',
          },
          Yes: { Type: 'Pass', Result: 'timestamp', End: true },
          No: { Type: 'Pass', Result: 'not a timestamp', End: true },
        },
        { at: text },
      );
      expect(chose.output).toBe('not a timestamp');
    });
  }

  it('waits until a nanosecond Timestamp to the millisecond, as the clock counts', async () => {
    const { env, clock } = testEnv();
    const start = clock.now();
    const until = new Date(start + 90_000).toISOString().replace(/Z$/, '999999Z');
    const result = await run(
      env,
      JSON.stringify(machine({ W: { Type: 'Wait', Timestamp: until, End: true } })),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(clock.now()).toBe(start + 90_000);
  });

  // The page says nothing of a timestamp without a zone. Recorded:
  // base.test_wait.test_wait_timestamppath.EMPTY — "2024-01-01T00:00:00" through TimestampPath fails
  // with States.Runtime, "The TimestampPath parameter does not reference a valid ISO-8601 extended
  // offset date-time format string: $.start_at == ...".
  it('fails a TimestampPath value without a zone with States.Runtime (recorded: test_wait_timestamppath.EMPTY)', async () => {
    const { result } = await timed(
      { State_1: { Type: 'Wait', TimestampPath: '$.start_at', End: true } },
      { start_at: '2024-01-01T00:00:00' },
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain(
      'The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.start_at == 2024-01-01T00:00:00',
    );
  });

  // Recorded: base.test_wait.test_base_wait_seconds_path.-1 and .1.5 — a negative or fractional
  // SecondsPath value fails with States.Runtime.
  it('fails a negative SecondsPath value with States.Runtime (recorded: test_base_wait_seconds_path.-1)', async () => {
    const { result } = await timed(
      { WaitState: { Type: 'Wait', SecondsPath: '$.input.waitSeconds', End: true } },
      { input: { waitSeconds: -1 } },
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain(
      'The SecondsPath parameter references a negative value: $.input.waitSeconds == -1',
    );
  });

  it('fails a fractional SecondsPath value with States.Runtime (recorded: test_base_wait_seconds_path.1.5)', async () => {
    const { result } = await timed(
      { WaitState: { Type: 'Wait', SecondsPath: '$.input.waitSeconds', End: true } },
      { input: { waitSeconds: 1.5 } },
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain(
      'The SecondsPath parameter cannot be parsed as a long value: $.input.waitSeconds == 1.5',
    );
  });
});

describe('Wait (recorded limits)', () => {
  // The page gives no upper limit. Recorded:
  // base.test_wait.test_timestamp_too_far_in_future_boundary.24856 — a TimestampPath 24,856 days
  // ahead fails with States.Runtime, "Wait state delay is too long."
  it('fails a Timestamp 24,856 days ahead with States.Runtime (recorded: test_timestamp_too_far_in_future_boundary.24856)', async () => {
    const { env, clock } = testEnv();
    const at = new Date(clock.now() + 24_856 * 86_400_000).toISOString();
    const result = await run(
      env,
      JSON.stringify(machine({ State_1: { Type: 'Wait', TimestampPath: '$.start_at', End: true } })),
      { start_at: at },
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain('Wait state delay is too long.');
  });
});

describe('Succeed and Fail', () => {
  // Succeed page: "Because Succeed states are terminal states, they have no Next field, and don't
  // need an End field". Fail page: "Because Fail states always exit the state machine, they have no
  // Next field and don't require an End field."
  it('ends the execution successfully at a Succeed state, with its input as output', async () => {
    const result = await runStates({ S: { Type: 'Succeed' } }, { a: 1 });
    expect([result.status, result.output]).toEqual(['SUCCEEDED', { a: 1 }]);
  });

  for (const type of ['Succeed', 'Fail']) {
    it(`refuses Next on a ${type} state ("they have no Next field")`, () => {
      expect(
        problems(machine({ S: { Type: type, Next: 'X' }, X: { Type: 'Pass', End: true } })).join('\n'),
      ).toContain('/States/S/Next');
    });
  }

  // 'A Fail state ("Type": "Fail") stops the execution of the state machine and marks it as a
  // failure.' "Cause (Optional) Provides a custom failure string ..." "Error (Optional) Provides an
  // error name ..."
  it('fails the execution with its Error and Cause (the page\'s "FailState" example)', async () => {
    const result = await runStates({
      FailState: { Type: 'Fail', Cause: 'Invalid response.', Error: 'ErrorA' },
    });
    expect([result.status, result.error, result.cause]).toEqual(['FAILED', 'ErrorA', 'Invalid response.']);
  });

  // "The Fail state only allows the use of Type and Comment fields from the set of common state
  // fields."
  for (const field of ['InputPath', 'OutputPath']) {
    it(`refuses ${field} on a Fail state ("only allows the use of Type and Comment fields")`, () => {
      expect(problems(machine({ F: { Type: 'Fail', [field]: '$' } })).join('\n')).toContain(
        `/States/F/${field}`,
      );
    });
  }
});

describe('Fail (specification)', () => {
  // Specification: 'A Fail state MUST NOT include both "Error" and "ErrorPath" or both "Cause" and
  // "CausePath".'
  for (const [field, path] of [
    ['Error', 'ErrorPath'],
    ['Cause', 'CausePath'],
  ] as const) {
    it(`refuses ${field} together with ${path}`, () => {
      expect(problems(machine({ F: { Type: 'Fail', [field]: 'x', [path]: '$.x' } }))).not.toEqual([]);
    });
  }

  // Specification: 'A JSONPath Fail state MAY have "ErrorPath" and "CausePath" fields whose values
  // MUST be Reference Paths or Intrinsic Functions which, when resolved, MUST be string values.'
  it('takes Error and Cause from ErrorPath and CausePath', async () => {
    const result = await runStates(
      { FailState: { Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' } },
      { Error: 'ErrorA', Cause: 'Kaiju attack' },
    );
    expect([result.error, result.cause]).toEqual(['ErrorA', 'Kaiju attack']);
  });
});

describe('Parallel', () => {
  const add = {
    StartAt: 'Add',
    States: { Add: task({ Parameters: { 'v.$': 'States.MathAdd($[0], $[1])' } }) },
  };
  const subtract = {
    StartAt: 'Subtract',
    States: { Subtract: task({ Parameters: { 'v.$': 'States.MathAdd($[0], -2)' } }) },
  };
  const answer: TaskHandler = async (r) => ({ ok: true, output: (r.arguments as { v: number }).v });

  // "It generates output that is an array with one element for each branch, containing the output
  // from that branch." "If the FunWithMath state was given the array [3, 2] as input, then both the
  // Add and Subtract states receive that array as input. The output of Add would be 5, that of
  // Subtract would be 1, and the output of the Parallel state would be an array. [ 5, 1 ]"
  it("outputs one element per branch, in branch order (the page's FunWithMath [ 5, 1 ])", async () => {
    const result = await runStates(
      { FunWithMath: { Type: 'Parallel', End: true, Branches: [add, subtract] } },
      [3, 2],
      answer,
    );
    expect(result.output).toEqual([5, 1]);
  });

  // Specification: "The elements of the output array correspond to the branches in the same order
  // that they appear in the "Branches" array."
  it('keeps branch order when the first branch finishes last', async () => {
    const slow = {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 5, Next: 'P' }, P: { Type: 'Pass', Result: 'slow', End: true } },
    };
    const fast = { StartAt: 'P', States: { P: { Type: 'Pass', Result: 'fast', End: true } } };
    const result = await runStates({ Par: { Type: 'Parallel', End: true, Branches: [slow, fast] } });
    expect(result.output).toEqual(['slow', 'fast']);
  });

  // "If any branch fails, because of an unhandled error or by transitioning to a Fail state, the
  // entire Parallel state is considered to have failed and all its branches are stopped. If the
  // error is not handled by the Parallel state itself, Step Functions stops the execution with an
  // error."
  it('fails when one branch reaches a Fail state ("the entire Parallel state is considered to have failed")', async () => {
    const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Branch.Failed', Cause: 'no' } } };
    const waiting = { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1000, End: true } } };
    const { result, seconds } = await timed({
      P: { Type: 'Parallel', End: true, Branches: [waiting, failing] },
    });
    expect([result.status, result.error]).toEqual(['FAILED', 'Branch.Failed']);
    expect(seconds).toBeLessThan(1000); // "all its branches are stopped"
  });

  it('lets its own Catch handle a failing branch ("If the error is not handled by the Parallel state itself")', async () => {
    const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'Branch.Failed' } } };
    const result = await runStates({
      P: {
        Type: 'Parallel',
        Branches: [failing],
        Catch: [{ ErrorEquals: ['Branch.Failed'], Next: 'Handled' }],
        End: true,
      },
      Handled: { Type: 'Pass', End: true },
    });
    expect(result.status).toBe('SUCCEEDED');
  });

  // Specification: "Unlike a Fail State, a Succeed State within a Parallel merely terminates its own
  // branch."
  it('ends only its own branch at a Succeed state', async () => {
    const succeed = { StartAt: 'S', States: { S: { Type: 'Succeed' } } };
    const later = {
      StartAt: 'W',
      States: { W: { Type: 'Wait', Seconds: 5, Next: 'P' }, P: { Type: 'Pass', Result: 'later', End: true } },
    };
    const result = await runStates({ P: { Type: 'Parallel', End: true, Branches: [succeed, later] } }, 'in');
    expect(result.output).toEqual(['in', 'later']);
  });

  // "A Parallel state provides each branch with a copy of its own input data (subject to
  // modification by the InputPath field)."
  it('gives each branch a copy of its input after InputPath', async () => {
    const echo = { StartAt: 'E', States: { E: { Type: 'Pass', End: true } } };
    const result = await runStates(
      { P: { Type: 'Parallel', InputPath: '$.x', Branches: [echo, echo], End: true } },
      { x: { a: 1 } },
    );
    expect(result.output).toEqual([{ a: 1 }, { a: 1 }]);
  });

  // "Branches (Required) An array of objects that specify state machines to execute in parallel.
  // Each such state machine object must have fields named States and StartAt".
  it('refuses a Parallel state without Branches ("Branches (Required)")', () => {
    expect(problems(machine({ P: { Type: 'Parallel', End: true } })).join('\n')).toContain(
      '/States/P/Branches',
    );
  });

  it('refuses a branch without StartAt ("must have fields named States and StartAt")', () => {
    const branch = { States: { A: { Type: 'Pass', End: true } } };
    expect(
      problems(machine({ P: { Type: 'Parallel', Branches: [branch], End: true } })).join('\n'),
    ).toContain('/States/P/Branches/0');
  });

  // "A state in one branch of a Parallel state must not have a Next field that targets a field
  // outside of that branch".
  it('refuses a Next that leaves the branch ("must not have a Next field that targets a field outside of that branch")', () => {
    const branch = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Outside' } } };
    expect(
      problems(
        machine({
          P: { Type: 'Parallel', Branches: [branch], Next: 'Outside' },
          Outside: { Type: 'Pass', End: true },
        }),
      ).join('\n'),
    ).toContain('/States/P/Branches/0/States/A: The tr');
  });
});

describe('Choice: Default and States.NoChoiceMatched', () => {
  const choice = (fields: Record<string, unknown> = {}) => ({
    C: {
      Type: 'Choice',
      Choices: [{ Variable: '$.n', NumericEquals: 1, Next: 'One' }],
      ...fields,
    },
    One: { Type: 'Pass', Result: 'one', End: true },
    ...(fields.Default ? { Other: { Type: 'Pass', Result: 'other', End: true } } : {}),
  });

  // Choice page: "Default (Optional, Recommended) The name of the state to transition to if none of
  // the transitions in Choices is taken."
  it('takes Default when no rule matches ("if none of the transitions in Choices is taken")', async () => {
    const result = await runStates(choice({ Default: 'Other' }), { n: 2 });
    expect(result.output).toBe('other');
  });

  it('takes the matching rule, not Default', async () => {
    const result = await runStates(choice({ Default: 'Other' }), { n: 1 });
    expect(result.output).toBe('one');
  });

  // Choice page: "If there are no matches for the Choice state's Choices, the state provided in the
  // Default field runs instead. If the Default state isn't specified, the execution fails with an
  // error." The page names no error; the error-handling page (archived concepts-error-handling.md):
  // "States.NoChoiceMatched: A Choice state failed to match the input against any of the conditions
  // of the choice rules and no default transition was specified."
  it('fails with States.NoChoiceMatched without Default', async () => {
    const result = await runStates(choice(), { n: 2 });
    expect([result.status, result.error]).toEqual(['FAILED', 'States.NoChoiceMatched']);
  });

  // Specification: 'A Choice State MAY have a "Default" field, whose value MUST be a string whose
  // value MUST match a State name'.
  it('refuses a Default that names no state', () => {
    expect(problems(machine(choice({ Default: 'Nowhere' }))).join('\n')).toContain(
      "/States/C: The transition to 'Nowhere'",
    );
  });

  // Choice page: "Choice states don't support the End field. In addition, they use Next only inside
  // their Choices field."
  it('refuses End on a Choice state', () => {
    expect(problems(machine(choice({ End: true }))).join('\n')).toContain('/States/C/End');
  });
});
