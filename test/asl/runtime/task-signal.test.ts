/**
 * The signal a Task attempt hands its integration (TaskRequest.signal), made only when the
 * integration reads it, and the clock's cancellable timer the attempt's deadline runs on.
 */
import { describe, expect, it } from 'vitest';
import {
  type Clock,
  createEnvironment,
  execute,
  parseDefinition,
  RoutingRegistry,
  systemClock,
  VirtualClock,
} from '../../../asl/index.ts';
import { jsonata, run, testEnv, types } from './helpers.ts';

const task = (extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: 'f', Payload: {} },
  End: true,
  ...extra,
});

describe("a Task attempt's signal", () => {
  it('is aborted when the attempt times out, for an integration still at work', async () => {
    let held: AbortSignal | undefined;
    const { env } = testEnv((request) => {
      held = request.signal;
      return new Promise(() => {});
    });
    const result = await run(env, jsonata({ T: task({ TimeoutSeconds: 5 }) }));
    expect(result.error).toBe('States.Timeout');
    expect(held?.aborted).toBe(true);
    expect((held?.reason as Error | undefined)?.name).toBe('AbortError');
  });

  it('is aborted, already, when an integration first reads it after its attempt is over', async () => {
    let late: AbortSignal | undefined;
    const { env, clock } = testEnv((request) => {
      // Reads the signal only after the 5-second deadline has passed.
      void clock.sleep(10_000).then(() => {
        late = request.signal;
      });
      return new Promise(() => {});
    });
    const result = await run(env, jsonata({ T: task({ TimeoutSeconds: 5 }) }));
    expect(result.error).toBe('States.Timeout');
    await clock.advance(10_000);
    expect(late?.aborted).toBe(true);
  });

  it("carries the execution's stop reason to an integration still at work", async () => {
    let held: AbortSignal | undefined;
    let calling = (): void => {};
    const called = new Promise<void>((resolve) => {
      calling = resolve;
    });
    const { env } = testEnv((request) => {
      held = request.signal;
      calling();
      return new Promise(() => {});
    });
    const stop = new AbortController();
    const execution = execute(env, {
      definition: parseDefinition(jsonata({ T: task() })),
      input: {},
      signal: stop.signal,
    });
    await called;
    stop.abort({ error: 'Operator', cause: 'stopped by hand' });
    const result = await execution;
    expect(result.status).toBe('ABORTED');
    expect(types(result)).toContain('TaskStateAborted');
    expect(held?.aborted).toBe(true);
    expect(held?.reason).toEqual({ error: 'Operator', cause: 'stopped by hand' });
  });

  it('is never made for an integration that does not read it, and the task succeeds', async () => {
    const { env } = testEnv(async (request) => ({ ok: true, output: Object.keys(request) }));
    const result = await run(env, jsonata({ T: task({ Output: '{% $states.result %}' }) }));
    expect(result.status).toBe('SUCCEEDED');
    // The request lists its signal among its keys (a getter) whether or not it was made.
    expect(result.output).toContain('signal');
  });
});

describe("the clock's timer", () => {
  it('fires virtual timers in time order, timers for the same time in the order they were armed', async () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    clock.timer(20, () => fired.push('b at 20'));
    clock.timer(10, () => fired.push('a at 10'));
    clock.timer(20, () => fired.push('c at 20'));
    clock.timer(0, () => fired.push('now'));
    await clock.advance(30);
    expect(fired).toEqual(['now', 'a at 10', 'b at 20', 'c at 20']);
    expect(clock.pending).toBe(0);
  });

  it('does not fire a timer cancelled before its time, on the virtual and the system clock', async () => {
    const clock = new VirtualClock();
    let virtualFired = false;
    const cancel = clock.timer(10, () => {
      virtualFired = true;
    });
    cancel();
    cancel();
    expect(clock.pending).toBe(0);
    await clock.advance(20);
    expect(virtualFired).toBe(false);

    let systemFired = false;
    systemClock.timer(1, () => {
      systemFired = true;
    })();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(systemFired).toBe(false);
  });

  it('times a task out on a clock with only now and sleep (timer is optional)', async () => {
    const virtual = new VirtualClock({ autoAdvance: true });
    const clock: Clock = { now: () => virtual.now(), sleep: (ms, signal) => virtual.sleep(ms, signal) };
    const tasks = new RoutingRegistry().route(
      () => true,
      () => new Promise(() => {}),
    );
    const start = virtual.now();
    const result = await execute(createEnvironment({ tasks, clock }), {
      definition: parseDefinition(jsonata({ T: task({ TimeoutSeconds: 7 }) })),
      input: {},
    });
    expect(result.error).toBe('States.Timeout');
    expect(virtual.now() - start).toBe(7_000);
    expect(virtual.pending).toBe(0);
  });

  it("rejects a sleep with the signal's reason when it is aborted, and leaves no timer behind", async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1_000, controller.signal);
    expect(clock.pending).toBe(1);
    controller.abort('enough');
    await expect(sleeping).rejects.toBe('enough');
    expect(clock.pending).toBe(0);
  });
});

describe("a Task's integration and the data around it", () => {
  it('gets a copy of its arguments: a change it makes reaches no other branch, as on AWS', async () => {
    const { env } = testEnv(async (request) => {
      (request.arguments as { x: number }).x = 2;
      return { ok: true, output: 'done' };
    });
    const definition = jsonata({
      P: {
        Type: 'Parallel',
        End: true,
        Branches: [
          {
            StartAt: 'W',
            States: { W: { Type: 'Wait', Seconds: 1, Next: 'A' }, A: { Type: 'Pass', End: true } },
          },
          { StartAt: 'T', States: { T: task({ Arguments: undefined }) } },
        ],
      },
    });
    const result = await run(env, definition, { x: 1 });
    expect(result.output).toEqual([{ x: 1 }, 'done']);
    const exited = result.events.find((e) => e.stateExitedEventDetails?.name === 'A');
    expect(exited?.stateExitedEventDetails?.output).toBe('{"x":1}');
  });

  it('is not called when the execution is stopped while its TaskScheduled is being stored', async () => {
    const stop = new AbortController();
    let called = false;
    const { env } = testEnv(async () => {
      called = true;
      throw new Error('must not be called');
    });
    const result = await execute(env, {
      definition: parseDefinition(jsonata({ T: task() })),
      input: {},
      signal: stop.signal,
      onEvent: (event) => {
        if (event.type === 'TaskScheduled') stop.abort({ error: 'Operator', cause: 'stopped' });
      },
    });
    expect(result.status).toBe('ABORTED');
    expect(called).toBe(false);
    expect(types(result)).toContain('TaskStateAborted');
  });
});
