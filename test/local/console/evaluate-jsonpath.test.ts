/**
 * The console's data flow of a JSONPath state: the value after each path field, read from the
 * history where it records it, and from the local Step Functions' TestState (DEBUG, the task's
 * result mocked by the recorded one) for the steps in between.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parseDefinition, type TaskHandler } from '../../../asl/index.ts';
import type { ConsoleContext } from '../../../local/console/context.ts';
import type { EvaluatedField } from '../../../local/console/evaluate.ts';
import { evaluateFields } from '../../../local/console/evaluate.ts';
import { buildExecutionModel, type StateRun } from '../../../local/console/history.ts';
import { type StepFunctionsService, startStepFunctions } from '../../../local/sfn/index.ts';
import { testEnv } from '../../asl/runtime/helpers.ts';

const CHARGE = 'arn:aws:lambda:us-east-1:111111111111:function:charge';

const machine = {
  StartAt: 'Prepare',
  States: {
    Prepare: {
      Type: 'Pass',
      InputPath: '$.order',
      Parameters: { 'id.$': '$.id', 'qty.$': 'States.MathAdd($.qty, 1)' },
      ResultPath: '$.prepared',
      OutputPath: '$.prepared',
      Next: 'Charge',
    },
    Charge: {
      Type: 'Task',
      Resource: CHARGE,
      InputPath: '$',
      Parameters: { 'amount.$': '$.qty', 'ref.$': '$.id' },
      ResultSelector: { 'charged.$': '$.total' },
      ResultPath: '$.charge',
      OutputPath: '$',
      Assign: { 'lastCharge.$': '$.total' },
      Retry: [{ ErrorEquals: ['Declined'], MaxAttempts: 0 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Declined' }],
      Next: 'Done',
    },
    Declined: { Type: 'Fail', Error: 'Declined' },
    Done: { Type: 'Succeed', InputPath: '$.charge' },
  },
};

const charge: TaskHandler = async (request) => {
  const { amount } = request.arguments as { amount: number };
  return amount > 100
    ? { ok: false, failure: { error: 'Declined', cause: 'over the limit' } }
    : { ok: true, output: { total: amount * 10, currency: 'EUR' } };
};

async function runsOf(input: unknown): Promise<Map<string, StateRun>> {
  const { env } = testEnv(charge);
  const result = await execute(env, { definition: parseDefinition(JSON.stringify(machine)), input });
  const model = buildExecutionModel(result.events, machine);
  return new Map(model.runs.map((run) => [run.name, run]));
}

const byField = (fields: readonly EvaluatedField[]) => new Map(fields.map((f) => [f.field, f]));
const state = (name: keyof typeof machine.States) => machine.States[name] as Record<string, unknown>;

describe('the console: a JSONPath state’s data flow', () => {
  let dir: string;
  let service: StepFunctionsService;
  let sfn: SFNClient;
  let ctx: ConsoleContext;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-jsonpath-'));
    service = await startStepFunctions({ dataDir: dir });
    sfn = new SFNClient({
      region: 'us-east-1',
      endpoint: service.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      // TestState's endpoint is `sync-<host>` on AWS; the local endpoint is one address.
      disableHostPrefix: true,
    });
    ctx = {
      mode: 'local',
      region: 'us-east-1',
      prefix: '',
      csrf: 'evaluate-jsonpath-test',
      // The data flow calls Step Functions only (TestState); the other clients are never used here.
      clients: { sfn } as unknown as ConsoleContext['clients'],
    };
  }, 60_000);

  afterAll(async () => {
    sfn?.destroy();
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a Pass state’s value after InputPath, Parameters and ResultPath (TestState) and OutputPath (history)', async () => {
    const runs = await runsOf({ order: { id: 'o-1', qty: 2 } });
    const fields = byField(
      await evaluateFields(ctx, state('Prepare'), runs.get('Prepare') as StateRun, 'JSONPath'),
    );
    expect([...fields.keys()]).toEqual(['InputPath', 'Parameters', 'ResultPath', 'OutputPath']);
    // A Pass calls nothing: TestState runs it as it is, no result mocked.
    expect(fields.get('InputPath')).toMatchObject({
      source: 'TestState',
      mocked: false,
      value: { id: 'o-1', qty: 2 },
    });
    expect(fields.get('Parameters')).toMatchObject({ source: 'TestState', value: { id: 'o-1', qty: 3 } });
    expect(fields.get('ResultPath')).toMatchObject({
      source: 'TestState',
      value: { order: { id: 'o-1', qty: 2 }, prepared: { id: 'o-1', qty: 3 } },
    });
    expect(fields.get('OutputPath')).toMatchObject({ source: 'history', value: { id: 'o-1', qty: 3 } });
  });

  it('shows a Task’s flow around its recorded call: what it sent and assigned from the history, the rest from TestState with the result mocked', async () => {
    const runs = await runsOf({ order: { id: 'o-2', qty: 4 } });
    const fields = byField(
      await evaluateFields(ctx, state('Charge'), runs.get('Charge') as StateRun, 'JSONPath'),
    );
    expect([...fields.keys()]).toEqual([
      'InputPath',
      'Parameters',
      'ResultSelector',
      'ResultPath',
      'OutputPath',
      'Assign.lastCharge',
    ]);
    expect(fields.get('InputPath')).toMatchObject({
      source: 'TestState',
      mocked: true,
      value: { id: 'o-2', qty: 5 },
    });
    expect(fields.get('Parameters')).toMatchObject({ source: 'history', value: { amount: 5, ref: 'o-2' } });
    expect(fields.get('ResultSelector')).toMatchObject({ source: 'TestState', value: { charged: 50 } });
    expect(fields.get('ResultPath')).toMatchObject({
      source: 'TestState',
      value: { id: 'o-2', qty: 5, charge: { charged: 50 } },
    });
    expect(fields.get('OutputPath')).toMatchObject({
      source: 'history',
      value: { id: 'o-2', qty: 5, charge: { charged: 50 } },
    });
    expect(fields.get('Assign.lastCharge')).toMatchObject({ source: 'history', value: 50 });
  });

  it('says which steps a failed Task never reached, and why', async () => {
    const runs = await runsOf({ order: { id: 'o-3', qty: 500 } });
    const run = runs.get('Charge') as StateRun;
    expect(run.status).toBe('caught');
    const fields = byField(await evaluateFields(ctx, state('Charge'), run, 'JSONPath'));
    expect(fields.get('Parameters')).toMatchObject({ source: 'history', value: { amount: 501, ref: 'o-3' } });
    for (const field of ['InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Assign.lastCharge']) {
      expect(fields.get(field)?.source, field).toBe('not evaluated');
      expect(fields.get(field)?.note, field).toContain('caught');
    }
  });

  it('shows a Wait’s value after InputPath without waiting it out (an hour here)', async () => {
    const wait = { Type: 'Wait', InputPath: '$.order', Seconds: 3600, OutputPath: '$.id', End: true };
    const definition = JSON.stringify({ StartAt: 'Hold', States: { Hold: wait } });
    const { env } = testEnv();
    const result = await execute(env, {
      definition: parseDefinition(definition),
      input: { order: { id: 'o-5' } },
    });
    const run = buildExecutionModel(result.events, JSON.parse(definition)).runs[0] as StateRun;
    const started = Date.now();
    const fields = byField(await evaluateFields(ctx, wait, run, 'JSONPath'));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(fields.get('InputPath')).toMatchObject({ source: 'TestState', value: { id: 'o-5' } });
    expect(fields.get('OutputPath')).toMatchObject({ source: 'history', value: 'o-5' });
  });

  it('lists only the fields a state has, and nothing for a state without path fields', async () => {
    const runs = await runsOf({ order: { id: 'o-4', qty: 1 } });
    const done = byField(await evaluateFields(ctx, state('Done'), runs.get('Done') as StateRun, 'JSONPath'));
    expect([...done.keys()]).toEqual(['InputPath']);
    expect(done.get('InputPath')).toMatchObject({ source: 'TestState', value: { charged: 20 } });
    // A Pass reading the context object: TestState takes one only with a mocked result.
    const named = { Type: 'Pass', Parameters: { 'name.$': '$$.Execution.Name' }, End: true };
    const [parameters] = await evaluateFields(ctx, named, runs.get('Prepare') as StateRun, 'JSONPath');
    expect(parameters).toMatchObject({ field: 'Parameters', source: 'TestState' });
    expect(parameters?.error).toContain('reads the context object ($$)');
    const bare = { Type: 'Pass', End: true };
    expect(await evaluateFields(ctx, bare, runs.get('Done') as StateRun, 'JSONPath')).toEqual([]);
  });
});
