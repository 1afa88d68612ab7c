/**
 * The local RDS Data API: ExecuteStatement, BatchExecuteStatement and transactions over a `pg`
 * pool, with the Data API's types, limits and errors. Point the SDK at it with
 * `AWS_ENDPOINT_URL_RDS_DATA`.
 */
export { RdsDataApiError, RdsDataError } from './errors.ts';
export { type RdsDataOptions, startRdsData } from './server.ts';
