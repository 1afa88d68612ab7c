/**
 * The local EventBridge Scheduler: the Scheduler API (REST-JSON, as @aws-sdk/client-scheduler
 * speaks it) persisted in the data directory, and a runner per ENABLED schedule that starts its
 * state machine on the injected clock. Point the SDK at it with `AWS_ENDPOINT_URL_SCHEDULER`.
 */

export { type EnsureScheduleOutcome, ensureSchedule, type ScheduleDeclaration } from './ensure.ts';
export { ScheduleExpressionError, SchedulerApiError, SchedulerDataError, SchedulerError } from './errors.ts';
export { type Expression, nextFiring, parseExpression } from './expression.ts';
export type { ScheduleStatus } from './runner.ts';
export { type LocalScheduler, type SchedulerOptions, startScheduler } from './server.ts';
export type { Targets } from './target.ts';
