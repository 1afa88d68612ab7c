/**
 * Reading a history event: its `...EventDetails` member, a failure's error and cause, JSON
 * payloads parsed (or kept as text), and which event types end a task's attempt or the execution.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionStatus } from '../history.ts';

export interface Failure {
  error?: string;
  cause?: string;
}

export const TASK_FAILED = new Set([
  'TaskFailed',
  'TaskStartFailed',
  'TaskSubmitFailed',
  'LambdaFunctionFailed',
  'LambdaFunctionStartFailed',
  'LambdaFunctionScheduleFailed',
  'ActivityFailed',
  'ActivityScheduleFailed',
]);
export const TASK_TIMED_OUT = new Set(['TaskTimedOut', 'LambdaFunctionTimedOut', 'ActivityTimedOut']);
export const TASK_SUCCEEDED = new Set(['TaskSucceeded', 'LambdaFunctionSucceeded', 'ActivitySucceeded']);
export const END_STATUS: Readonly<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

export function parse(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // truncated or not JSON: show the text itself
  }
}

/** An event's `...EventDetails` member (e.g. TaskFailed → taskFailedEventDetails). */
export function detailsOf(event: HistoryEvent, type: string): Record<string, unknown> {
  const key = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
  return ((event as unknown as Record<string, unknown>)[key] as Record<string, unknown> | undefined) ?? {};
}

export function failureOf(d: Record<string, unknown>): Failure {
  const f: Failure = {};
  if (typeof d.error === 'string') f.error = d.error;
  if (typeof d.cause === 'string') f.cause = d.cause;
  return f;
}
