/**
 * The local SES endpoint: SES v2 (aws-ses-v2-local in process) and SES v1's SendEmail and
 * SendRawEmail on one port, with one outbox that survives restarts. Point the SDKs at it with
 * `AWS_ENDPOINT_URL_SESV2` and `AWS_ENDPOINT_URL_SES` (`LocalSes.environment`).
 */
export { SesApiError, SesDataError, SesError } from './errors.ts';
export { type LocalSes, type SentEmail, startSes } from './server.ts';
