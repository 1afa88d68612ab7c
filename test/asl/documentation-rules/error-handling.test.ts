/**
 * Rules of the Developer Guide page "Handling errors in Step Functions workflows"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html) and of the
 * States Language specification's "Error Handling" section (https://states-language.net/spec.html),
 * run on the engine on a virtual clock and checked against parseDefinition (`wf validate`), for
 * JSONPath states. The search index held the page's opening in English
 * (docs.amazonaws.cn/en_us/.../concepts-error-handling.md) and its States.ALL rule only in
 * translation; the page's sentences here are quoted from its English Markdown source in the
 * archived awsdocs/aws-step-functions-developer-guide repository (2023). That copy predates
 * MaxDelaySeconds and JitterStrategy, so those rules quote the specification. Where a recorded AWS
 * execution (conformance corpus) disagrees with the page, the recording wins and the test names it.
 */
import { describe, expect, it } from 'vitest';
import type { TaskHandler } from '../../../asl/index.ts';
import { run, testEnv, types } from '../runtime/helpers.ts';
import { machine, runStates, task } from './jsonpath.ts';
import { problems } from './problems.ts';

const PAGE = 'Handling errors';

const fail =
  (...errors: string[]): TaskHandler =>
  async () => {
    const error = errors.shift();
    return error
      ? { ok: false, failure: { error, cause: `cause of ${error}` } }
      : { ok: true, output: 'done' };
  };

/** Runs the states on a virtual clock; returns the result, the seconds that passed and the task calls. */
async function timed(states: Record<string, unknown>, handler: TaskHandler, input: unknown = {}) {
  const { env, clock, calls } = testEnv(handler);
  const start = clock.now();
  const result = await run(env, JSON.stringify(machine(states)), input);
  return { result, seconds: (clock.now() - start) / 1000, attempts: calls.length };
}

const handled = { Handled: { Type: 'Pass', End: true } };

