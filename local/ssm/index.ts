/**
 * The local SSM Parameter Store endpoint: AWS JSON 1.1 on loopback, SecureString encrypted at
 * rest. Point the SDK at it with `AWS_ENDPOINT_URL_SSM`.
 */
export { SsmApiError, SsmDataError, SsmError } from './errors.ts';
export { type SsmOptions, startSsm } from './server.ts';
