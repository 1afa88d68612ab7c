/** States failures are values, matched by Retry and Catch; never JavaScript exceptions. */
export interface Failure {
  /** Absent only for a Fail state without Error: AWS then reports no error name at all. */
  readonly error?: string;
  readonly cause?: string;
}

/** A failed evaluation: the States failure plus the field location AWS reports in EvaluationFailed. */
export interface QueryFailure {
  readonly error: string;
  readonly cause: string;
  /** The field, e.g. `Output/a`; absent where AWS records none (a Map input that is not an array). */
  readonly location?: string;
  /**
   * True for a JSONPath state's failure (a path that selects nothing, a bad SecondsPath value):
   * AWS records no EvaluationFailed event for those, the state just fails with States.Runtime.
   */
  readonly unrecorded?: boolean;
}

export type Outcome =
  | { readonly ok: true; readonly output: unknown }
  | { readonly ok: false; readonly failure: Failure };

export function failure(error: string | undefined, cause?: string): Failure {
  return { ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
}

/** How AWS begins the cause of a failure inside a state. */
export function causePrefix(site: { readonly stateName: string; readonly enteredEventId: number }): string {
  return `An error occurred while executing the state '${site.stateName}' (entered at the event id #${site.enteredEventId}). `;
}

/** The longest cause the Step Functions API carries (`cause`, 0-32768 characters, in every *FailedEventDetails). */
export const MAX_CAUSE_LENGTH = 32_768;

/**
 * A cause within the API's limit. Messages that quote the state's data (a path not found "in the
 * input '...'", a value of the wrong type) would otherwise carry up to 256 KiB of it.
 */
export function boundCause(cause: string): string {
  if (cause.length <= MAX_CAUSE_LENGTH) return cause;
  const marker = '... (cut at the 32,768 characters a cause may have)';
  return cause.slice(0, MAX_CAUSE_LENGTH - marker.length) + marker;
}

/** The `$states.errorOutput` object a catcher sees. */
export function errorOutput(f: Failure): { Error?: string; Cause?: string } {
  return {
    ...(f.error !== undefined ? { Error: f.error } : {}),
    ...(f.cause !== undefined ? { Cause: f.cause } : {}),
  };
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
  ResultPathMatchFailure: 'States.ResultPathMatchFailure',
  Permissions: 'States.Permissions',
  NoChoiceMatched: 'States.NoChoiceMatched',
  IntrinsicFailure: 'States.IntrinsicFailure',
} as const;