describe(`${PAGE}: retriers`, () => {
  // "IntervalSeconds (Optional) An integer that represents the number of seconds before the first
  // retry attempt (1 by default)." "MaxAttempts (Optional) A positive integer that represents the
  // maximum number of retry attempts (3 by default)." "BackoffRate (Optional) The multiplier by
  // which the retry interval increases during each attempt (2.0 by default)."
  it('retries 3 times after 1, 2 and 4 seconds by default', async () => {
    const { result, seconds, attempts } = await timed(
      { T: task({ Retry: [{ ErrorEquals: ['Boom'] }] }) },
      fail('Boom', 'Boom', 'Boom', 'Boom'),
    );
    expect([result.status, result.error]).toEqual(['FAILED', 'Boom']);
    expect(attempts).toBe(4);
    expect(seconds).toBe(1 + 2 + 4);
  });

  // "This example of a Retry makes 2 retry attempts after waiting for 3 and 4.5 seconds."
  it('waits 3 and 4.5 seconds for IntervalSeconds 3, BackoffRate 1.5 ("after waiting for 3 and 4.5 seconds")', async () => {
    const retry = [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }];
    const { attempts, seconds } = await timed(
      { T: task({ Retry: retry }) },
      fail('States.Timeout', 'States.Timeout', 'States.Timeout'),
    );
    expect(attempts).toBe(3);
    expect(seconds).toBe(7.5);
  });

  // "A value of 0 specifies that the error or errors are never retried." Recorded:
  // scenarios.test_base_scenarios.test_retry_interval_features_max_attempts_zero (one TaskFailed).
  it('never retries with MaxAttempts 0 ("the error or errors are never retried")', async () => {
    const { attempts } = await timed(
      { T: task({ Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 0 }] }) },
      fail('Boom', 'Boom'),
    );
    expect(attempts).toBe(1);
  });

  // Specification: "Here is the same example, but with a maximum limit of 4 seconds on the retry
  // interval. In this case the Retrier will make the second attempt after 4 seconds, rather than 6
  // seconds". Recorded (accepted by AWS): scenarios.test_base_scenarios.test_retry_interval_features.
  it('caps the interval at MaxDelaySeconds (specification: "after 4 seconds, rather than 6 seconds")', async () => {
    const retry = [
      {
        ErrorEquals: ['States.Timeout'],
        IntervalSeconds: 3,
        MaxAttempts: 2,
        BackoffRate: 2.0,
        MaxDelaySeconds: 4,
      },
    ];
    const { seconds } = await timed(
      { T: task({ Retry: retry }) },
      fail('States.Timeout', 'States.Timeout', 'States.Timeout'),
    );
    expect(seconds).toBe(3 + 4);
  });

  // Specification: "The interpreter will use the specified value to select the jitter strategy to
  // use when calculating the retry interval." FULL waits a random part of the interval.
  it('waits no longer than the interval with JitterStrategy FULL', async () => {
    const retry = [
      { ErrorEquals: ['Boom'], IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 2.0, JitterStrategy: 'FULL' },
    ];
    const { seconds, attempts } = await timed({ T: task({ Retry: retry }) }, fail('Boom', 'Boom'));
    expect(attempts).toBe(3);
    expect(seconds).toBeLessThan(3 + 6);
  });

  // Specification, "Complex retry scenarios": 'Suppose that this task fails four successive times,
  // throwing Error Names "ErrorA", "ErrorB", "ErrorC", and "ErrorB". The first two errors match the
  // first retrier and cause waits of one and two seconds. The third error matches the second retrier
  // and causes a wait of five seconds. The fourth error would match the first retrier but its
  // "MaxAttempts" ceiling of two retries has already been reached, so that Retrier fails, and
  // execution is redirected to the "Z" state via the "Catch" field.' (The page's own list of this
  // example contradicts itself: one bullet gives the fourth error "a wait of 4 seconds", the next
  // says the retrier "has already reached its maximum of two retries".)
  it("counts each retrier separately across one state (the specification's ErrorA, ErrorB, ErrorC, ErrorB example)", async () => {
    const X = task({
      Next: 'Z',
      End: undefined, // JSON.stringify drops it: X goes on to Z
      Retry: [
        { ErrorEquals: ['ErrorA', 'ErrorB'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 },
        { ErrorEquals: ['ErrorC'], IntervalSeconds: 5 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Z' }],
    });
    const { result, seconds, attempts } = await timed(
      { X, Z: { Type: 'Pass', End: true } },
      fail('ErrorA', 'ErrorB', 'ErrorC', 'ErrorB'),
    );
    expect(attempts).toBe(4);
    expect(seconds).toBe(1 + 2 + 5);
    expect(result.output).toEqual({ Error: 'ErrorB', Cause: 'cause of ErrorB' });
  });

  // "The reserved name States.ALL that appears in a retrier's ErrorEquals field is a wildcard that
  // matches any error name. It must appear alone in the ErrorEquals array and must appear in the last
  // retrier in the Retry array."
  it('refuses States.ALL next to another name ("It must appear alone in the ErrorEquals array")', () => {
    expect(problems(machine({ T: task({ Retry: [{ ErrorEquals: ['States.ALL', 'X'] }] }) }))).toEqual([
      expect.stringContaining(
        '/States/T/Retry/0/ErrorEquals: States.ALL must appear alone and in the last retrier',
      ),
    ]);
  });

  it('refuses States.ALL before the last retrier ("must appear in the last retrier in the Retry array")', () => {
    expect(
      problems(machine({ T: task({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] }) })),
    ).toEqual([
      expect.stringContaining(
        '/States/T/Retry/0/ErrorEquals: States.ALL must appear alone and in the last retrier',
      ),
    ]);
  });

  it('refuses an empty ErrorEquals ("A non-empty array of strings that match error names")', () => {
    expect(problems(machine({ T: task({ Retry: [{ ErrorEquals: [] }] }) }))).toEqual([
      expect.stringContaining('/States/T/Retry/0/ErrorEquals: ErrorEquals must be a non-empty array'),
    ]);
  });

  // Specification: 'A Retrier MAY contain a field named "IntervalSeconds", whose value MUST be a
  // positive integer ... "MaxAttempts" whose value MUST be a non-negative integer ...
  // "MaxDelaySeconds" whose value MUST be positive integer ... The value of BackoffRate MUST be
  // greater than or equal to 1.0.'
  for (const [field, value] of [
    ['IntervalSeconds', 0],
    ['MaxAttempts', -1],
    ['MaxDelaySeconds', 0],
    ['BackoffRate', 0.5],
  ] as const) {
    it(`refuses ${field} ${value} (specification)`, () => {
      expect(problems(machine({ T: task({ Retry: [{ ErrorEquals: ['X'], [field]: value }] }) }))).toEqual([
        expect.stringContaining(`/States/T/Retry/0/${field}: Expected`),
      ]);
    });
  }

  // "Task and Parallel states can have a field named Retry"; the specification adds Map.
  it('refuses Retry on a Pass state', () => {
    expect(problems(machine({ T: { Type: 'Pass', End: true, Retry: [{ ErrorEquals: ['X'] }] } }))).toEqual([
      expect.stringContaining("/States/T/Retry: The field 'Retry' is not supported here"),
    ]);
  });
});

