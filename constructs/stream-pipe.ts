/**
 * StreamPipes: what starts a `pipe`-started workflow on AWS, from the same declaration the local
 * cloud deploys (local/deploy.ts): one EventBridge Pipe per declared table, `<prefix>-<workflow>-
 * <table>`, from the table's DynamoDB stream to the Express machine (REQUEST_RESPONSE), batches,
 * retries and record age as declared, bisecting on partial failure; one dead-letter queue
 * `<prefix>-<workflow>-dlq` for the batches given up on; the pipes' error logs; and the alarms an
 * operator watches: the dead-letter queue, and the sync lag.
 *
 * EventBridge Pipes publishes no record-age metric for a stream source (AWS/EventBridge/Pipes has
 * Duration, EventCount, Invocations and the Execution/TargetStage failure counts; nothing like
 * Lambda's IteratorAge), and stream-sync's records cannot be aged from the logs without parsing
 * the execution input. So the lag is bounded from what Pipes does publish: `syncLag` is the
 * longest pipe execution of the minute, a lower bound of how long its records waited; and
 * `syncRetrying` counts failed, partially failed and timed-out executions, whose records wait
 * for their retries. `syncLagAlarm` fires when either says the projection has been a minute or
 * more behind for five minutes.
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { stateMachineName, type TableId, type Trigger, type Workflow } from '../workflows/index.ts';
import { ConstructsError } from './errors.ts';
import type { JsonataStateMachine } from './jsonata-state-machine.ts';
import { watchedDeadLetterQueue } from './private/dead-letter-queue.ts';
import { encryptedLogGroup } from './private/log-key.ts';
import { deadLetterStatements, streamKeyStatement, streamReadStatement } from './private/pipe-policy.ts';

export type PipeTrigger = Extract<Trigger, { kind: 'pipe' }>;

export interface StreamPipesProps {
  readonly prefix: string;
  /** A workflow whose `startedBy.kind` is `pipe`. */
  readonly workflow: Workflow;
  /** The workflow's deployed (Express) state machine. */
  readonly machine: JsonataStateMachine;
  /** The project's tables; each the workflow names must have a stream. */
  readonly tables: Readonly<Record<TableId, dynamodb.ITable>>;
  /** The key that encrypts the tables (and so their streams). */
  readonly dataKey: kms.IKey;
  /** The key for the dead-letter queue and the pipes' logs. */
  readonly key: kms.IKey;
  /** Default: one week (the logs carry the failed batches' records). */
  readonly logRetention?: logs.RetentionDays;
  /** Default: RETAIN. */
  readonly logRemovalPolicy?: RemovalPolicy;
}

const PIPES_NAMESPACE = 'AWS/EventBridge/Pipes';
const LAG_THRESHOLD = Duration.seconds(60);
const LAG_MINUTES = 5;

export class StreamPipes extends Construct {
  /** One per table, by table id; named `<prefix>-<workflow>-<table>`. */
  readonly pipes: ReadonlyMap<TableId, pipes.CfnPipe>;
  /** Each pipe's execution role, by table id. */
  readonly roles: ReadonlyMap<TableId, iam.Role>;
  /** `<prefix>-<workflow>-dlq`: one message per batch given up on (the shard and sequence numbers, not the records). */
  readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds a message (ApproximateNumberOfMessagesVisible ≥ 1). */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The pipes' ERROR-level logs, with the failed batches' records. */
  readonly logGroup: logs.LogGroup;
  /** Seconds: the longest pipe execution of the minute across the pipes (a lower bound of the lag). */
  readonly syncLag: cloudwatch.MathExpression;
  /** Executions failed, partially failed or timed out in the minute, across the pipes (their records wait for retries). */
  readonly syncRetrying: cloudwatch.MathExpression;
  /** In ALARM when the sync has been a minute or more behind for five minutes, by either signal. */
  readonly syncLagAlarm: cloudwatch.CompositeAlarm;

