import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../asl/index.ts';
import { type LocalScheduler, startScheduler, type Targets } from '../../../local/scheduler/index.ts';
import { type FiringContext, TargetFailure } from '../../../local/scheduler/target.ts';

const MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:nightly';
const ROLE = 'arn:aws:iam::111111111111:role/scheduler';
const QUEUE = 'arn:aws:sqs:us-east-1:111111111111:nightly-dlq';

interface Call {
  readonly target: string;
  readonly context: FiringContext;
  readonly at: number;
}

/** Targets that record each call; `failing` names the state machines that fail. */
function recordingTargets(clock: VirtualClock, failing: ReadonlySet<string> = new Set()) {
  const calls: Call[] = [];
  const deadLetters: { queue: string; body: string; attributes: Record<string, string> }[] = [];
  const targets: Targets = {
    async invoke(target, context) {
      calls.push({ target: target.Arn, context, at: clock.now() });
      if (failing.has(target.Arn))
        throw new TargetFailure('StateMachineDoesNotExist', `State Machine Does Not Exist: '${target.Arn}'`);
      return `${target.Arn.replace(':stateMachine:', ':execution:')}:${context.executionId}`;
    },
    async deadLetter(queue, body, attributes) {
      deadLetters.push({ queue, body, attributes: { ...attributes } });
    },
    close: () => undefined,
  };
  return { calls, deadLetters, targets };
}

/** Polls real work (file writes) until `done`, at most 2 s. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

/** Advances the clock a second at a time until `done` (retries sleep on the clock). */
async function drive(clock: VirtualClock, done: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !done(); i++) {
    await clock.advance(1000);
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(done()).toBe(true);
}

const iso = (ms: number) => new Date(ms).toISOString();

function schedule(Name: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name,
    ScheduleExpression: 'cron(0 2 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    Target: { Arn: MACHINE, RoleArn: ROLE, Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
    ...extra,
  };
}

let dir: string;
let clock: VirtualClock;
let scheduler: LocalScheduler;
let client: SchedulerClient;
let log: string[];

