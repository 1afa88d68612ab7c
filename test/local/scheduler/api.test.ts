import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  paginateListSchedules,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../asl/index.ts';
import { type LocalScheduler, startScheduler, type Targets } from '../../../local/scheduler/index.ts';

const MACHINE = 'arn:aws:states:us-east-1:111111111111:stateMachine:nightly';
const ROLE = 'arn:aws:iam::111111111111:role/scheduler';

const noTargets: Targets = {
  invoke: async () => 'arn:aws:states:us-east-1:111111111111:execution:nightly:x',
  deadLetter: async () => undefined,
  close: () => undefined,
};

function schedule(Name: string, extra: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput {
  return {
    Name,
    ScheduleExpression: 'cron(0 2 * * ? *)',
    ScheduleExpressionTimezone: 'Europe/Berlin',
    FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
    Target: { Arn: MACHINE, RoleArn: ROLE, Input: '{"at":"<aws.scheduler.scheduled-time>"}' },
    ...extra,
  };
}

let dir: string;
let scheduler: LocalScheduler;
let client: SchedulerClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scheduler-api-'));
  scheduler = await startScheduler({
    dataDir: dir,
    endpoints: { sfn: () => '', sqs: () => '' },
    clock: new VirtualClock({ start: Date.UTC(2026, 0, 1) }),
    targets: noTargets,
  });
  client = new SchedulerClient({
    region: 'us-east-1',
    endpoint: scheduler.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await scheduler.close();
  await rm(dir, { recursive: true, force: true });
});

describe('schedules', () => {
  it('creates and gets a schedule, with AWS defaults filled in', async () => {
    const created = await client.send(new CreateScheduleCommand(schedule('nightly')));
    expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:111111111111:schedule/default/nightly');
    const got = await client.send(new GetScheduleCommand({ Name: 'nightly' }));
    expect(got).toMatchObject({
      Name: 'nightly',
      GroupName: 'default',
      State: 'ENABLED',
      ActionAfterCompletion: 'NONE',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: { Arn: MACHINE, RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 } },
    });
    expect(got.CreationDate).toEqual(new Date(Date.UTC(2026, 0, 1)));
  });

  it('refuses a second schedule of the same name (ConflictException) and answers ResourceNotFoundException for none', async () => {
    await expect(client.send(new CreateScheduleCommand(schedule('nightly')))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(client.send(new GetScheduleCommand({ Name: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      client.send(new GetScheduleCommand({ Name: 'nightly', GroupName: 'missing' })),
    ).rejects.toThrow('Schedule group missing does not exist.');
  });

  it('UpdateSchedule replaces the whole schedule (members left out are reset)', async () => {
    await client.send(
      new CreateScheduleCommand(
        schedule('replaced', {
          Description: 'first',
          Target: { Arn: MACHINE, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 3 } },
        }),
      ),
    );
    await client.send(
      new UpdateScheduleCommand({
        Name: 'replaced',
        ScheduleExpression: 'rate(1 hour)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: { Arn: MACHINE, RoleArn: ROLE },
      }),
    );
    const got = await client.send(new GetScheduleCommand({ Name: 'replaced' }));
    expect(got.Description).toBeUndefined();
    expect(got.ScheduleExpression).toBe('rate(1 hour)');
    expect(got.ScheduleExpressionTimezone).toBe('UTC');
    expect(got.Target?.RetryPolicy?.MaximumRetryAttempts).toBe(185);
    await expect(
      client.send(new UpdateScheduleCommand({ ...schedule('never-created') })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('deletes a schedule', async () => {
    await client.send(new CreateScheduleCommand(schedule('short-lived')));
    await client.send(new DeleteScheduleCommand({ Name: 'short-lived' }));
    await expect(client.send(new GetScheduleCommand({ Name: 'short-lived' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(client.send(new DeleteScheduleCommand({ Name: 'short-lived' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it.each<[string, Partial<CreateScheduleCommandInput>, string]>([
    [
      'a bad expression',
      { ScheduleExpression: 'cron(0 2 * * * *)' },
      'Invalid Schedule Expression cron(0 2 * * * *)',
    ],
    [
      'an unknown time zone',
      { ScheduleExpressionTimezone: 'Mars/Olympus' },
      "Invalid timezone 'Mars/Olympus'",
    ],
    ['an offset for a time zone', { ScheduleExpressionTimezone: '+01:00' }, 'Invalid timezone'],
    [
      'a window of 0 minutes',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 0 } },
      'from 1 to 1440',
    ],
    [
      'a window of 1441 minutes',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } },
      'from 1 to 1440',
    ],
    [
      'FLEXIBLE without a window',
      { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } },
      'required when Mode is FLEXIBLE',
    ],
    [
      'an unknown mode',
      { FlexibleTimeWindow: { Mode: 'SOMETIMES' as 'OFF' } },
      'Mode must be one of OFF, FLEXIBLE',
    ],
    [
      '186 retries',
      { Target: { Arn: MACHINE, RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } },
      'from 0 to 185',
    ],
    [
      'an event age of 59 s',
      { Target: { Arn: MACHINE, RoleArn: ROLE, RetryPolicy: { MaximumEventAgeInSeconds: 59 } } },
      'from 60 to 86400',
    ],
    ['no role', { Target: { Arn: MACHINE } as never }, 'RoleArn is required'],
    [
      'a role that is not a role ARN',
      { Target: { Arn: MACHINE, RoleArn: 'scheduler' } },
      'is not an IAM role ARN',
    ],
    [
      'a queue that is not a queue ARN',
      { Target: { Arn: MACHINE, RoleArn: ROLE, DeadLetterConfig: { Arn: 'dlq' } } },
      'is not an SQS queue ARN',
    ],
    [
      'a target the local Scheduler cannot invoke',
      { Target: { Arn: 'arn:aws:lambda:us-east-1:111111111111:function:f', RoleArn: ROLE } },
      'is not a target the local Scheduler invokes',
    ],
    ['an unknown state', { State: 'PAUSED' as 'ENABLED' }, 'State must be one of ENABLED, DISABLED'],
    [
      'an unknown ActionAfterCompletion',
      { ActionAfterCompletion: 'KEEP' as 'NONE' },
      'ActionAfterCompletion must be one of NONE, DELETE',
    ],
    [
      'an EndDate before the StartDate',
      { StartDate: new Date('2026-02-01'), EndDate: new Date('2026-01-01') },
      'EndDate you specify must be later than the StartDate',
    ],
    [
      'a recurring StartDate more than 5 minutes ago',
      { StartDate: new Date(Date.UTC(2025, 11, 31, 23, 54)) },
      'The StartDate you specify cannot be earlier than 5 minutes ago.',
    ],
    [
      'a description of 513 characters',
      { Description: 'x'.repeat(513) },
      'Description must be a string of 0 to 512',
    ],
  ])('refuses %s with ValidationException', async (_what, extra, message) => {
    const error = await client
      .send(new CreateScheduleCommand(schedule('invalid', extra)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationException);
    expect((error as Error).message).toContain(message);
  });

  it('refuses names outside [0-9a-zA-Z-_.]{1,64}', async () => {
    await expect(client.send(new CreateScheduleCommand(schedule('has space')))).rejects.toBeInstanceOf(
      ValidationException,
    );
    await expect(client.send(new CreateScheduleCommand(schedule('x'.repeat(65))))).rejects.toThrow('1 to 64');
  });

  it('lists by NamePrefix, GroupName and State, in pages', async () => {
    await client.send(new CreateScheduleGroupCommand({ Name: 'reports' }));
    for (let i = 0; i < 5; i++)
      await client.send(
        new CreateScheduleCommand(
          schedule(`report-${i}`, { GroupName: 'reports', State: i % 2 === 0 ? 'ENABLED' : 'DISABLED' }),
        ),
      );
    const names: string[] = [];
    for await (const page of paginateListSchedules({ client, pageSize: 2 }, { GroupName: 'reports' }))
      names.push(...(page.Schedules ?? []).map((s) => s.Name ?? ''));
    expect(names).toEqual(['report-0', 'report-1', 'report-2', 'report-3', 'report-4']);
    const disabled = await client.send(new ListSchedulesCommand({ GroupName: 'reports', State: 'DISABLED' }));
    expect(disabled.Schedules?.map((s) => s.Name)).toEqual(['report-1', 'report-3']);
    const prefixed = await client.send(new ListSchedulesCommand({ NamePrefix: 'night' }));
    expect(prefixed.Schedules?.map((s) => [s.Name, s.GroupName, s.Target?.Arn])).toEqual([
      ['nightly', 'default', MACHINE],
    ]);
    await expect(client.send(new ListSchedulesCommand({ MaxResults: 101 }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });
});

describe('schedule groups', () => {
  it('has the default group, which cannot be deleted', async () => {
    const group = await client.send(new GetScheduleGroupCommand({ Name: 'default' }));
    expect(group).toMatchObject({
      Name: 'default',
      State: 'ACTIVE',
      Arn: 'arn:aws:scheduler:us-east-1:111111111111:schedule-group/default',
    });
    await expect(client.send(new DeleteScheduleGroupCommand({ Name: 'default' }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('creates, lists and deletes a group, and its schedules with it', async () => {
    await client.send(new CreateScheduleGroupCommand({ Name: 'temporary' }));
    await expect(client.send(new CreateScheduleGroupCommand({ Name: 'temporary' }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await client.send(new CreateScheduleCommand(schedule('inside', { GroupName: 'temporary' })));
    const groups = await client.send(new ListScheduleGroupsCommand({}));
    expect(groups.ScheduleGroups?.map((g) => g.Name)).toEqual(['default', 'reports', 'temporary']);
    await client.send(new DeleteScheduleGroupCommand({ Name: 'temporary' }));
    await expect(client.send(new GetScheduleGroupCommand({ Name: 'temporary' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    await expect(
      client.send(new GetScheduleCommand({ Name: 'inside', GroupName: 'temporary' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new CreateScheduleCommand(schedule('orphan', { GroupName: 'temporary' }))),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('keeps schedules and groups across a restart', async () => {
    await scheduler.close();
    scheduler = await startScheduler({
      dataDir: dir,
      endpoints: { sfn: () => '', sqs: () => '' },
      clock: new VirtualClock({ start: Date.UTC(2026, 0, 1) }),
      targets: noTargets,
    });
    client.destroy();
    client = new SchedulerClient({
      region: 'us-east-1',
      endpoint: scheduler.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect((await client.send(new GetScheduleCommand({ Name: 'nightly' }))).ScheduleExpression).toBe(
      'cron(0 2 * * ? *)',
    );
    expect((await client.send(new GetScheduleGroupCommand({ Name: 'reports' }))).Name).toBe('reports');
  });
});
