/**
 * The local SES v2 endpoint (aws-ses-v2-local in process), whose outbox survives restarts.
 * Point the SDK at it with `AWS_ENDPOINT_URL_SESV2`.
 */
export { SesApiError, SesDataError, SesError } from './errors.ts';
export { type LocalSes, type SentEmail, startSes } from './server.ts';
