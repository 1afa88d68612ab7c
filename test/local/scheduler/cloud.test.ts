import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../asl/index.ts';
import { type LocalCloud, startLocalCloud } from '../../../local/cloud.ts';
import { deployLocally, type LocalDeployment } from '../../../local/deploy.ts';
import { WORKFLOWS } from '../../../workflows/index.ts';
import { reconciliation } from '../../../workflows/reconciliation/workflow.ts';

const ROLE = 'arn:aws:iam::111111111111:role/scheduler';
const PASS = JSON.stringify({
  QueryLanguage: 'JSONata',
  StartAt: 'Done',
  States: { Done: { Type: 'Pass', End: true } },
});

/** Polls real work (HTTP calls, file writes) until `done`, at most 10 s. */
async function until(done: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(await done()).toBe(true);
}

let dir: string;
let clock: VirtualClock;
let cloud: LocalCloud;
let deployment: LocalDeployment;
let scheduler: SchedulerClient;
let sfn: SFNClient;
let sqs: SQSClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'scheduler-cloud-'));
  clock = new VirtualClock({ start: Date.parse('2026-05-01T10:00:00Z') });
  cloud = await startLocalCloud({ dataDir: dir, clock });
  deployment = await deployLocally(cloud);
  // Through the edge, as a user with only AWS_ENDPOINT_URL set would call it.
  const viaEdge = { ...cloud.sdkConfig('SCHEDULER'), endpoint: cloud.edge };
  scheduler = new SchedulerClient(viaEdge);
  sfn = new SFNClient(cloud.sdkConfig('SFN'));
  sqs = new SQSClient(cloud.sdkConfig('SQS'));
}, 120_000);

