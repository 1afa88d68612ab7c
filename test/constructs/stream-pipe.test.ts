import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, ConstructsError, type ProjectStacks, StreamPipes } from '../../constructs/index.ts';
import { PROJECTED_TABLES, type TableId, WORKFLOWS } from '../../workflows/index.ts';
import { streamSync } from '../../workflows/stream-sync/workflow.ts';

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown; Effect: string };
type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }>;
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** A statement in a form that ignores the order of actions. */
const normal = (s: { Action: string | string[]; Resource: unknown; Condition?: unknown }) => ({
  actions: list(s.Action).sort(),
  resource: s.Resource,
  condition: s.Condition ?? null,
});

const trigger = streamSync.startedBy;
if (trigger.kind !== 'pipe') throw new Error('stream-sync is started by pipes');
const TABLES = trigger.tables;

describe('the stream-sync pipes on AWS', () => {
  let outdir: string;
  let stacks: ProjectStacks;
  let template: Template;
  let resources: Resources;
  const id = (element: unknown) => stacks.workflows.getLogicalId(element as CfnElement);
  const pipesOf = () => {
    const pipes = stacks.workflows.pipes.get('stream-sync');
    if (!pipes) throw new Error('no pipes for stream-sync');
    return pipes;
  };
  const machineId = () => {
    const machine = stacks.workflows.machines.get('stream-sync');
    if (!machine) throw new Error('no stream-sync machine');
    return id(machine.stateMachine.node.defaultChild);
  };
  const executionKeyId = () => id(stacks.workflows.node.findChild('ExecutionKey').node.defaultChild);
  const queueId = () => id(pipesOf().deadLetterQueue.node.defaultChild);
  const streamArn = (table: TableId) => stacks.workflows.resolve(stacks.data.tables[table].tableStreamArn);

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'cdk-pipes-'));
    const app = new App({ outdir, context: { prefix: 'test', senderAddress: 'ops@example.org' } });
    stacks = buildApp(app);
    // Synthesizing the whole app runs cdk-nag: an unacknowledged finding throws here.
    app.synth();
    template = Template.fromStack(stacks.workflows);
    resources = template.toJSON().Resources as Resources;
  }, 180_000); // synthesis bundles every function and runs cdk-nag: seconds on a loaded machine
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('deploys one pipe per projected table, named as the local cloud names it, from its stream to the Express machine', () => {
    expect([...TABLES].sort()).toEqual([...PROJECTED_TABLES].sort());
    template.resourceCountIs('AWS::Pipes::Pipe', TABLES.length);
    for (const table of TABLES) {
      template.hasResourceProperties('AWS::Pipes::Pipe', {
        Name: `test-stream-sync-${table}`,
        Source: streamArn(table),
        Target: { Ref: machineId() },
        TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: trigger.batchSize,
            MaximumBatchingWindowInSeconds: trigger.batchingWindowSeconds,
            MaximumRetryAttempts: trigger.maximumRetryAttempts,
            MaximumRecordAgeInSeconds: trigger.maximumRecordAgeSeconds,
            OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
          },
        },
      });
    }
    // The local deploy filters nothing, so neither does AWS.
    template.allResourcesProperties('AWS::Pipes::Pipe', {
      SourceParameters: Match.not(Match.objectLike({ FilterCriteria: Match.anyValue() })),
    });
    // Retries are bounded: no -1 (retry until the stream trims the record).
    expect(trigger.maximumRetryAttempts).toBeGreaterThanOrEqual(0);
    expect(trigger.maximumRecordAgeSeconds).toBeGreaterThan(0);
  });

  it('dead-letters to one KMS-encrypted, TLS-only queue kept 14 days, with an alarm on a visible message', () => {
    // One queue for the pipes (schedule-started workflows have their own: workflow-schedule.test.ts).
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).filter((q) =>
      String(q.Properties.QueueName).startsWith('test-stream-sync'),
    );
    expect(queues).toHaveLength(1);
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'test-stream-sync-dlq',
      KmsMasterKeyId: { 'Fn::GetAtt': [executionKeyId(), 'Arn'] },
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId() }],
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
      AlarmName: 'test-stream-sync-dead-letters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('gives each pipe a role assumed by Pipes for this account only, with exactly the statements it needs, each on its one resource', () => {
    for (const table of TABLES) {
      const role = pipesOf().roles.get(table);
      if (!role) throw new Error(`no role for ${table}`);
      const roleResource = resources[id(role.node.defaultChild)];
      expect(roleResource?.Properties.AssumeRolePolicyDocument).toMatchObject({
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Principal: { Service: 'pipes.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          },
        ],
      });
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          JSON.stringify(r.Properties.Roles) === JSON.stringify([{ Ref: id(role.node.defaultChild) }]),
      );
      expect(policies).toHaveLength(1);
      const document = policies[0]?.Properties.PolicyDocument as { Statement: Statement[] } | undefined;
      const statements = document?.Statement ?? [];
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        expect(s.Effect).toBe('Allow');
        expect(JSON.stringify(s.Resource)).not.toContain('*');
        for (const a of list(s.Action)) expect(a).not.toContain('*');
      }
      const machineArn = stacks.workflows.resolve(stacks.workflows.machines.get('stream-sync')?.arn);
      const keyArn = { 'Fn::GetAtt': [executionKeyId(), 'Arn'] };
      const queueArn = { 'Fn::GetAtt': [queueId(), 'Arn'] };
      const via = (service: string) => ({
        'Fn::Join': ['', [`${service}.`, { Ref: 'AWS::Region' }, '.amazonaws.com']],
      });
      expect(statements.map(normal).sort(byJson)).toEqual(
        [
          {
            actions: [
              'dynamodb:DescribeStream',
              'dynamodb:GetRecords',
              'dynamodb:GetShardIterator',
              'dynamodb:ListStreams',
            ],
            resource: streamArn(table),
            condition: null,
          },
          {
            actions: ['kms:Decrypt'],
            resource: stacks.workflows.resolve(stacks.data.dataKey.keyArn),
            condition: { StringEquals: { 'kms:ViaService': via('dynamodb') } },
          },
          { actions: ['sqs:SendMessage'], resource: queueArn, condition: null },
          {
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resource: keyArn,
            condition: {
              StringEquals: { 'kms:ViaService': via('sqs'), 'kms:EncryptionContext:aws:sqs:arn': queueArn },
            },
          },
          { actions: ['states:StartSyncExecution'], resource: machineArn, condition: null },
          {
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resource: keyArn,
            condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': machineArn } },
          },
          {
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resource: { 'Fn::GetAtt': [id(pipesOf().logGroup.node.defaultChild), 'Arn'] },
            condition: null,
          },
        ].sort(byJson),
      );
      // The pipe is created once its role can do what Pipes checks.
      const pipe = pipesOf().pipes.get(table);
      expect(resources[id(pipe)]?.DependsOn).toContain(
        id(role.node.findChild('DefaultPolicy').node.defaultChild),
      );
    }
  });

  it('logs the pipes at ERROR with the failed batches, to a KMS-encrypted group kept one week', () => {
    const logGroupId = id(pipesOf().logGroup.node.defaultChild);
    expect(resources[logGroupId]?.Properties).toMatchObject({
      LogGroupName: '/aws/vendedlogs/pipes/test-stream-sync',
      RetentionInDays: 7,
      KmsKeyId: { 'Fn::GetAtt': [executionKeyId(), 'Arn'] },
    });
    template.allResourcesProperties('AWS::Pipes::Pipe', {
      LogConfiguration: {
        Level: 'ERROR',
        IncludeExecutionData: ['ALL'],
        CloudwatchLogsLogDestination: { LogGroupArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      },
    });
  });

  it('logs the stream-sync machine with execution data for a week, and every other machine without, as before', () => {
    for (const workflow of WORKFLOWS) {
      const withData = workflow.startedBy.kind === 'pipe';
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: `test-${workflow.name}`,
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: withData },
      });
      template.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/vendedlogs/states/test-${workflow.name}`,
        RetentionInDays: withData ? 7 : 30,
        KmsKeyId: Match.anyValue(),
      });
    }
  });

  it('measures the sync lag from the pipes’ own metrics, and alarms when it stays over a minute for five', () => {
    const pipes = pipesOf();
    const names = TABLES.map((t) => `test-stream-sync-${t}`);
    const lagMetrics = Object.values(pipes.syncLag.usingMetrics).map((m) => m.toMetricConfig().metricStat);
    expect(lagMetrics.map((m) => [m?.namespace, m?.metricName, m?.statistic])).toEqual(
      names.map(() => ['AWS/EventBridge/Pipes', 'Duration', 'Maximum']),
    );
    expect(lagMetrics.map((m) => m?.dimensions?.[0]?.value)).toEqual(names);
    const retryMetrics = Object.values(pipes.syncRetrying.usingMetrics).map(
      (m) => m.toMetricConfig().metricStat,
    );
    expect(new Set(retryMetrics.map((m) => m?.metricName))).toEqual(
      new Set(['ExecutionFailed', 'ExecutionPartiallyFailed', 'ExecutionTimeout']),
    );
    expect(new Set(retryMetrics.map((m) => m?.dimensions?.[0]?.value))).toEqual(new Set(names));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-stream-sync-slow-batches',
      Threshold: 60,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: Match.stringLikeRegexp('^MAX\\(\\[FILL\\(d0, 0\\)'),
          ReturnData: true,
        }),
      ]),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-stream-sync-retrying',
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
    });
    const composite = Object.values(resources).find((r) => r.Type === 'AWS::CloudWatch::CompositeAlarm');
    expect(composite?.Properties.AlarmName).toBe('test-stream-sync-lag');
    const rule = JSON.stringify(composite?.Properties.AlarmRule);
    expect(rule).toContain(id(pipes.node.findChild('SlowBatches').node.defaultChild));
    expect(rule).toContain(id(pipes.node.findChild('Retrying').node.defaultChild));
  });

  it('passes cdk-nag, acknowledging only that the dead-letter queue has no dead-letter queue of its own', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: unknown[];
        suppressedViolations: {
          acknowledgedId: string;
          reason: string;
          violatingConstructs?: { constructPath: string }[];
        }[];
      }[];
    };
    const nag = report.pluginReports.find((p) => p.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
    const sqs = (nag?.suppressedViolations ?? []).filter(
      (s) =>
        s.acknowledgedId.includes('SQS') &&
        (s.violatingConstructs ?? []).some((c) => c.constructPath.startsWith(`${pipesOf().node.path}/`)),
    );
    expect(sqs.map((s) => s.acknowledgedId)).toEqual(['AwsSolutions::AwsSolutions-SQS3']);
    expect(sqs[0]?.reason).toMatch(/dead-letter queue/);
    // Acknowledged on the queue itself, not on the stack or the app.
    const metadata =
      JSON.stringify(stacks.workflows.node.metadata) + JSON.stringify(stacks.app.node.metadata);
    expect(metadata).not.toContain('SQS3');
  });

  it('refuses a workflow whose pipe would retry without bound, or that is not started by a pipe', () => {
    const machine = stacks.workflows.machines.get('stream-sync');
    if (!machine) throw new Error('no stream-sync machine');
    const props = (workflow: typeof streamSync) => ({
      prefix: 'x',
      workflow,
      machine,
      tables: stacks.data.tables,
      dataKey: stacks.data.dataKey,
      key: stacks.data.dataKey,
    });
    const stack = () => new Stack(new App(), 'S');
    expect(
      () =>
        new StreamPipes(
          stack(),
          'P',
          props({ ...streamSync, startedBy: { ...trigger, maximumRetryAttempts: -1 } }),
        ),
    ).toThrow(/unbounded pipe retries/);
    expect(
      () =>
        new StreamPipes(stack(), 'P', props({ ...streamSync, startedBy: { kind: 'api', description: 'x' } })),
    ).toThrow(ConstructsError);
  });
});

function byJson(a: unknown, b: unknown): number {
  return JSON.stringify(a).localeCompare(JSON.stringify(b));
}
