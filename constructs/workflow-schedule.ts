/**
 * WorkflowSchedule: what starts a `schedule`-started workflow on AWS, from the same declaration
 * the local cloud runs: an EventBridge Scheduler schedule `<prefix>-<workflow>` (the declared
 * expression, time zone, flexible window, input and retry policy) that calls StartExecution on
 * the workflow's state machine; a dead-letter queue `<prefix>-<workflow>-schedule-dlq` for the
 * firings it gave up on; a role that can do exactly that; and the alarms an operator watches.
 *
 * The schedule has a schedule group of its own, `<prefix>-<workflow>`, for two reasons AWS gives:
 * AWS/Scheduler publishes its metrics per `ScheduleGroup` only ("Monitoring Amazon EventBridge
 * Scheduler with Amazon CloudWatch"), so a group of one is how the alarm sees this schedule and
 * no other; and the role's `aws:SourceArn` must name a schedule group, not a schedule
 * ("Confused deputy prevention in EventBridge Scheduler").
 *
 * A run that starts and then fails, times out or is stopped is the machine's `failureAlarm`; a
 * schedule that stops firing altogether (disabled, deleted, its group gone) is `silenceAlarm`.
 */
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { nextFiring, parseExpression } from '../local/scheduler/expression.ts';
import { stateMachineName, type Trigger, type Workflow } from '../workflows/index.ts';
import { ConstructsError } from './errors.ts';
import type { JsonataStateMachine } from './jsonata-state-machine.ts';
import { watchedDeadLetterQueue } from './private/dead-letter-queue.ts';
import { deadLetterStatements } from './private/pipe-policy.ts';

export type ScheduleTrigger = Extract<Trigger, { kind: 'schedule' }>;

export interface WorkflowScheduleProps {
  readonly prefix: string;
  /** A (Standard) workflow whose `startedBy.kind` is `schedule`. */
  readonly workflow: Workflow;
  /** The workflow's deployed state machine. */
  readonly machine: JsonataStateMachine;
  /** The key for the dead-letter queue (the stack's execution key). */
  readonly key: kms.IKey;
}

const SCHEDULER_NAMESPACE = 'AWS/Scheduler';

export class WorkflowSchedule extends Construct {
  /** `<prefix>-<workflow>`, in its own group of the same name. */
  readonly schedule: scheduler.Schedule;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Assumed by EventBridge Scheduler for this schedule group only. */
  readonly role: iam.Role;
  /** `<prefix>-<workflow>-schedule-dlq`: one message per firing whose StartExecution was given up on. */
  readonly deadLetterQueue: sqs.Queue;
  /** In ALARM while the dead-letter queue holds a message. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Firings that did not start the workflow: dropped, dead-lettered, or not even dead-lettered. */
  readonly failedFirings: cloudwatch.MathExpression;
  /** In ALARM when a firing did not start the workflow (failedFirings ≥ 1 in 5 minutes). */
  readonly failedFiringsAlarm: cloudwatch.Alarm;
  /** The machine's alarm for runs that started and did not succeed. */
  readonly runFailureAlarm: cloudwatch.Alarm;
  /**
   * In ALARM when no execution of the machine started for longer than the schedule's longest gap
   * between two firings (plus its flexible window): the schedule no longer fires. None for at(),
   * nor for a schedule that may rest about a week or more (CloudWatch evaluates 7 days at most).
   */
  readonly silenceAlarm: cloudwatch.Alarm | undefined;