afterAll(async () => {
  scheduler?.destroy();
  sfn?.destroy();
  sqs?.destroy();
  await cloud?.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('the Scheduler in the local cloud', () => {
  it('is a service with its own endpoint variable, and the edge routes the `scheduler` signing name to it', async () => {
    expect(cloud.environment.AWS_ENDPOINT_URL_SCHEDULER).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(cloud.ports.get('SCHEDULER')).toBeGreaterThan(0);
    const listed = await scheduler.send(new ListSchedulesCommand({}));
    expect(listed.Schedules?.map((s) => s.Name)).toContain('wf-reconciliation');
  });

  it('deploys the reconciliation schedule from its workflow declaration, with its dead-letter queue', async () => {
    expect(deployment.schedules).toEqual([
      {
        name: 'wf-reconciliation',
        group: 'wf-reconciliation',
        expression: 'cron(0 2 * * ? *)',
        timezone: 'Europe/Berlin',
        target: deployment.stateMachines.reconciliation,
      },
    ]);
    const got = await scheduler.send(
      new GetScheduleCommand({ Name: 'wf-reconciliation', GroupName: 'wf-reconciliation' }),
    );
    expect(got).toMatchObject({
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      State: 'ENABLED',
      Target: {
        Arn: deployment.stateMachines.reconciliation,
        RoleArn: 'arn:aws:iam::111111111111:role/wf-reconciliation-scheduler',
        Input: JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: 'arn:aws:sqs:us-east-1:111111111111:wf-reconciliation-schedule-dlq' },
      },
    });
  });

  it('deploys idempotently, and updates the schedule when its declaration changed', async () => {
    const before = await scheduler.send(
      new GetScheduleCommand({ Name: 'wf-reconciliation', GroupName: 'wf-reconciliation' }),
    );
    await deployLocally(cloud);
    const same = await scheduler.send(
      new GetScheduleCommand({ Name: 'wf-reconciliation', GroupName: 'wf-reconciliation' }),
    );
    expect(same.LastModificationDate).toEqual(before.LastModificationDate);
    const changed = {
      ...reconciliation,
      startedBy: { ...reconciliation.startedBy, expression: 'cron(30 3 * * ? *)' },
    };
    await deployLocally(cloud, {
      workflows: WORKFLOWS.map((w) => (w.name === 'reconciliation' ? changed : w)),
    });
    expect(
      (
        await scheduler.send(
          new GetScheduleCommand({ Name: 'wf-reconciliation', GroupName: 'wf-reconciliation' }),
        )
      ).ScheduleExpression,
    ).toBe('cron(30 3 * * ? *)');
    await deployLocally(cloud);
    expect(
      (
        await scheduler.send(
          new GetScheduleCommand({ Name: 'wf-reconciliation', GroupName: 'wf-reconciliation' }),
        )
      ).ScheduleExpression,
    ).toBe('cron(0 2 * * ? *)');
  });

  it('starts the state machine on the virtual clock with the context attributes substituted in its input', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'scheduled-pass', definition: PASS, roleArn: ROLE }),
    );
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'every-five-minutes',
        ScheduleExpression: 'cron(0/5 * * * ? *)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: stateMachineArn,
          RoleArn: ROLE,
          Input: JSON.stringify({
            time: '<aws.scheduler.scheduled-time>',
            schedule: '<aws.scheduler.schedule-arn>',
            attempt: '<aws.scheduler.attempt-number>',
            id: '<aws.scheduler.execution-id>',
          }),
        },
      }),
    );
    await until(() => clock.pending > 0);
    await clock.advanceTo(Date.parse('2026-05-01T10:05:00Z'));
    let executions: { executionArn?: string }[] = [];
    await until(async () => {
      executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
      return executions.length === 1;
    });
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: executions[0]?.executionArn }),
    );
    expect(JSON.parse(execution.input ?? '{}')).toEqual({
      time: '2026-05-01T10:05:00Z',
      schedule: 'arn:aws:scheduler:us-east-1:111111111111:schedule/default/every-five-minutes',
      attempt: '1',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const url = `${cloud.environment.AWS_ENDPOINT_URL_SCHEDULER}/local/schedules/default/every-five-minutes/status`;
    let status: Record<string, unknown> = {};
    await until(async () => {
      status = (await (await fetch(url)).json()) as Record<string, unknown>;
      return status.nextFiring === '2026-05-01T10:10:00Z';
    });
    expect(status).toMatchObject({
      lastExecutionArn: executions[0]?.executionArn,
      lastScheduled: '2026-05-01T10:05:00Z',
    });
  });

  it('runs a schedule now on the operator route, answering the execution ARN', async () => {
    const answer = await fetch(
      `${cloud.environment.AWS_ENDPOINT_URL_SCHEDULER}/local/schedules/default/every-five-minutes/run`,
      { method: 'POST' },
    );
    const { ExecutionArn } = (await answer.json()) as { ExecutionArn: string };
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: ExecutionArn }));
    expect(JSON.parse(execution.input ?? '{}').time).toBe(
      new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    );
  });

  it('starts the universal target arn:aws:scheduler:::aws-sdk:sfn:startExecution with the request its input holds', async () => {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name: 'universal-pass', definition: PASS, roleArn: ROLE }),
    );
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'universal',
        ScheduleExpression: 'rate(1 day)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: 'arn:aws:scheduler:::aws-sdk:sfn:startExecution',
          RoleArn: ROLE,
          Input: JSON.stringify({
            StateMachineArn: stateMachineArn,
            Input: JSON.stringify({ at: '<aws.scheduler.scheduled-time>' }),
          }),
        },
      }),
    );
    let executions: { executionArn?: string }[] = [];
    await until(async () => {
      await clock.advance(0);
      executions = (await sfn.send(new ListExecutionsCommand({ stateMachineArn }))).executions ?? [];
      return executions.length === 1;
    });
    const execution = await sfn.send(
      new DescribeExecutionCommand({ executionArn: executions[0]?.executionArn }),
    );
    expect(JSON.parse(execution.input ?? '{}')).toEqual({
      at: new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  });

  it('retries a start that fails (no such state machine), then writes the dead-letter event to the SQS queue', async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'missing-machine-dlq' }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const missing = 'arn:aws:states:us-east-1:111111111111:stateMachine:does-not-exist';
    await scheduler.send(
      new CreateScheduleCommand({
        Name: 'missing-machine',
        ScheduleExpression: 'rate(1 hour)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: missing,
          RoleArn: ROLE,
          Input: '{"n":"<aws.scheduler.attempt-number>"}',
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
          DeadLetterConfig: { Arn: Attributes?.QueueArn ?? '' },
        },
      }),
    );
    let messages: Message[] = [];
    for (let i = 0; i < 600 && messages.length === 0; i++) {
      await clock.advance(1000);
      const received = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
      );
      messages = received.Messages ?? [];
    }
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message?.Body).toBe('{"n":"3"}');
    const attributes = Object.fromEntries(
      Object.entries(message?.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue]),
    );
    expect(attributes).toMatchObject({
      ERROR_CODE: 'StateMachineDoesNotExist',
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
      SCHEDULE_ARN: 'arn:aws:scheduler:us-east-1:111111111111:schedule/default/missing-machine',
      TARGET_ARN: missing,
    });
  });
});
