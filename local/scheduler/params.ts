/**
 * What a schedule may be, with the rules the Scheduler API reference documents for
 * CreateSchedule/UpdateSchedule (names, lengths, patterns, ranges, enums) and the local limits:
 * a Step Functions StartExecution target only (the templated target, Target.Arn the state
 * machine's ARN, or the universal `arn:aws:scheduler:::aws-sdk:sfn:startExecution`).
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html
 */
import { ScheduleExpressionError, validation } from './errors.ts';
import { parseExpression } from './expression.ts';
import { isTimeZone } from './zone.ts';

export const NAME = /^[0-9a-zA-Z\-_.]+$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const QUEUE_ARN = /^arn:aws(-[a-z]+)?:sqs:[a-z0-9-]+:\d{12}:[a-zA-Z0-9\-_]+$/;
export const STATE_MACHINE_ARN = /^arn:aws(-[a-z]+)?:states:[a-z0-9-]+:\d{12}:stateMachine:[\w.-]+$/;
export const UNIVERSAL_START_EXECUTION = 'arn:aws:scheduler:::aws-sdk:sfn:startExecution';

/** AWS's defaults when a schedule has no RetryPolicy. */
export const DEFAULT_RETRY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 };

export interface ScheduleTarget {
  readonly Arn: string;
  readonly RoleArn: string;
  readonly Input?: string;
  readonly RetryPolicy: { readonly MaximumEventAgeInSeconds: number; readonly MaximumRetryAttempts: number };
  readonly DeadLetterConfig?: { readonly Arn: string };
}

/** The members of a schedule a Create or Update sets (Update replaces them all). */
export interface ScheduleSpec {
  readonly GroupName: string;
  readonly Description?: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly StartDate?: number;
  readonly EndDate?: number;
  readonly State: 'ENABLED' | 'DISABLED';
  readonly FlexibleTimeWindow: {
    readonly Mode: 'OFF' | 'FLEXIBLE';
    readonly MaximumWindowInMinutes?: number;
  };
  readonly Target: ScheduleTarget;
  readonly ActionAfterCompletion: 'NONE' | 'DELETE';
  readonly KmsKeyArn?: string;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkName(value: unknown, member: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 64 || !NAME.test(value))
    throw validation(
      `${member} '${String(value)}' must be 1 to 64 letters, digits, '-', '_' or '.' (pattern [0-9a-zA-Z-_.]+).`,
    );
  return value;
}

function string(body: Json, member: string, min: number, max: number, required: boolean): string | undefined {
  const v = body[member];
  if (v === undefined || v === null) {
    if (required) throw validation(`${member} is required.`);
    return undefined;
  }
  if (typeof v !== 'string' || v.length < min || v.length > max)
    throw validation(`${member} must be a string of ${min} to ${max} characters.`);
  return v;
}