  constructor(scope: Construct, id: string, props: WorkflowScheduleProps) {
    super(scope, id);
    const { prefix, workflow, machine, key } = props;
    const trigger = scheduleTrigger(workflow);
    const base = `${prefix}-${workflow.name}`;
    if (base.length > 64) {
      throw new ConstructsError(
        `The schedule of workflow '${workflow.name}' would be named '${base}' (${base.length} characters); EventBridge Scheduler allows 64: use a shorter prefix or workflow name.`,
      );
    }

    const deadLetters = watchedDeadLetterQueue(this, {
      queueName: `${base}-schedule-dlq`,
      key,
      holds: 'the firings whose StartExecution was given up on',
      alarmName: `${base}-schedule-dead-letters`,
      alarmDescription: `A firing of the ${base} schedule could not start ${stateMachineName(prefix, workflow)} after its retries: the message in ${base}-schedule-dlq has the error. Start the run by hand if it is still needed, then delete the message.`,
    });
    this.deadLetterQueue = deadLetters.queue;
    this.deadLetterAlarm = deadLetters.alarm;

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: base,
      // It holds only this schedule, which the stack deletes with it anyway.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const groupArn = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule-group',
      resourceName: base,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    this.role = new iam.Role(this, 'Role', {
      description: `Runs the ${base} schedule: starts ${stateMachineName(prefix, workflow)}, dead-letters to ${base}-schedule-dlq.`,
      // Confused-deputy protection: only Scheduler, for this account and this schedule's group.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID, 'aws:SourceArn': groupArn } },
      }),
    });
    // StartExecution on this machine, and the execution key for its input only.
    machine.grantStartExecution(this.role);
    for (const s of deadLetterStatements(this.deadLetterQueue.queueArn, key))
      this.role.addToPrincipalPolicy(s);

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: base,
      scheduleGroup: this.scheduleGroup,
      description: `Starts ${workflow.name}: ${trigger.expression} in ${trigger.timezone}.`,
      schedule: scheduler.ScheduleExpression.expression(trigger.expression, TimeZone.of(trigger.timezone)),
      timeWindow:
        trigger.flexibleWindowMinutes === 0
          ? scheduler.TimeWindow.off()
          : scheduler.TimeWindow.flexible(Duration.minutes(trigger.flexibleWindowMinutes)),
      target: new StartExecutionTarget(machine, this.role, trigger, this.deadLetterQueue),
    });
    // Scheduler checks that it may assume the role when the schedule is created.
    this.schedule.node.addDependency(this.role);

    const metric = (metricName: string) =>
      this.scheduleGroup.metric(metricName, { statistic: cloudwatch.Stats.SUM, period: Duration.minutes(5) });
    this.failedFirings = new cloudwatch.MathExpression({
      expression: 'FILL(dropped, 0) + FILL(deadLettered, 0) + FILL(notDeadLettered, 0)',
      usingMetrics: {
        dropped: metric('InvocationDroppedCount'),
        deadLettered: metric('InvocationsSentToDeadLetterCount'),
        notDeadLettered: metric('InvocationsFailedToBeSentToDeadLetterCount'),
      },
      period: Duration.minutes(5),
      label: `${base} firings that did not start the workflow`,
    });
    this.failedFiringsAlarm = new cloudwatch.Alarm(this, 'FailedFirings', {
      alarmName: `${base}-schedule-failed-firings`,
      alarmDescription: `A firing of the ${base} schedule did not start ${stateMachineName(prefix, workflow)} after its retries (${SCHEDULER_NAMESPACE} InvocationDroppedCount, InvocationsSentToDeadLetterCount or InvocationsFailedToBeSentToDeadLetterCount, schedule group ${base}). ${base}-schedule-dlq has the error unless the dead-lettering failed too (then the role or the queue's key is the cause).`,
      metric: this.failedFirings,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.runFailureAlarm = machine.failureAlarm;
    this.silenceAlarm = this.silence(base, trigger, machine);
  }

  /**
   * ExecutionsStarted of the machine, summed per hour, all missing for the longest gap and one
   * hour more: missing data breaches, so a schedule that never fires again raises it. CloudWatch
   * evaluates at most 7 days of hourly periods; a schedule that may rest longer gets no alarm.
   */
  private silence(base: string, trigger: ScheduleTrigger, machine: JsonataStateMachine) {
    const gapMs = longestGap(trigger);
    if (gapMs === undefined) return undefined;
    const hour = 3_600_000;
    const periods = Math.ceil((gapMs + trigger.flexibleWindowMinutes * 60_000) / hour) + 1;
    if (periods > 7 * 24) return undefined;
    return new cloudwatch.Alarm(this, 'Silence', {
      alarmName: `${base}-schedule-silent`,
      alarmDescription: `No execution of ${machine.stateMachine.stateMachineName} started for ${periods} hours, longer than its schedule ${trigger.expression} (${trigger.timezone}) ever rests: the ${base} schedule is disabled, deleted or not firing. Check it in EventBridge Scheduler (group ${base}), and start a run by hand if one is due.`,
      metric: machine.stateMachine.metricStarted({
        statistic: cloudwatch.Stats.SUM,
        period: Duration.hours(1),
      }),
      threshold: 1,
      evaluationPeriods: periods,
      datapointsToAlarm: periods,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }
}

/**
 * The longest time between two firings of a recurring schedule, over three years of calendar
 * from a fixed date (so synthesis is repeatable) or its first 9,000 firings, daylight-saving
 * changes in its time zone included, with the local Scheduler's own reading of the expression.
 * Undefined for at().
 */
export function longestGap(trigger: ScheduleTrigger): number | undefined {
  const expression = parseExpression(trigger.expression);
  if (expression.kind === 'at') return undefined;
  if (expression.kind === 'rate') return expression.periodMs;
  const from = Date.UTC(2026, 0, 1);
  const until = Date.UTC(2029, 0, 1);
  let previous = nextFiring(expression, trigger.timezone, { anchor: from }, from - 1);
  let longest = 0;
  // At most 9,000 firings: three years of a daily cron, or a year of an hourly one, both of its
  // daylight-saving changes included (a more frequent one rests at most about an hour more).
  for (let n = 0; previous !== undefined && previous < until && n < 9_000; n++) {
    const next = nextFiring(expression, trigger.timezone, { anchor: from }, previous);
    if (next === undefined) break;
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  return longest;
}

/**
 * StartExecution on the machine with the declared input and retry policy, through the given role.
 * Not aws-scheduler-targets' StepFunctionsStartExecution: its grants leave out the key use that a
 * machine encrypted with a customer-managed key and an SSE-KMS dead-letter queue need, so the
 * role's statements are stated here once, each on its one resource.
 */
class StartExecutionTarget implements scheduler.IScheduleTarget {
  constructor(
    private readonly machine: JsonataStateMachine,
    private readonly role: iam.IRole,
    private readonly trigger: ScheduleTrigger,
    private readonly deadLetterQueue: sqs.IQueue,
  ) {}

  bind(): scheduler.ScheduleTargetConfig {
    return {
      arn: this.machine.stateMachine.stateMachineArn,
      role: this.role,
      input: scheduler.ScheduleTargetInput.fromObject(this.trigger.input),
      retryPolicy: {
        maximumRetryAttempts: this.trigger.maximumRetryAttempts,
        maximumEventAgeInSeconds: this.trigger.maximumEventAgeSeconds,
      },
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
    };
  }
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const AT = /^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/;
const CRON = /^cron\(\S+( \S+){5}\)$/;

/** The declaration's schedule trigger, checked against what EventBridge Scheduler accepts. */
export function scheduleTrigger(workflow: Workflow): ScheduleTrigger {
  const trigger = workflow.startedBy;
  const name = workflow.name;
  if (trigger.kind !== 'schedule') {
    throw new ConstructsError(
      `Workflow '${name}' is started by '${trigger.kind}', not by a schedule: deploy its trigger where that kind is deployed.`,
    );
  }
  if (workflow.type !== 'STANDARD') {
    throw new ConstructsError(
      `Workflow '${name}' is started by a schedule but is ${workflow.type}: a scheduled run is asynchronous and its history is what an operator reads, so declare it type: 'STANDARD'.`,
    );
  }
  const problems: string[] = [];
  const { expression, timezone } = trigger;
  const rate = RATE.exec(expression);
  if (!(rate || AT.test(expression) || CRON.test(expression))) {
    problems.push(
      `expression '${expression}' is not one EventBridge Scheduler accepts: use cron(minutes hours day-of-month month day-of-week year), rate(<n> minutes|hours|days) or at(yyyy-mm-ddThh:mm:ss)`,
    );
  } else if (rate && Number(rate[1]) < 1) {
    problems.push(`expression '${expression}' has a rate below 1: use a positive value`);
  }
  if (!isTimeZone(timezone)) {
    problems.push(
      `timezone '${timezone}' is not an IANA time zone name: use one such as 'Europe/Berlin' or 'UTC'`,
    );
  }
  const range = (field: string, value: number, min: number, max: number, why: string) => {
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${field} is ${value}; it must be a whole number from ${min} to ${max} (${why})`);
    }
  };
  range('flexibleWindowMinutes', trigger.flexibleWindowMinutes, 0, 1440, '0: exactly on time');
  range('maximumRetryAttempts', trigger.maximumRetryAttempts, 0, 185, "EventBridge Scheduler's bounds");
  range(
    'maximumEventAgeSeconds',
    trigger.maximumEventAgeSeconds,
    60,
    86400,
    "EventBridge Scheduler's bounds",
  );
  if (problems.length > 0) {
    throw new ConstructsError(
      `The schedule of workflow '${name}' cannot be deployed:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return trigger;
}

function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
