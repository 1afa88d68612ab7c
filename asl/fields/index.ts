/**
 * The fields states share, one module each: evaluating JSONata fields (evaluate, dynamic),
 * Assign and Output (settle, leave), Retry, Catch, and the attempt loop of Task, Parallel and Map.
 */
export { type AttemptOutcome, withRetries } from './attempts.ts';
export { tryCatch } from './catch.ts';
export { type Expected, evaluateDynamic, evaluateOptional } from './dynamic.ts';
export {
  causePrefix,
  type Evaluated,
  evaluateTemplate,
  jsonTypeName,
  type QueryFailed,
  queryFailure,
  templateSource,
  unexpectedType,
} from './evaluate.ts';
export { leave } from './leave.ts';
export { errorMatches, nextRetry, type RetryCounters } from './retry.ts';
export { settle } from './settle.ts';
