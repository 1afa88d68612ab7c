import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildApp,
  ConstructsError,
  longestGap,
  type ProjectStacks,
  type ScheduleTrigger,
  scheduleTrigger,
  WorkflowSchedule,
} from '../../constructs/index.ts';
import { stateMachineName, WORKFLOWS, type Workflow } from '../../workflows/index.ts';
import { smokeCheck } from '../../workflows/smoke-check/workflow.ts';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
const normal = (s: { Action: string | string[]; Resource: unknown; Condition?: unknown }) => ({
  actions: list(s.Action).sort(),
  resource: s.Resource,
  condition: s.Condition ?? null,
});
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

/** A test-only workflow: smoke-check's definition, started every six hours, exactly on time. */
const EVERY_SIX_HOURS: ScheduleTrigger = {
  kind: 'schedule',
  expression: 'rate(6 hours)',
  timezone: 'UTC',
  flexibleWindowMinutes: 0,
  input: {},
  maximumRetryAttempts: 0,
  maximumEventAgeSeconds: 60,
};
const scheduledSmoke: Workflow = { ...smokeCheck, name: 'smoke-scheduled', startedBy: EVERY_SIX_HOURS };
const DEPLOYED = [...WORKFLOWS, scheduledSmoke];
const SCHEDULED = DEPLOYED.filter((w) => w.startedBy.kind === 'schedule');
const triggerOf = (workflow: Workflow) => scheduleTrigger(workflow);

