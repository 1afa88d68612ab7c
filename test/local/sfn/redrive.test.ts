/**
 * RedriveExecution on the local Step Functions endpoint, through @aws-sdk/client-sfn: a failed
 * Standard execution carries on from its unsuccessful states (inline Map: the failed iterations
 * only; Parallel: the failed branches only), keeps its ARN, counts its redrives, and survives a
 * restart of the service.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingRegistry, type TaskRequest } from '../../../asl/index.ts';
import { type StepFunctionsService, startStepFunctions } from '../../../local/sfn/index.ts';
import { credentials, failure, roleArn, waiting } from './fixture.ts';

/** A Lambda stand-in: `{ key }` answers `{ done: key }`, or fails while the key is in `failing`. */
function lambda(calls: TaskRequest[], failing: Set<string>, tokens: string[]): RoutingRegistry {
  return new RoutingRegistry().route(
    () => true,
    async (request) => {
      calls.push(request);
      if (request.taskToken !== undefined) tokens.push(request.taskToken);
      const key = String((request.arguments as { Payload?: { key?: unknown } }).Payload?.key);
      if (failing.has(key)) return { ok: false, failure: { error: 'Boom', cause: `${key} failed` } };
      return { ok: true, output: { done: key } };
    },
  );
}

const invoke = (key: string, extra: Record<string, unknown> = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: 'f', Payload: { key } },
  Output: '{% $states.result.done %}',
  ...extra,
});

const machine = (states: Record<string, unknown>, startAt = Object.keys(states)[0]) =>
  JSON.stringify({ QueryLanguage: 'JSONata', StartAt: startAt, States: states });

const TASK = machine({
  Prepare: { Type: 'Pass', Output: { n: 1 }, Next: 'Work' },
  Work: invoke('work', { Next: 'Done' }),
  Done: { Type: 'Pass', Output: { result: '{% $states.input %}' }, End: true },
});

const MAP = machine({
  Each: {
    Type: 'Map',
    Items: ['a', 'b', 'c'],
    ItemProcessor: {
      ProcessorConfig: { Mode: 'INLINE' },
      StartAt: 'Item',
      States: {
        Item: {
          ...invoke('x'),
          Arguments: { FunctionName: 'f', Payload: { key: "{% 'item-' & $states.input %}" } },
          End: true,
        },
      },
    },
    End: true,
  },
});

const PARALLEL = machine({
  Both: {
    Type: 'Parallel',
    Branches: [
      { StartAt: 'Left', States: { Left: invoke('left', { End: true }) } },
      { StartAt: 'Right', States: { Right: invoke('right', { End: true }) } },
    ],
    End: true,
  },
});

/** Fails first; on redrive it waits for its task token. */
const CALLBACK = machine({
  Prepare: invoke('prepare', { Next: 'Ask' }),
  Ask: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
    Arguments: { FunctionName: 'f', Payload: { key: 'ask', token: '{% $states.context.Task.Token %}' } },
    Output: '{% $states.result %}',
    End: true,
  },
});