function integer(body: Json, member: string, min: number, max: number): number | undefined {
  const v = body[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw validation(`${member} must be a whole number from ${min} to ${max}; got ${JSON.stringify(v)}.`);
  return v;
}

function oneOf<T extends string>(body: Json, member: string, values: readonly T[], fallback: T): T {
  const v = body[member] ?? fallback;
  if (!values.includes(v as T))
    throw validation(`${member} must be one of ${values.join(', ')}; got ${JSON.stringify(v)}.`);
  return v as T;
}

/** A REST-JSON timestamp (epoch seconds, fractions allowed) as epoch milliseconds. */
function timestamp(body: Json, member: string): number | undefined {
  const v = body[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw validation(`${member} must be a timestamp.`);
  return Math.round(v * 1000);
}

function target(body: Json): ScheduleTarget {
  const raw = body.Target;
  if (!isObject(raw)) throw validation('Target is required.');
  const arn = string(raw, 'Arn', 1, 1600, true) as string;
  const roleArn = string(raw, 'RoleArn', 1, 1600, true) as string;
  if (!ROLE_ARN.test(roleArn))
    throw validation(
      `Target.RoleArn '${roleArn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`,
    );
  const input = string(raw, 'Input', 1, 8192, false);
  for (const member of [
    'EcsParameters',
    'EventBridgeParameters',
    'KinesisParameters',
    'SageMakerPipelineParameters',
    'SqsParameters',
  ])
    if (raw[member] !== undefined)
      throw validation(
        `Target.${member} is not supported by the local Scheduler: its targets are Step Functions StartExecution only.`,
      );
  const universal = arn === UNIVERSAL_START_EXECUTION;
  if (!universal && !STATE_MACHINE_ARN.test(arn))
    throw validation(
      `Target.Arn '${arn}' is not a target the local Scheduler invokes: give a state machine's ARN (the templated StartExecution target) or ${UNIVERSAL_START_EXECUTION}.`,
    );
  if (universal) {
    let request: unknown;
    try {
      request = JSON.parse(input ?? '');
    } catch {
      request = undefined;
    }
    if (!isObject(request) || typeof request.StateMachineArn !== 'string')
      throw validation(
        `Target.Input of ${UNIVERSAL_START_EXECUTION} must be the StartExecution request as JSON, with StateMachineArn.`,
      );
  }
  let retry = DEFAULT_RETRY;
  if (raw.RetryPolicy !== undefined) {
    if (!isObject(raw.RetryPolicy)) throw validation('Target.RetryPolicy must be an object.');
    retry = {
      MaximumEventAgeInSeconds:
        integer(raw.RetryPolicy, 'MaximumEventAgeInSeconds', 60, 86_400) ??
        DEFAULT_RETRY.MaximumEventAgeInSeconds,
      MaximumRetryAttempts:
        integer(raw.RetryPolicy, 'MaximumRetryAttempts', 0, 185) ?? DEFAULT_RETRY.MaximumRetryAttempts,
    };
  }
  let deadLetter: { Arn: string } | undefined;
  if (raw.DeadLetterConfig !== undefined) {
    if (!isObject(raw.DeadLetterConfig)) throw validation('Target.DeadLetterConfig must be an object.');
    const queue = string(raw.DeadLetterConfig, 'Arn', 1, 1600, false);
    if (queue !== undefined) {
      if (!QUEUE_ARN.test(queue))
        throw validation(`Target.DeadLetterConfig.Arn '${queue}' is not an SQS queue ARN.`);
      deadLetter = { Arn: queue };
    }
  }
  return {
    Arn: arn,
    RoleArn: roleArn,
    ...(input === undefined ? {} : { Input: input }),
    RetryPolicy: retry,
    ...(deadLetter ? { DeadLetterConfig: deadLetter } : {}),
  };
}

/** A Create or Update request's body, checked; `group` from the body (default `default`). */
export function scheduleSpec(body: Json, now: number): ScheduleSpec {
  const group = body.GroupName === undefined ? 'default' : checkName(body.GroupName, 'GroupName');
  const description = string(body, 'Description', 0, 512, false);
  const expression = string(body, 'ScheduleExpression', 1, 256, true) as string;
  let recurring: boolean;
  try {
    recurring = parseExpression(expression).kind !== 'at';
  } catch (error) {
    if (error instanceof ScheduleExpressionError) throw validation(error.message);
    throw error;
  }
  const zone = string(body, 'ScheduleExpressionTimezone', 1, 50, false) ?? 'UTC';
  if (!isTimeZone(zone))
    throw validation(
      `Invalid timezone '${zone}': give an IANA time zone name, such as Europe/Berlin or UTC.`,
    );
  const window = body.FlexibleTimeWindow;
  if (!isObject(window)) throw validation('FlexibleTimeWindow is required.');
  const mode = oneOf(window, 'Mode', ['OFF', 'FLEXIBLE'] as const, undefined as unknown as 'OFF');
  const maximum = integer(window, 'MaximumWindowInMinutes', 1, 1440);
  if (mode === 'FLEXIBLE' && maximum === undefined)
    throw validation('FlexibleTimeWindow.MaximumWindowInMinutes is required when Mode is FLEXIBLE.');
  if (mode === 'OFF' && maximum !== undefined)
    throw validation('FlexibleTimeWindow.MaximumWindowInMinutes must not be given when Mode is OFF.');
  const startDate = timestamp(body, 'StartDate');
  const endDate = timestamp(body, 'EndDate');
  // AWS refuses a recurring schedule's StartDate more than 5 minutes in the past.
  if (recurring && startDate !== undefined && startDate < now - 5 * 60_000)
    throw validation('The StartDate you specify cannot be earlier than 5 minutes ago.');
  if (startDate !== undefined && endDate !== undefined && endDate <= startDate)
    throw validation('The EndDate you specify must be later than the StartDate.');
  const kms = string(body, 'KmsKeyArn', 1, 2048, false);
  if (kms !== undefined)
    throw validation('KmsKeyArn is not supported by the local Scheduler (no KMS locally): leave it out.');
  string(body, 'ClientToken', 1, 64, false);
  return {
    GroupName: group,
    ...(description === undefined ? {} : { Description: description }),
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: zone,
    ...(startDate === undefined ? {} : { StartDate: startDate }),
    ...(endDate === undefined ? {} : { EndDate: endDate }),
    State: oneOf(body, 'State', ['ENABLED', 'DISABLED'] as const, 'ENABLED'),
    FlexibleTimeWindow: { Mode: mode, ...(maximum === undefined ? {} : { MaximumWindowInMinutes: maximum }) },
    Target: target(body),
    ActionAfterCompletion: oneOf(body, 'ActionAfterCompletion', ['NONE', 'DELETE'] as const, 'NONE'),
  };
}
