/**
 * The local Cognito user pools endpoint: cognito-local in process, on loopback, with user pool
 * triggers (LambdaConfig) run in process by function name. Point the SDK at it with
 * `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`.
 */
export { CognitoLocalError, CognitoTriggerNotFoundError } from './errors.ts';
export { type CognitoOptions, startCognito } from './server.ts';
