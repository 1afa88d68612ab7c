import { describe, expect, it } from 'vitest';
import { jsonata, run, testEnv, types } from './helpers.ts';

const task = (extra: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: 'f', Payload: {} },
  ...extra,
});

describe('Retry and Catch', () => {
  it('retries with exponential backoff on the virtual clock, then succeeds', async () => {
    let attempts = 0;
    const { env, clock } = testEnv(async () =>
      ++attempts < 3
        ? { ok: false, failure: { error: 'Lambda.TooManyRequestsException', cause: 'slow down' } }
        : { ok: true, output: 'done' },
    );
    const start = clock.now();
    const result = await run(
      env,
      jsonata({
        T: task({
          Retry: [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 2, BackoffRate: 3 }],
          End: true,
        }),
      }),
    );
    expect(result.status).toBe('SUCCEEDED');
    expect(attempts).toBe(3);
    expect(clock.now() - start).toBe(2_000 + 6_000);
    expect(result.transitions).toBe(3);
  });

  it('lets the catcher decide once the first matching retrier is exhausted', async () => {
    const { env } = testEnv(async () => ({ ok: false, failure: { error: 'Boom', cause: 'bad' } }));
    const result = await run(
      env,
      jsonata({
        T: task({
          Retry: [
            { ErrorEquals: ['Boom'], MaxAttempts: 1 },
            { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
          ],
          Catch: [
            {
              ErrorEquals: ['States.ALL'],
              Assign: { why: '{% $states.errorOutput.Cause %}' },
              Next: 'Handled',
            },
          ],
          End: true,
        }),
        Handled: { Type: 'Pass', Output: { seen: '{% $states.input %}', why: '{% $why %}' }, End: true },
      }),
    );
    expect(result.output).toEqual({ seen: { Error: 'Boom', Cause: 'bad' }, why: 'bad' });
    expect(types(result).filter((t) => t === 'TaskFailed')).toHaveLength(2);
  });

  it('never retries or catches States.Runtime', async () => {
    const { env } = testEnv(async () => ({
      ok: false,
      failure: { error: 'States.Runtime', cause: 'broken' },
    }));
    const result = await run(
      env,
      jsonata({
        T: task({
          Retry: [{ ErrorEquals: ['States.ALL'] }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C' }],
          End: true,
        }),
        C: { Type: 'Succeed' },
      }),
    );
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Runtime');
  });

  it('fails a Task with States.Timeout after TimeoutSeconds of virtual time', async () => {
    const { env, clock } = testEnv(() => new Promise(() => {}));
    const start = clock.now();
    const result = await run(env, jsonata({ T: task({ TimeoutSeconds: 30, End: true }) }));
    expect(result.error).toBe('States.Timeout');
    expect(clock.now() - start).toBe(30_000);
    expect(types(result)).toContain('TaskTimedOut');
  });
});