describe('the schedules of schedule-started workflows on AWS', () => {
  let outdir: string;
  let stacks: ProjectStacks;
  let template: Template;
  let resources: Resources;
  const id = (element: unknown) => stacks.workflows.getLogicalId(element as CfnElement);
  const scheduleOf = (name: string) => {
    const schedule = stacks.workflows.schedules.get(name);
    if (!schedule) throw new Error(`no schedule for ${name}`);
    return schedule;
  };
  const machineOf = (name: string) => {
    const machine = stacks.workflows.machines.get(name);
    if (!machine) throw new Error(`no machine for ${name}`);
    return machine;
  };
  const executionKeyArn = () => ({
    'Fn::GetAtt': [id(stacks.workflows.node.findChild('ExecutionKey').node.defaultChild), 'Arn'],
  });

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-schedule-'));
    const app = new App({ outdir, context: { prefix: 'test', senderAddress: 'ops@example.org' } });
    stacks = buildApp(app, { workflows: DEPLOYED });
    // Synthesizing the whole app runs cdk-nag: an unacknowledged finding throws here.
    app.synth();
    template = Template.fromStack(stacks.workflows);
    resources = template.toJSON().Resources as Resources;
  }, 180_000); // synthesis bundles every function and runs cdk-nag: seconds on a loaded machine
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('deploys one schedule per schedule-started workflow (the nightly reconciliation among them), and none for the others', () => {
    expect(SCHEDULED.map((w) => w.name)).toContain('reconciliation');
    expect([...stacks.workflows.schedules.keys()].sort()).toEqual(SCHEDULED.map((w) => w.name).sort());
    template.resourceCountIs('AWS::Scheduler::Schedule', SCHEDULED.length);
    template.resourceCountIs('AWS::Scheduler::ScheduleGroup', SCHEDULED.length);
  });

  it('names each schedule and its group <prefix>-<workflow> and gives it the declared expression, time zone, window, input and retries, starting the machine', () => {
    for (const workflow of SCHEDULED) {
      const trigger = triggerOf(workflow);
      const schedule = scheduleOf(workflow.name);
      const props = resources[id(schedule.schedule.node.defaultChild)]?.Properties;
      expect(props).toEqual({
        Name: `test-${workflow.name}`,
        GroupName: `test-${workflow.name}`,
        Description: expect.any(String),
        State: 'ENABLED',
        ScheduleExpression: trigger.expression,
        ScheduleExpressionTimezone: trigger.timezone,
        FlexibleTimeWindow:
          trigger.flexibleWindowMinutes === 0
            ? { Mode: 'OFF' }
            : { Mode: 'FLEXIBLE', MaximumWindowInMinutes: trigger.flexibleWindowMinutes },
        Target: {
          Arn: { Ref: id(machineOf(workflow.name).stateMachine.node.defaultChild) },
          RoleArn: { 'Fn::GetAtt': [id(schedule.role.node.defaultChild), 'Arn'] },
          Input: JSON.stringify(trigger.input),
          RetryPolicy: {
            MaximumRetryAttempts: trigger.maximumRetryAttempts,
            MaximumEventAgeInSeconds: trigger.maximumEventAgeSeconds,
          },
          DeadLetterConfig: {
            Arn: { 'Fn::GetAtt': [id(schedule.deadLetterQueue.node.defaultChild), 'Arn'] },
          },
        },
      });
      template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: `test-${workflow.name}` });
    }
    // The reconciliation's own declaration, as AWS receives it.
    const nightly = resources[id(scheduleOf('reconciliation').schedule.node.defaultChild)]?.Properties;
    expect(nightly).toMatchObject({
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Target: { Input: '{"scheduledTime":"<aws.scheduler.scheduled-time>"}' },
    });
    // The schedule is created once its role can do what Scheduler checks.
    const schedule = scheduleOf('reconciliation');
    expect(resources[id(schedule.schedule.node.defaultChild)]?.DependsOn).toEqual(
      expect.arrayContaining([
        id(schedule.role.node.defaultChild),
        id(schedule.role.node.findChild('DefaultPolicy').node.defaultChild),
      ]),
    );
  });

  it('dead-letters to a KMS-encrypted (execution key), TLS-only queue kept 14 days, with an alarm on a visible message', () => {
    for (const workflow of SCHEDULED) {
      const queueId = id(scheduleOf(workflow.name).deadLetterQueue.node.defaultChild);
      expect(resources[queueId]?.Properties).toMatchObject({
        QueueName: `test-${workflow.name}-schedule-dlq`,
        KmsMasterKeyId: executionKeyArn(),
        MessageRetentionPeriod: 14 * 24 * 3600,
      });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: queueId }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `test-${workflow.name}-schedule-dead-letters`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('gives each schedule a role assumed by Scheduler for this account and its own schedule group only, with exactly the statements it needs', () => {
    for (const workflow of SCHEDULED) {
      const schedule = scheduleOf(workflow.name);
      const roleId = id(schedule.role.node.defaultChild);
      expect(resources[roleId]?.Properties.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': { Ref: 'AWS::AccountId' },
                'aws:SourceArn': {
                  'Fn::Join': [
                    '',
                    [
                      'arn:',
                      { Ref: 'AWS::Partition' },
                      ':scheduler:',
                      { Ref: 'AWS::Region' },
                      ':',
                      { Ref: 'AWS::AccountId' },
                      `:schedule-group/test-${workflow.name}`,
                    ],
                  ],
                },
              },
            },
          },
        ],
      });
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: roleId }]),
      );
      expect(policies).toHaveLength(1);
      const document = policies[0]?.Properties.PolicyDocument as { Statement: Statement[] } | undefined;
      const statements = document?.Statement ?? [];
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) expect(s.Effect).toBe('Allow');
      const machineArn = stacks.workflows.resolve(machineOf(workflow.name).arn);
      const queueArn = { 'Fn::GetAtt': [id(schedule.deadLetterQueue.node.defaultChild), 'Arn'] };
      expect(statements.map(normal).sort(byJson)).toEqual(
        [
          { actions: ['states:StartExecution'], resource: machineArn, condition: null },
          {
            actions: ['kms:GenerateDataKey'],
            resource: executionKeyArn(),
            condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': machineArn } },
          },
          { actions: ['sqs:SendMessage'], resource: queueArn, condition: null },
          {
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resource: executionKeyArn(),
            condition: {
              StringEquals: {
                'kms:ViaService': { 'Fn::Join': ['', ['sqs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
                'kms:EncryptionContext:aws:sqs:arn': queueArn,
              },
            },
          },
        ].sort(byJson),
      );
      expect(JSON.stringify(machineArn)).toContain(`:stateMachine:test-${workflow.name}"`);
    }
  });

  it("alarms on a firing that did not start the workflow, from AWS/Scheduler's metrics of the schedule's own group, and on a run that started and did not succeed", () => {
    for (const workflow of SCHEDULED) {
      const alarm = Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::CloudWatch::Alarm' &&
          r.Properties.AlarmName === `test-${workflow.name}-schedule-failed-firings`,
      )?.Properties as { Metrics: { Expression?: string; MetricStat?: { Metric: unknown; Stat: string } }[] };
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
      expect(alarm.Metrics.find((m) => m.Expression)?.Expression).toBe(
        'FILL(dropped, 0) + FILL(deadLettered, 0) + FILL(notDeadLettered, 0)',
      );
      const stats = alarm.Metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat] : []));
      expect(stats.map((s) => s.Metric).sort(byJson)).toEqual(
        [
          'InvocationDroppedCount',
          'InvocationsSentToDeadLetterCount',
          'InvocationsFailedToBeSentToDeadLetterCount',
        ]
          .map((MetricName) => ({
            Namespace: 'AWS/Scheduler',
            MetricName,
            Dimensions: [{ Name: 'ScheduleGroup', Value: `test-${workflow.name}` }],
          }))
          .sort(byJson),
      );
      for (const s of stats) expect(s.Stat).toBe('Sum');
      // A run that starts and then fails, times out or is stopped: the machine's own alarm.
      const schedule = scheduleOf(workflow.name);
      expect(schedule.runFailureAlarm).toBe(machineOf(workflow.name).failureAlarm);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${stateMachineName('test', workflow)}-executions-not-succeeded`,
      });
    }
  });

  it('alarms when no run started for longer than the schedule ever rests (the schedule stopped firing)', () => {
    const silence = (name: string) =>
      Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.AlarmName === `test-${name}-schedule-silent`,
      )?.Properties;
    // 02:00 in Berlin: 24 hours apart, but 47 around the night that has no 02:00 (last Sunday of
    // March), plus the 15-minute window: 48 hourly periods without a start, and one more.
    expect(longestGap(triggerOf(WORKFLOWS.find((w) => w.name === 'reconciliation') as Workflow))).toBe(
      47 * 3_600_000,
    );
    expect(silence('reconciliation')).toMatchObject({
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsStarted',
      Dimensions: [
        {
          Name: 'StateMachineArn',
          Value: { Ref: id(machineOf('reconciliation').stateMachine.node.defaultChild) },
        },
      ],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 49,
      DatapointsToAlarm: 49,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(silence('smoke-scheduled')).toMatchObject({ Period: 3600, EvaluationPeriods: 7 });
    expect(longestGap({ ...EVERY_SIX_HOURS, expression: 'at(2027-01-01T00:00:00)' })).toBeUndefined();
    expect(longestGap({ ...EVERY_SIX_HOURS, expression: 'cron(0 3 ? * MON *)' })).toBe(7 * 86_400_000);
    expect(longestGap({ ...EVERY_SIX_HOURS, expression: 'cron(0 3 1 * ? *)' })).toBe(31 * 86_400_000);
  });

  it('passes cdk-nag, acknowledging on each schedule queue only that it has no dead-letter queue of its own', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations: {
          acknowledgedId: string;
          reason: string;
          acknowledgedAt: string;
          violatingConstructs: { constructPath: string }[];
        }[];
      }[];
    };
    const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
    for (const workflow of SCHEDULED) {
      const path = scheduleOf(workflow.name).node.path;
      const suppressed = (nag?.suppressedViolations ?? []).filter((s) =>
        s.violatingConstructs.some((c) => c.constructPath.startsWith(`${path}/`)),
      );
      expect(suppressed.map((s) => [s.acknowledgedId, s.acknowledgedAt])).toEqual([
        ['AwsSolutions::AwsSolutions-SQS3', `${path}/DeadLetterQueue`],
      ]);
      expect(suppressed[0]?.reason).toMatch(
        /itself a dead-letter queue: it holds the firings whose StartExecution was given up on/,
      );
    }
  });
});

describe('a schedule declaration the app refuses at synthesis', () => {
  const declared = (change: Partial<ScheduleTrigger>): Workflow => ({
    ...scheduledSmoke,
    startedBy: { ...EVERY_SIX_HOURS, ...change },
  });

  it('accepts cron, rate and at expressions in an IANA time zone, with the bounds inclusive', () => {
    for (const expression of [
      'cron(0 2 * * ? *)',
      'rate(1 minute)',
      'rate(6 hours)',
      'at(2027-01-01T02:00:00)',
    ]) {
      expect(scheduleTrigger(declared({ expression })).expression).toBe(expression);
    }
    for (const timezone of ['UTC', 'Europe/Berlin', 'America/Argentina/Buenos_Aires']) {
      expect(() => scheduleTrigger(declared({ timezone }))).not.toThrow();
    }
    expect(() =>
      scheduleTrigger(
        declared({ flexibleWindowMinutes: 1440, maximumRetryAttempts: 185, maximumEventAgeSeconds: 86400 }),
      ),
    ).not.toThrow();
  });

  it.each([
    [
      { expression: '0 2 * * *' },
      /expression '0 2 \* \* \*' is not one EventBridge Scheduler accepts: use cron\(/,
    ],
    [{ expression: 'cron(0 2 * * ?)' }, /expression 'cron\(0 2 \* \* \?\)' is not one/],
    [{ expression: 'rate(0 hours)' }, /rate below 1/],
    [{ expression: 'rate(1 week)' }, /is not one EventBridge Scheduler accepts/],
    [{ timezone: 'Mars/Olympus_Mons' }, /timezone 'Mars\/Olympus_Mons' is not an IANA time zone name/],
    [{ timezone: '' }, /timezone '' is not an IANA time zone name/],
    [{ flexibleWindowMinutes: -1 }, /flexibleWindowMinutes is -1; it must be a whole number from 0 to 1440/],
    [{ flexibleWindowMinutes: 1441 }, /flexibleWindowMinutes is 1441/],
    [{ flexibleWindowMinutes: 2.5 }, /flexibleWindowMinutes is 2.5/],
    [{ maximumRetryAttempts: 186 }, /maximumRetryAttempts is 186; it must be a whole number from 0 to 185/],
    [{ maximumRetryAttempts: -1 }, /maximumRetryAttempts is -1/],
    [
      { maximumEventAgeSeconds: 59 },
      /maximumEventAgeSeconds is 59; it must be a whole number from 60 to 86400/,
    ],
    [{ maximumEventAgeSeconds: 86401 }, /maximumEventAgeSeconds is 86401/],
  ] as [Partial<ScheduleTrigger>, RegExp][])(
    'refuses %j with a message that says what to use',
    (change, message) => {
      expect(() => scheduleTrigger(declared(change))).toThrow(ConstructsError);
      expect(() => scheduleTrigger(declared(change))).toThrow(message);
      expect(() => scheduleTrigger(declared(change))).toThrow(
        /The schedule of workflow 'smoke-scheduled' cannot be deployed/,
      );
    },
  );

  it('lists every problem of a declaration at once', () => {
    expect(() => scheduleTrigger(declared({ timezone: 'Nowhere', maximumRetryAttempts: 500 }))).toThrow(
      /timezone 'Nowhere'[\s\S]*maximumRetryAttempts is 500/,
    );
  });

  it('refuses a workflow not started by a schedule, or an Express one', () => {
    expect(() => scheduleTrigger(smokeCheck)).toThrow(/started by 'api', not by a schedule/);
    expect(() => scheduleTrigger({ ...scheduledSmoke, type: 'EXPRESS' })).toThrow(
      /declare it type: 'STANDARD'/,
    );
  });

  it('refuses the declaration when the construct is built, before any resource', () => {
    const stack = new Stack(new App(), 'S');
    const machine = {} as never;
    expect(
      () =>
        new WorkflowSchedule(stack, 'S', {
          prefix: 'x',
          workflow: declared({ expression: 'every night' }),
          machine,
          key: {} as never,
        }),
    ).toThrow(/expression 'every night'/);
    // The construct itself exists (the error is raised in its constructor), but nothing under it.
    expect(stack.node.tryFindChild('S')?.node.children ?? []).toEqual([]);
  });
});