  constructor(scope: Construct, id: string, props: StreamPipesProps) {
    super(scope, id);
    const { prefix, workflow, machine, key } = props;
    const trigger = pipeTrigger(workflow);
    const base = `${prefix}-${workflow.name}`;

    const deadLetters = watchedDeadLetterQueue(this, {
      queueName: `${base}-dlq`,
      key,
      holds: 'the batches of stream records the pipes gave up on',
      alarmName: `${base}-dead-letters`,
      alarmDescription: `${workflow.name} gave up on a batch of stream records: the message in ${base}-dlq names the stream, shard and sequence numbers; the pipe log /aws/vendedlogs/pipes/${base} has the error and the records. The nightly reconciliation repairs the rows; delete the message once understood.`,
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;

    this.logGroup = encryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/pipes/${base}`,
      key,
      retention: props.logRetention ?? logs.RetentionDays.ONE_WEEK,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    const created = new Map<TableId, pipes.CfnPipe>();
    const roles = new Map<TableId, iam.Role>();
    const names: string[] = [];
    for (const table of trigger.tables) {
      const streamArn = props.tables[table].tableStreamArn;
      if (streamArn === undefined) {
        throw new ConstructsError(
          `Workflow '${workflow.name}' is started by a pipe from table '${table}', which has no stream: set stream: true for it in workflows/tables.ts.`,
        );
      }
      const name = `${base}-${table}`;
      const role = new iam.Role(this, `${pascal(table)}Role`, {
        description: `Runs the ${name} pipe: reads the ${table} stream, starts ${stateMachineName(prefix, workflow)}, dead-letters to ${base}-dlq.`,
        // Confused-deputy protection: only Pipes acting for this account may assume it.
        assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      });
      role.addToPrincipalPolicy(streamReadStatement(streamArn));
      role.addToPrincipalPolicy(streamKeyStatement(props.dataKey));
      for (const s of deadLetterStatements(this.deadLetterQueue.queueArn, key)) role.addToPrincipalPolicy(s);
      // StartSyncExecution on this machine, and the execution key for its input and output only.
      machine.grantStartSyncExecution(role);
      // Pipes writes its log records with the execution role (as the CDK's pipes module grants it).
      this.logGroup.grantWrite(role);
      roles.set(table, role);

      const pipe = new pipes.CfnPipe(this, pascal(table), {
        name,
        description: `The ${table} table's stream to ${workflow.name}.`,
        roleArn: role.roleArn,
        source: streamArn,
        sourceParameters: {
          dynamoDbStreamParameters: {
            // From the oldest record the stream still holds, as locally: a pipe created after
            // its table (or replaced) catches up on earlier writes instead of skipping them, and
            // re-applying one is harmless (the upsert is version-guarded and idempotent).
            startingPosition: 'TRIM_HORIZON',
            batchSize: trigger.batchSize,
            maximumBatchingWindowInSeconds: trigger.batchingWindowSeconds,
            maximumRetryAttempts: trigger.maximumRetryAttempts,
            maximumRecordAgeInSeconds: trigger.maximumRecordAgeSeconds,
            onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          },
        },
        target: machine.stateMachine.stateMachineArn,
        targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'REQUEST_RESPONSE' } },
        logConfiguration: {
          level: 'ERROR',
          // The payload is stream records of the metadata tables: non-sensitive, and what an
          // operator needs to see why a batch failed.
          includeExecutionData: ['ALL'],
          cloudwatchLogsLogDestination: { logGroupArn: this.logGroup.logGroupArn },
        },
      });
      // Pipes checks the role's permissions when it creates the pipe.
      pipe.node.addDependency(role);
      created.set(table, pipe);
      names.push(name);
    }
    this.pipes = created;
    this.roles = roles;

    const metric = (pipeName: string, metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: PIPES_NAMESPACE,
        metricName,
        dimensionsMap: { PipeName: pipeName },
        statistic,
        period: Duration.minutes(1),
      });
    this.syncLag = new cloudwatch.MathExpression({
      expression: `MAX([${names.map((_, i) => `FILL(d${i}, 0)`).join(', ')}]) / 1000`,
      usingMetrics: Object.fromEntries(
        names.map((n, i) => [`d${i}`, metric(n, 'Duration', cloudwatch.Stats.MAXIMUM)]),
      ),
      period: Duration.minutes(1),
      label: `${workflow.name} lag, lower bound (s)`,
    });
    const failures = ['ExecutionFailed', 'ExecutionPartiallyFailed', 'ExecutionTimeout'];
    const failureMetrics = names.flatMap((n, i) =>
      failures.map((f, j) => [`f${i}x${j}`, metric(n, f, cloudwatch.Stats.SUM)] as const),
    );
    this.syncRetrying = new cloudwatch.MathExpression({
      expression: failureMetrics.map(([id]) => `FILL(${id}, 0)`).join(' + '),
      usingMetrics: Object.fromEntries(failureMetrics),
      period: Duration.minutes(1),
      label: `${workflow.name} executions failed, partially failed or timed out`,
    });
    const minutes = {
      evaluationPeriods: LAG_MINUTES,
      datapointsToAlarm: LAG_MINUTES,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    };
    const slow = new cloudwatch.Alarm(this, 'SlowBatches', {
      alarmName: `${base}-slow-batches`,
      alarmDescription: `Every minute for ${LAG_MINUTES} minutes a ${workflow.name} batch took more than ${LAG_THRESHOLD.toSeconds()} s: its records were at least that far behind.`,
      metric: this.syncLag,
      threshold: LAG_THRESHOLD.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ...minutes,
    });
    const retrying = new cloudwatch.Alarm(this, 'Retrying', {
      alarmName: `${base}-retrying`,
      alarmDescription: `Every minute for ${LAG_MINUTES} minutes a ${workflow.name} batch failed or partly failed and is being retried: its records are minutes behind.`,
      metric: this.syncRetrying,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ...minutes,
    });
    this.syncLagAlarm = new cloudwatch.CompositeAlarm(this, 'Lag', {
      compositeAlarmName: `${base}-lag`,
      alarmDescription: `The PostgreSQL projection has been a minute or more behind DynamoDB for ${LAG_MINUTES} minutes (${base}-slow-batches or ${base}-retrying). The pipe log /aws/vendedlogs/pipes/${base} and the machine's log say why.`,
      alarmRule: cloudwatch.AlarmRule.anyOf(slow, retrying),
    });
  }
}

function pipeTrigger(workflow: Workflow): PipeTrigger {
  const trigger = workflow.startedBy;
  if (trigger.kind !== 'pipe') {
    throw new ConstructsError(
      `Workflow '${workflow.name}' is started by '${trigger.kind}', not by a pipe: deploy its trigger where that kind is deployed.`,
    );
  }
  if (workflow.type !== 'EXPRESS') {
    throw new ConstructsError(
      `Workflow '${workflow.name}' is started by a pipe with REQUEST_RESPONSE, which only an Express state machine answers: declare it type: 'EXPRESS'.`,
    );
  }
  if (trigger.maximumRetryAttempts < 0 || trigger.maximumRecordAgeSeconds < 0) {
    throw new ConstructsError(
      `Workflow '${workflow.name}' declares unbounded pipe retries (maximumRetryAttempts ${trigger.maximumRetryAttempts}, maximumRecordAgeSeconds ${trigger.maximumRecordAgeSeconds}): a poison record would block its shard until the stream trims it; give both a bound.`,
    );
  }
  return trigger;
}

function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