async function start(targets: Targets): Promise<void> {
  scheduler = await startScheduler({
    dataDir: dir,
    endpoints: { sfn: () => '', sqs: () => '' },
    clock,
    targets,
    log: (line) => log.push(line),
  });
  client?.destroy();
  client = new SchedulerClient({
    region: 'us-east-1',
    endpoint: scheduler.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scheduler-runner-'));
  log = [];
});

afterEach(async () => {
  client.destroy();
  await scheduler.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the runner on a virtual clock', () => {
  it('fires the nightly Europe/Berlin 02:00 schedule within its flexible window, skipping the DST night', async () => {
    clock = new VirtualClock({ start: Date.parse('2026-03-27T12:00:00Z') });
    const { calls, targets } = recordingTargets(clock);
    await start(targets);
    await client.send(new CreateScheduleCommand(schedule('nightly')));
    await until(() => clock.pending > 0);
    await clock.advanceTo(Date.parse('2026-03-28T01:15:00Z'));
    await until(() => calls.length === 1);
    const [first] = calls;
    expect(iso(first?.context.scheduledTime ?? 0)).toBe('2026-03-28T01:00:00.000Z');
    expect(first?.at).toBeGreaterThanOrEqual(Date.parse('2026-03-28T01:00:00Z'));
    expect(first?.at).toBeLessThan(Date.parse('2026-03-28T01:15:00Z'));
    expect(first?.context).toMatchObject({
      attempt: 1,
      scheduleArn: 'arn:aws:scheduler:us-east-1:111111111111:schedule/default/nightly',
    });
    // 29 March has no 02:00 in Berlin: the next firing is 30 March, 02:00 CEST.
    await until(() => clock.pending > 0);
    await clock.advanceTo(Date.parse('2026-03-30T00:15:00Z'));
    await until(() => calls.length === 2);
    expect(iso(calls[1]?.context.scheduledTime ?? 0)).toBe('2026-03-30T00:00:00.000Z');
    await until(() => scheduler.status('default', 'nightly')?.nextFiring === '2026-03-31T00:00:00Z');
    const status = await (await fetch(`${scheduler.endpoint}/local/schedules/default/nightly/status`)).json();
    expect(status).toMatchObject({
      state: 'ENABLED',
      lastScheduled: '2026-03-30T00:00:00Z',
      nextFiring: '2026-03-31T00:00:00Z',
      lastExecutionArn: expect.stringContaining(':execution:nightly:'),
    });
  });

  it('retries a failing target per its RetryPolicy, then sends the dead-letter event', async () => {
    clock = new VirtualClock({ start: Date.parse('2026-05-01T10:00:00Z') });
    const broken = 'arn:aws:states:us-east-1:111111111111:stateMachine:gone';
    const { calls, deadLetters, targets } = recordingTargets(clock, new Set([broken]));
    await start(targets);
    await client.send(
      new CreateScheduleCommand(
        schedule('broken', {
          ScheduleExpression: 'rate(1 hour)',
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: broken,
            RoleArn: ROLE,
            Input: '{"attempt":"<aws.scheduler.attempt-number>"}',
            RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
            DeadLetterConfig: { Arn: QUEUE },
          },
        }),
      ),
    );
    await drive(clock, () => deadLetters.length === 1);
    expect(calls.map((c) => c.context.attempt)).toEqual([1, 2, 3]);
    expect(new Set(calls.map((c) => c.context.executionId)).size).toBe(1);
    expect(calls[1]?.at).toBeGreaterThan(calls[0]?.at ?? 0);
    expect(deadLetters[0]).toEqual({
      queue: QUEUE,
      body: '{"attempt":"3"}',
      attributes: {
        ERROR_CODE: 'StateMachineDoesNotExist',
        ERROR_MESSAGE: `State Machine Does Not Exist: '${broken}'`,
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
        RETRY_ATTEMPTS: '2',
        SCHEDULE_ARN: 'arn:aws:scheduler:us-east-1:111111111111:schedule/default/broken',
        TARGET_ARN: broken,
      },
    });
    await until(() => scheduler.status('default', 'broken')?.lastError !== undefined);
    expect(scheduler.status('default', 'broken')?.lastError).toContain('StateMachineDoesNotExist');
  });

  it('gives up once the next retry would be older than MaximumEventAgeInSeconds', async () => {
    clock = new VirtualClock({ start: Date.parse('2026-05-01T10:00:00Z') });
    const broken = 'arn:aws:states:us-east-1:111111111111:stateMachine:gone';
    const { calls, deadLetters, targets } = recordingTargets(clock, new Set([broken]));
    await start(targets);
    await client.send(
      new CreateScheduleCommand(
        schedule('aging', {
          ScheduleExpression: 'rate(1 hour)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: broken,
            RoleArn: ROLE,
            RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
            DeadLetterConfig: { Arn: QUEUE },
          },
        }),
      ),
    );
    await drive(clock, () => deadLetters.length === 1);
    // Tries at 0, 1, 3, 7, 15 and 31 s; the next, 32 s later, would be 63 s old.
    expect(calls.map((c) => (c.at - Date.parse('2026-05-01T10:00:00Z')) / 1000)).toEqual([
      0, 1, 3, 7, 15, 31,
    ]);
    expect(deadLetters[0]?.attributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
      RETRY_ATTEMPTS: '5',
    });
  });

  it('does not fire a DISABLED schedule', async () => {
    clock = new VirtualClock({ start: Date.parse('2026-05-01T10:00:00Z') });
    const { calls, targets } = recordingTargets(clock);
    await start(targets);
    await client.send(
      new CreateScheduleCommand(
        schedule('off', {
          ScheduleExpression: 'rate(1 minute)',
          FlexibleTimeWindow: { Mode: 'OFF' },
          State: 'DISABLED',
        }),
      ),
    );
    await clock.advance(10 * 60_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toEqual([]);
    expect(scheduler.status('default', 'off')?.nextFiring).toBeUndefined();
  });

  it('after a restart fires only the most recent missed firing, if younger than MaximumEventAgeInSeconds', async () => {
    clock = new VirtualClock({ start: Date.parse('2026-05-01T12:30:00Z') });
    const first = recordingTargets(clock);
    await start(first.targets);
    const hourly = {
      ScheduleExpression: 'cron(0 * * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
    };
    await client.send(new CreateScheduleCommand(schedule('hourly', hourly)));
    await client.send(
      new CreateScheduleCommand(
        schedule('hourly-strict', {
          ...hourly,
          Target: { Arn: MACHINE, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 60 } },
        }),
      ),
    );
    await until(() => clock.pending === 2);
    await clock.advanceTo(Date.parse('2026-05-01T13:00:30Z'));
    await until(() => first.calls.length === 2);
    await scheduler.close();
    // Down from 13:00:30 to 17:30: 14:00, 15:00, 16:00 and 17:00 were missed.
    await clock.advanceTo(Date.parse('2026-05-01T17:30:00Z'));
    const second = recordingTargets(clock);
    await start(second.targets);
    await until(
      () => second.calls.length === 1 && log.some((l) => l.includes('hourly-strict: the firing of')),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(second.calls.map((c) => [c.context.scheduledTime, c.at])).toEqual([
      [Date.parse('2026-05-01T17:00:00Z'), Date.parse('2026-05-01T17:30:00Z')],
    ]);
    expect(log.filter((l) => l.includes('3 firing(s) missed'))).toHaveLength(2);
    await until(
      () =>
        scheduler.status('default', 'hourly')?.nextFiring === '2026-05-01T18:00:00Z' &&
        scheduler.status('default', 'hourly-strict')?.nextFiring === '2026-05-01T18:00:00Z',
    );
    expect(scheduler.status('default', 'hourly')).toMatchObject({
      missedNotFired: 3,
      nextFiring: '2026-05-01T18:00:00Z',
    });
    expect(scheduler.status('default', 'hourly-strict')).toMatchObject({
      missedNotFired: 4,
      lastScheduled: '2026-05-01T17:00:00Z',
    });
  });

  it('fires an at() schedule once and deletes it when ActionAfterCompletion is DELETE', async () => {
    clock = new VirtualClock({ start: Date.parse('2026-05-01T10:00:00Z') });
    const { calls, targets } = recordingTargets(clock);
    await start(targets);
    await client.send(
      new CreateScheduleCommand(
        schedule('once', {
          ScheduleExpression: 'at(2026-05-01T14:00:00)',
          ScheduleExpressionTimezone: 'Europe/Berlin',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
        }),
      ),
    );
    await until(() => clock.pending > 0);
    await clock.advanceTo(Date.parse('2026-05-01T13:00:00Z'));
    await until(() => calls.length === 1);
    expect(calls[0]?.at).toBe(Date.parse('2026-05-01T12:00:00Z'));
    await until(() => scheduler.status('default', 'once') === undefined);
    await expect(client.send(new GetScheduleCommand({ Name: 'once' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it("runs a schedule's target now on POST /local/schedules/{group}/{name}/run", async () => {
    clock = new VirtualClock({ start: Date.parse('2026-05-01T10:00:00Z') });
    const { calls, targets } = recordingTargets(clock);
    await start(targets);
    await client.send(new CreateScheduleCommand(schedule('nightly')));
    const answer = await fetch(`${scheduler.endpoint}/local/schedules/default/nightly/run`, {
      method: 'POST',
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { ExecutionArn: string };
    expect(body.ExecutionArn).toContain(':execution:nightly:');
    expect(calls.map((c) => c.context.scheduledTime)).toEqual([clock.now()]);
    const missing = await fetch(`${scheduler.endpoint}/local/schedules/default/nope/run`, { method: 'POST' });
    expect([missing.status, missing.headers.get('x-amzn-errortype')]).toEqual([
      404,
      'ResourceNotFoundException',
    ]);
  });
});
