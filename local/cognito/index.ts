/**
 * The local Cognito user pools endpoint: cognito-local in process, on loopback, with user pool
 * triggers (LambdaConfig) run in process by function name, and AWS's rules enforced where
 * cognito-local is more permissive (tokens signed with a key of this data directory, password
 * policy, user name case, writable and immutable attributes, no self-confirmation, auth flows and
 * challenge sessions, group names). Point the SDK at it with
 * `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`.
 */
export { CognitoLocalError, CognitoTriggerNotFoundError } from './errors.ts';
export { type CognitoOptions, startCognito } from './server.ts';