describe(`${PAGE}: catchers`, () => {
  // "When a state reports an error and either there is no Retry field, or if retries fail to resolve
  // the error, Step Functions scans through the catchers in the order listed in the array."
  it('takes the first catcher whose ErrorEquals holds the error', async () => {
    const T = task({
      Catch: [
        { ErrorEquals: ['Other'], Next: 'Wrong' },
        { ErrorEquals: ['java.lang.Exception'], Next: 'Right' },
        { ErrorEquals: ['States.ALL'], Next: 'Wrong' },
      ],
    });
    const result = await runStates(
      {
        T,
        Right: { Type: 'Pass', Result: 'right', End: true },
        Wrong: { Type: 'Pass', Result: 'wrong', End: true },
      },
      {},
      fail('java.lang.Exception'),
    );
    expect(result.output).toBe('right');
  });

  // "When a state has both Retry and Catch fields, Step Functions uses any appropriate retriers
  // first, and only afterward applies the matching catcher transition if the retry policy fails to
  // resolve the error."
  it('retries before it catches', async () => {
    const T = task({
      Retry: [{ ErrorEquals: ['Boom'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['Boom'], Next: 'Handled' }],
    });
    const { result, attempts } = await timed({ T, ...handled }, fail('Boom', 'Boom', 'Boom'));
    expect(attempts).toBe(3);
    expect(result.status).toBe('SUCCEEDED');
  });

  it('succeeds without the catcher when a retry resolves the error', async () => {
    const T = task({
      Retry: [{ ErrorEquals: ['Boom'] }],
      Catch: [{ ErrorEquals: ['Boom'], Next: 'Handled' }],
    });
    const { result } = await timed({ T, ...handled }, fail('Boom'));
    expect(result.output).toBe('done');
  });

  // "for the first catcher the error output is added to the input as a field named error-info ...
  // For the second catcher, the error output overwrites the input and only the error output is sent
  // to EndState." "If you don't specify the ResultPath field, it defaults to $, which selects and
  // overwrites the entire input."
  it('adds the error output to the input with "ResultPath": "$.error-info"', async () => {
    const T = task({
      Catch: [{ ErrorEquals: ['java.lang.Exception'], ResultPath: '$.error-info', Next: 'Handled' }],
    });
    const result = await runStates({ T, ...handled }, { order: 1 }, fail('java.lang.Exception'));
    expect(result.output).toEqual({
      order: 1,
      'error-info': { Error: 'java.lang.Exception', Cause: 'cause of java.lang.Exception' },
    });
  });

  it('sends only the error output when the catcher has no ResultPath ("it defaults to $")', async () => {
    const T = task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] });
    const result = await runStates({ T, ...handled }, { order: 1 }, fail('Boom'));
    expect(result.output).toEqual({ Error: 'Boom', Cause: 'cause of Boom' });
  });

  it('refuses States.ALL before the last catcher ("must appear in the last catcher in the Catch array")', () => {
    const T = task({
      Catch: [
        { ErrorEquals: ['States.ALL'], Next: 'Handled' },
        { ErrorEquals: ['X'], Next: 'Handled' },
      ],
    });
    expect(problems(machine({ T, ...handled }))).toEqual([
      expect.stringContaining(
        '/States/T/Catch/0/ErrorEquals: States.ALL must appear alone and in the last retrier or catcher',
      ),
    ]);
  });

  // "Task, Map and Parallel states can have a field named Catch."
  it('refuses Catch on a Pass state', () => {
    const def = machine({
      P: { Type: 'Pass', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] },
      ...handled,
    });
    expect(problems(def)).toContainEqual(
      expect.stringContaining("/States/P/Catch: The field 'Catch' is not supported here"),
    );
  });
});

