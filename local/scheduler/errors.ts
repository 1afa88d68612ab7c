/**
 * The local Scheduler endpoint's errors. `SchedulerApiError` is an answer on the wire (REST-JSON:
 * the `x-amzn-ErrorType` header names the exception, the body carries `Message`), with the HTTP
 * status the Scheduler model gives each exception (ValidationException 400,
 * ResourceNotFoundException 404, ConflictException 409, InternalServerException 500).
 * `SchedulerDataError` is the endpoint's own failure to read or write its data directory.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class SchedulerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchedulerError';
  }
}

/** A schedule expression that is not AWS's `at(…)`, `rate(…)` or `cron(…)`; `message` says why. */
export class ScheduleExpressionError extends SchedulerError {
  constructor(
    message: string,
    readonly expression: string,
  ) {
    super(message);
    this.name = 'ScheduleExpressionError';
  }
}

export class SchedulerApiError extends LocalApiError {
  body(): Record<string, unknown> {
    return { Message: this.message, ...this.extra };
  }
}

/** The data directory could not be read or written. */
export class SchedulerDataError extends SchedulerError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SchedulerDataError';
  }
}

export function validation(message: string): SchedulerApiError {
  return new SchedulerApiError('ValidationException', message, 400);
}

export function notFound(message: string): SchedulerApiError {
  return new SchedulerApiError('ResourceNotFoundException', message, 404);
}

export function conflict(message: string): SchedulerApiError {
  return new SchedulerApiError('ConflictException', message, 409);
}

export function unknownRoute(method: string, path: string): SchedulerApiError {
  return new SchedulerApiError(
    'UnknownOperationException',
    `The local Scheduler endpoint does not serve ${method} ${path}. It serves Create/Get/Update/DeleteSchedule ` +
      '(POST/GET/PUT/DELETE /schedules/{Name}), ListSchedules (GET /schedules), Create/Get/DeleteScheduleGroup ' +
      '(POST/GET/DELETE /schedule-groups/{Name}), ListScheduleGroups (GET /schedule-groups), and its own ' +
      'POST /local/schedules/{group}/{name}/run and GET /local/schedules/{group}/{name}/status.',
    404,
  );
}

export function internal(): SchedulerApiError {
  return new SchedulerApiError(
    'InternalServerException',
    'The local Scheduler endpoint failed; see its log for the cause.',
    500,
  );
}
