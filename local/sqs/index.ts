/**
 * The local SQS endpoint (standard queues, dead-letter redrive): AWS JSON 1.0 on loopback,
 * every change fsynced to the data directory before it is acknowledged. Point the SDK at it
 * with `AWS_ENDPOINT_URL_SQS`.
 */
export { SqsApiError, SqsDataError, SqsError } from './errors.ts';
export { type SqsOptions, startSqs } from './server.ts';
