/**
 * What a pipe may be locally, checked at CreatePipe and UpdatePipe with AWS's ranges: a
 * DynamoDB stream source (PipeSourceDynamoDBStreamParameters) and an Express state machine
 * target invoked REQUEST_RESPONSE. Other sources, targets and enrichments are refused with a
 * ValidationException that says so, rather than accepted and never run.
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_PipeSourceDynamoDBStreamParameters.html
 */
import { validation } from './errors.ts';
import { parsePattern } from './filter.ts';

export const STREAM_ARN = /^arn:aws[\w-]*:dynamodb:[\w-]+:\d{12}:table\/[\w.-]+\/stream\/.+$/;
export const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:stateMachine:[\w.-]+$/;
const QUEUE_ARN = /^arn:aws[\w-]*:sqs:[\w-]+:\d{12}:[\w.-]+$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::\d{12}:role\/.+$/;
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** The DynamoDB stream settings the runner reads, with AWS's defaults filled in. */
export interface StreamSettings {
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  /** -1: never discard. */
  readonly maximumRecordAgeInSeconds: number;
  /** -1: retry until the record expires from the stream. */
  readonly maximumRetryAttempts: number;
  readonly bisect: boolean;
  readonly deadLetterArn?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function checkName(name: string): void {
  if (!NAME.test(name)) {
    throw validation(`Pipe name '${name}' is not valid: 1 to 64 letters, digits, '.', '-' or '_'.`, 'Name');
  }
}

export function checkRoleArn(value: unknown): string {
  if (typeof value !== 'string' || !ROLE_ARN.test(value)) {
    throw validation(
      `RoleArn must be an IAM role ARN (arn:aws:iam::<account>:role/<name>); got ${JSON.stringify(value)}.`,
      'RoleArn',
    );
  }
  return value;
}

export function checkSource(source: unknown): string {
  if (typeof source !== 'string' || !STREAM_ARN.test(source)) {
    throw validation(
      `Source ${JSON.stringify(source)} is not supported locally: the local Pipes read DynamoDB streams only (a table's LatestStreamArn).`,
      'Source',
    );
  }
  return source;
}

export function checkTarget(target: unknown, parameters: unknown): string {
  if (typeof target !== 'string' || !STATE_MACHINE_ARN.test(target)) {
    throw validation(
      `Target ${JSON.stringify(target)} is not supported locally: the local Pipes invoke Step Functions state machines only.`,
      'Target',
    );
  }
  const sfn = isObject(parameters) ? parameters.StepFunctionStateMachineParameters : undefined;
  const type = isObject(sfn) ? sfn.InvocationType : undefined;
  if (type !== 'REQUEST_RESPONSE') {
    throw validation(
      `TargetParameters.StepFunctionStateMachineParameters.InvocationType ${JSON.stringify(type)} is not supported locally: use REQUEST_RESPONSE (an Express state machine run synchronously).`,
      'TargetParameters.StepFunctionStateMachineParameters.InvocationType',
    );
  }
  const other = Object.keys(parameters as Json).filter((k) => k !== 'StepFunctionStateMachineParameters');
  if (other.length > 0)
    throw validation(`TargetParameters.${other[0]} is not supported locally.`, 'TargetParameters');
  return target;
}

function integer(params: Json, field: string, min: number, max: number, fallback: number): number {
  const value = params[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw validation(
      `SourceParameters.DynamoDBStreamParameters.${field} must be an integer from ${min} to ${max}; got ${JSON.stringify(value)}.`,
      `SourceParameters.DynamoDBStreamParameters.${field}`,
    );
  }
  return value;
}

/** Checks SourceParameters (DynamoDBStreamParameters and FilterCriteria) and reads the settings. */
export function streamSettings(sourceParameters: unknown): StreamSettings {
  const source = isObject(sourceParameters) ? sourceParameters : {};
  const other = Object.keys(source).filter((k) => k !== 'DynamoDBStreamParameters' && k !== 'FilterCriteria');
  if (other.length > 0) {
    throw validation(
      `SourceParameters.${other[0]} does not apply to a DynamoDB stream source.`,
      'SourceParameters',
    );
  }
  checkFilterCriteria(source.FilterCriteria);
  const params = source.DynamoDBStreamParameters;
  if (!isObject(params)) {
    throw validation(
      'SourceParameters.DynamoDBStreamParameters is required for a DynamoDB stream source (StartingPosition TRIM_HORIZON or LATEST).',
      'SourceParameters.DynamoDBStreamParameters',
    );
  }
  const position = params.StartingPosition;
  if (position !== 'TRIM_HORIZON' && position !== 'LATEST') {
    throw validation(
      `SourceParameters.DynamoDBStreamParameters.StartingPosition must be TRIM_HORIZON or LATEST; got ${JSON.stringify(position)}.`,
      'SourceParameters.DynamoDBStreamParameters.StartingPosition',
    );
  }
  const bisect = params.OnPartialBatchItemFailure;
  if (bisect !== undefined && bisect !== 'AUTOMATIC_BISECT') {
    throw validation(
      `SourceParameters.DynamoDBStreamParameters.OnPartialBatchItemFailure must be AUTOMATIC_BISECT; got ${JSON.stringify(bisect)}.`,
    );
  }
  if (integer(params, 'ParallelizationFactor', 1, 10, 1) !== 1) {
    throw validation(
      'SourceParameters.DynamoDBStreamParameters.ParallelizationFactor other than 1 is not supported locally.',
    );
  }
  const dlq = params.DeadLetterConfig;
  let deadLetterArn: string | undefined;
  if (dlq !== undefined) {
    const arn = isObject(dlq) ? dlq.Arn : undefined;
    if (typeof arn !== 'string' || !QUEUE_ARN.test(arn)) {
      throw validation(
        `SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn must be an SQS queue ARN locally (arn:aws:sqs:<region>:<account>:<queue>); got ${JSON.stringify(arn)}.`,
        'SourceParameters.DynamoDBStreamParameters.DeadLetterConfig.Arn',
      );
    }
    deadLetterArn = arn;
  }
  return {
    startingPosition: position,
    batchSize: integer(params, 'BatchSize', 1, 10_000, 1),
    maximumBatchingWindowInSeconds: integer(params, 'MaximumBatchingWindowInSeconds', 0, 300, 0),
    maximumRecordAgeInSeconds: integer(params, 'MaximumRecordAgeInSeconds', -1, 604_800, -1),
    maximumRetryAttempts: integer(params, 'MaximumRetryAttempts', -1, 10_000, -1),
    bisect: bisect === 'AUTOMATIC_BISECT',
    ...(deadLetterArn === undefined ? {} : { deadLetterArn }),
  };
}

function checkFilterCriteria(criteria: unknown): void {
  if (criteria === undefined) return;
  const filters = isObject(criteria) ? criteria.Filters : undefined;
  if (filters === undefined) return;
  if (!Array.isArray(filters) || filters.length > 5) {
    throw validation(
      'SourceParameters.FilterCriteria.Filters must be a list of at most 5 filters.',
      'SourceParameters.FilterCriteria.Filters',
    );
  }
  for (const filter of filters) {
    const pattern = isObject(filter) ? filter.Pattern : undefined;
    if (typeof pattern !== 'string')
      throw validation(
        'Each filter of SourceParameters.FilterCriteria.Filters needs a Pattern (a JSON string).',
      );
    parsePattern(pattern);
  }
}