describe('local Step Functions RedriveExecution, through @aws-sdk/client-sfn', () => {
  let dir: string;
  let service: StepFunctionsService;
  let sfn: SFNClient;
  const calls: TaskRequest[] = [];
  const failing = new Set<string>();
  const tokens: string[] = [];

  const boot = async () => {
    service = await startStepFunctions({ dataDir: dir, tasks: lambda(calls, failing, tokens) });
    sfn = new SFNClient({ region: 'us-east-1', endpoint: service.endpoint, credentials, maxAttempts: 1 });
  };
  const shutdown = async () => {
    sfn.destroy();
    await service.close();
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sfn-redrive-'));
    await boot();
  }, 60_000);
  afterAll(async () => {
    await shutdown();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  const create = async (name: string, definition: string) =>
    (await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn }))).stateMachineArn as string;

  /** Starts an execution and waits for its end. */
  const run = async (stateMachineArn: string, name: string) => {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name }));
    await settled(executionArn as string);
    return executionArn as string;
  };
  const settled = async (executionArn: string) => {
    await service.backend.executions.get(executionArn)?.done;
    return sfn.send(new DescribeExecutionCommand({ executionArn }));
  };
  const history = async (executionArn: string): Promise<HistoryEvent[]> =>
    (await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
  /** The events after ExecutionRedriven number `count`. */
  const rerunOf = (events: HistoryEvent[], count = 1) => {
    const at = events.findIndex(
      (e) => e.type === 'ExecutionRedriven' && e.executionRedrivenEventDetails?.redriveCount === count,
    );
    expect(at).toBeGreaterThan(0);
    return events.slice(at + 1);
  };
  const keys = (from: number) =>
    calls.slice(from).map((c) => (c.arguments as { Payload: { key: string } }).Payload.key);

  it('runs a failed Task again, not the states before it, and the execution succeeds under its ARN', async () => {
    const stateMachineArn = await create('RedriveTask', TASK);
    failing.add('work');
    const executionArn = await run(stateMachineArn, 'first');
    const failed = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(failed).toMatchObject({
      status: 'FAILED',
      error: 'Boom',
      redriveCount: 0,
      redriveStatus: 'REDRIVABLE',
    });
    expect(failed.redriveDate).toBeUndefined();
    expect(failed.redriveStatusReason).toBeUndefined();
    const before = await history(executionArn);

    failing.delete('work');
    const from = calls.length;
    const { redriveDate } = await sfn.send(
      new RedriveExecutionCommand({ executionArn, clientToken: 'once' }),
    );
    expect(redriveDate).toBeInstanceOf(Date);
    const done = await settled(executionArn);
    expect(done).toMatchObject({
      executionArn,
      status: 'SUCCEEDED',
      output: JSON.stringify({ result: 'work' }),
      redriveCount: 1,
      redriveDate,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
    });
    expect(done.startDate).toEqual(failed.startDate);
    expect(done.error).toBeUndefined();
    expect(keys(from)).toEqual(['work']);

    const events = await history(executionArn);
    // The first attempt stays as it was; ids go on from it.
    expect(events.slice(0, before.length)).toEqual(before);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    const redriven = events[before.length];
    expect(redriven).toMatchObject({
      type: 'ExecutionRedriven',
      id: before.length + 1,
      executionRedrivenEventDetails: { redriveCount: 1 },
    });
    expect(rerunOf(events).map((e) => e.type)).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    // The Task runs again with the input it had: Prepare's output, not re-evaluated.
    expect(rerunOf(events)[0]?.stateEnteredEventDetails).toMatchObject({ name: 'Work', input: '{"n":1}' });

    // The same client token answers the same redrive again; another token finds it SUCCEEDED.
    const again = await sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'once' }));
    expect(again.redriveDate).toEqual(redriveDate);
    const refused = await failure(
      sfn.send(new RedriveExecutionCommand({ executionArn, clientToken: 'other' })),
    );
    expect(refused.name).toBe('ExecutionNotRedrivable');
    expect(refused.message).toBe('Execution is SUCCEEDED and cannot be redriven');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).redriveCount).toBe(1);
  });

  it('counts every redrive of an execution that fails again', async () => {
    const stateMachineArn = await create('RedriveTwice', TASK);
    failing.add('work');
    const executionArn = await run(stateMachineArn, 'twice');
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(await settled(executionArn)).toMatchObject({ status: 'FAILED', redriveCount: 1 });
    failing.delete('work');
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    expect(await settled(executionArn)).toMatchObject({ status: 'SUCCEEDED', redriveCount: 2 });
    const events = await history(executionArn);
    expect(
      events.filter((e) => e.type === 'ExecutionRedriven').map((e) => e.executionRedrivenEventDetails),
    ).toEqual([{ redriveCount: 1 }, { redriveCount: 2 }]);
    expect(events.filter((e) => e.type === 'PassStateEntered').length).toBe(2); // Prepare once, Done once
    expect(rerunOf(events, 2).map((e) => e.type)[0]).toBe('TaskStateEntered');
  });

  it('runs only the failed iteration of an inline Map again', async () => {
    const stateMachineArn = await create('RedriveMap', MAP);
    failing.add('item-b');
    const executionArn = await run(stateMachineArn, 'map');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('FAILED');
    failing.delete('item-b');
    const from = calls.length;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const done = await settled(executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '["item-a","item-b","item-c"]' });
    expect(keys(from)).toEqual(['item-b']);
    const rerun = rerunOf(await history(executionArn));
    expect(rerun.filter((e) => e.type === 'TaskStateEntered').length).toBe(1);
    expect(
      rerun.filter((e) => e.type === 'MapIterationSucceeded').map((e) => e.mapIterationSucceededEventDetails),
    ).toEqual([{ index: 1, name: 'Each' }]);
    expect(rerun.map((e) => e.type).slice(-3)).toEqual([
      'MapStateSucceeded',
      'MapStateExited',
      'ExecutionSucceeded',
    ]);
    expect(rerun.some((e) => e.type === 'MapStateEntered')).toBe(false);
  });

  it('runs only the failed branch of a Parallel again', async () => {
    const stateMachineArn = await create('RedriveParallel', PARALLEL);
    failing.add('right');
    const executionArn = await run(stateMachineArn, 'parallel');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('FAILED');
    failing.delete('right');
    const from = calls.length;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    const done = await settled(executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '["left","right"]' });
    expect(keys(from)).toEqual(['right']);
    const rerun = rerunOf(await history(executionArn));
    expect(rerun.map((e) => e.type)).toEqual([
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ParallelStateSucceeded',
      'ParallelStateExited',
      'ExecutionSucceeded',
    ]);
    expect(rerun[0]?.stateEnteredEventDetails?.name).toBe('Right');
  });

  it('refuses to redrive a RUNNING execution or one that does not exist, with AWS error names', async () => {
    const stateMachineArn = await create('RedriveRunning', waiting);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'open' }));
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({
      status: 'RUNNING',
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
      redriveStatusReason: 'Execution is RUNNING and cannot be redriven',
    });
    const running = await failure(sfn.send(new RedriveExecutionCommand({ executionArn })));
    expect(running.name).toBe('ExecutionNotRedrivable');
    expect(running.message).toBe('Execution is RUNNING and cannot be redriven');
    const missing = await failure(
      sfn.send(
        new RedriveExecutionCommand({
          executionArn: `${stateMachineArn.replace(':stateMachine:', ':execution:')}:nope`,
        }),
      ),
    );
    expect(missing.name).toBe('ExecutionDoesNotExist');
  });

  it('redrives a stopped (ABORTED) execution: the open task is entered again and hands out a new token', async () => {
    const stateMachineArn = await create('RedriveAborted', waiting);
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'stopped' }));
    const arn = executionArn as string;
    await sfn.send(new StopExecutionCommand({ executionArn: arn, error: 'Operator', cause: 'stopped' }));
    expect(await settled(arn)).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });
    const from = calls.length;
    await sfn.send(new RedriveExecutionCommand({ executionArn: arn }));
    const redriven = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(redriven).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
    expect(redriven.stopDate).toBeUndefined();
    expect(redriven.error).toBeUndefined();
    const deadline = Date.now() + 10_000;
    while (calls.length === from && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const token = calls.at(-1)?.taskToken as string;
    expect(token).toBeDefined();
    expect(calls.slice(0, from).some((c) => c.taskToken === token)).toBe(false);
    await sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"late":1}' }));
    expect(await settled(arn)).toMatchObject({ status: 'SUCCEEDED', output: '{"late":1}' });
  });

  it('filters ListExecutions by redriveFilter and lists redriveCount and redriveDate', async () => {
    const stateMachineArn = await create('RedriveList', TASK);
    failing.add('work');
    const plain = await run(stateMachineArn, 'plain');
    const redriven = await run(stateMachineArn, 'redriven');
    await sfn.send(new RedriveExecutionCommand({ executionArn: redriven }));
    await settled(redriven);
    const list = async (redriveFilter?: 'REDRIVEN' | 'NOT_REDRIVEN') =>
      (
        await sfn.send(
          new ListExecutionsCommand({ stateMachineArn, ...(redriveFilter ? { redriveFilter } : {}) }),
        )
      ).executions ?? [];
    expect((await list('REDRIVEN')).map((e) => e.executionArn)).toEqual([redriven]);
    expect((await list('NOT_REDRIVEN')).map((e) => e.executionArn)).toEqual([plain]);
    const all = await list();
    expect(all.map((e) => e.executionArn)).toEqual([redriven, plain]);
    expect(all[0]).toMatchObject({ redriveCount: 1, redriveDate: expect.any(Date) });
    expect(all[1]?.redriveCount).toBe(0);
    expect(all[1]?.redriveDate).toBeUndefined();
    failing.delete('work');
  });

  it('redrives after a restart, and a redriven execution resumes after another one', async () => {
    const stateMachineArn = await create('RedriveRestart', CALLBACK);
    failing.add('ask');
    const executionArn = await run(stateMachineArn, 'restart');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('FAILED');

    await shutdown();
    await boot();
    failing.delete('ask');
    const from = calls.length;
    await sfn.send(new RedriveExecutionCommand({ executionArn }));
    // The redriven Ask waits for its token; the service restarts meanwhile.
    const deadline = Date.now() + 10_000;
    while (calls.length === from && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(keys(from)).toEqual(['ask']);
    await shutdown();
    await boot();
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await sfn.send(new SendTaskSuccessCommand({ taskToken: tokens.at(-1), output: '{"ok":true}' }));
    const done = await settled(executionArn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}', redriveCount: 1 });
    expect(keys(from)).toEqual(['ask']);
    const events = await history(executionArn);
    expect(events.filter((e) => e.type === 'ExecutionRedriven').length).toBe(1);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.stateEnteredEventDetails?.name === 'Prepare').length).toBe(1);
  });
});
