/** States failures are values, matched by Retry and Catch; never JavaScript exceptions. */
export interface Failure {
  readonly error: string;
  readonly cause?: string;
}

export type Outcome = { readonly ok: true; readonly output: unknown } | { readonly ok: false; readonly failure: Failure };

export function failure(error: string, cause?: string): Failure {
  return cause === undefined ? { error } : { error, cause };
}

/** The `$states.errorOutput` object a catcher sees. */
export function errorOutput(f: Failure): { Error: string; Cause?: string } {
  return f.cause === undefined ? { Error: f.error } : { Error: f.error, Cause: f.cause };
}

/** The States.* error names, exactly as AWS spells them. */
export const StatesError = {
  ALL: 'States.ALL',
  TaskFailed: 'States.TaskFailed',
  Timeout: 'States.Timeout',
  HeartbeatTimeout: 'States.HeartbeatTimeout',
  Runtime: 'States.Runtime',
  BranchFailed: 'States.BranchFailed',
  DataLimitExceeded: 'States.DataLimitExceeded',
  ExceedToleratedFailureThreshold: 'States.ExceedToleratedFailureThreshold',
  QueryEvaluationError: 'States.QueryEvaluationError',
  ItemReaderFailed: 'States.ItemReaderFailed',
  ResultWriterFailed: 'States.ResultWriterFailed',
  Permissions: 'States.Permissions',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
} as const;