describe(`${PAGE}: error names`, () => {
  // "States.TaskFailed ... When used in a retry or catch, States.TaskFailed acts as a wildcard that
  // matches any known error name except for States.Timeout."
  it('catches any task error with States.TaskFailed', async () => {
    const T = task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Handled' }] });
    expect((await runStates({ T, ...handled }, {}, fail('Custom'))).status).toBe('SUCCEEDED');
  });

  it('does not catch States.Timeout with States.TaskFailed ("except for States.Timeout")', async () => {
    const T = task({ Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Handled' }] });
    const result = await runStates({ T, ...handled }, {}, fail('States.Timeout'));
    expect([result.status, result.error]).toEqual(['FAILED', 'States.Timeout']);
  });

  // "States.Runtime: An execution failed due to some exception that could not be processed. Often
  // these are caused by errors at runtime, such as attempting to apply InputPath or OutputPath on a
  // null JSON payload."
  it('fails with States.Runtime when InputPath is applied to a null payload', async () => {
    const result = await runStates({ A: { Type: 'Pass', InputPath: '$.a', End: true } }, null);
    expect([result.status, result.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  // "A States.Runtime error is not retriable, and will always cause the execution to fail. A retry
  // or catch on States.ALL will not catch States.Runtime errors." Recorded:
  // scenarios.test_base_scenarios.test_catch_states_runtime (an OutputPath that selects nothing
  // fails the execution even under "ErrorEquals": ["States.Runtime"]).
  it('does not catch States.Runtime with States.ALL ("A retry or catch on States.ALL will not catch States.Runtime errors")', async () => {
    const T = task({
      OutputPath: '$.no.such.result.path',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }],
    });
    const result = await runStates({ T, ...handled }, {}, async () => ({ ok: true, output: {} }));
    expect([result.status, result.error]).toEqual(['FAILED', 'States.Runtime']);
  });

  it('does not catch States.Runtime even when a catcher names it (recorded: test_catch_states_runtime)', async () => {
    const T = task({
      OutputPath: '$.no.such.result.path',
      Catch: [{ ErrorEquals: ['States.Runtime'], Next: 'Handled' }],
    });
    const result = await runStates({ T, ...handled }, {}, async () => ({ ok: true, output: {} }));
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain("Invalid path '$.no.such.result.path'");
  });

  it('does not retry States.Runtime ("A States.Runtime error is not retriable")', async () => {
    const T = task({ OutputPath: '$.no.such', Retry: [{ ErrorEquals: ['States.ALL'] }] });
    const { result, attempts } = await timed({ T }, async () => ({ ok: true, output: {} }));
    expect([result.error, attempts]).toEqual(['States.Runtime', 1]);
  });

  // The page: "States.ALL ... This error type can't catch the States.DataLimitExceeded terminal
  // error type" and "This is a terminal error that can't be caught by the States.ALL error type."
  // Recorded:
  // error_handling.test_states_errors.test_task_lambda_catch_state_all_data_limit_exceeded_on_large_utf8_response
  // — a catcher on States.ALL caught States.DataLimitExceeded and the execution SUCCEEDED with
  // {"Error": "States.DataLimitExceeded", ...}. The recording wins.
  it('catches States.DataLimitExceeded with States.ALL (recorded; the page says it cannot)', async () => {
    const T = task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] });
    const result = await runStates({ T, ...handled }, {}, async () => ({
      ok: true,
      output: 'x'.repeat(300_000),
    }));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ Error: 'States.DataLimitExceeded' });
  });

  // The page: "States.ParameterPathFailure: This error occurs when within a state's Parameters
  // field, an attempt to replace a field whose name ends in .$ using a path fails." Recorded:
  // scenarios.test_base_scenarios.test_invalid_jsonpath.INVALID_JSONPATH_IN_STRING_EXPR_JSONPATH —
  // "value.$": "$.no_such_jsonpath" fails with States.Runtime ("The JSONPath '$.no_such_jsonpath'
  // specified for the field 'value.$' could not be found in the input ..."). The recording wins.
  it('fails a Parameters path that selects nothing with States.Runtime (recorded; the page names States.ParameterPathFailure)', async () => {
    const result = await runStates(
      { pass: { Type: 'Pass', Parameters: { 'value.$': '$.no_such_jsonpath' }, End: true } },
      { 'int-literal': 0 },
    );
    expect(result.error).toBe('States.Runtime');
    expect(result.cause).toContain(
      "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input",
    );
  });

  it('reports the error output with Error and Cause ("the object usually contains the field Cause")', async () => {
    const T = task({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] });
    const result = await runStates({ T, ...handled }, {}, fail('Boom'));
    expect(Object.keys(result.output as object).sort()).toEqual(['Cause', 'Error']);
    expect(types(result)).toContain('TaskFailed');
  });
});

describe(`${PAGE}: limits and ResultPath`, () => {
  // "IntervalSeconds has a maximum value of 99999999." "MaxAttempts has a maximum value of
  // 99999999."
  for (const field of ['IntervalSeconds', 'MaxAttempts']) {
    it(`refuses ${field} 100000000 ("has a maximum value of 99999999") and takes 99999999`, () => {
      expect(
        problems(machine({ T: task({ Retry: [{ ErrorEquals: ['X'], [field]: 99_999_999 }] }) })),
      ).toEqual([]);
      expect(
        problems(machine({ T: task({ Retry: [{ ErrorEquals: ['X'], [field]: 100_000_000 }] }) })),
      ).toEqual([expect.stringContaining(`/States/T/Retry/0/${field}`)]);
    });
  }

  // The page: "States.ResultPathMatchFailure: A state's ResultPath field cannot be applied to the
  // input the state received." Specification: 'Suppose a state's input is the string "foo", and its
  // "ResultPath" field has the value "$.x". Then ResultPath cannot apply and the interpreter fails
  // the machine with an Error Name of "States.ResultPathMatchFailure".' The engine fails with
  // No recorded execution shows this case; the engine follows the page and the specification.
  it('fails with States.ResultPathMatchFailure when ResultPath cannot apply', async () => {
    const result = await runStates({ A: { Type: 'Pass', Result: 1, ResultPath: '$.x', End: true } }, 'foo');
    expect([result.status, result.error]).toEqual(['FAILED', 'States.ResultPathMatchFailure']);
  });
});
