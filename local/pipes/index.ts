/**
 * The local EventBridge Pipes: the Pipes API (REST-JSON, as @aws-sdk/client-pipes speaks it)
 * persisted in the data directory, and a runner per RUNNING pipe from a DynamoDB stream to an
 * Express state machine. Point the SDK at it with `AWS_ENDPOINT_URL_PIPES`.
 */

export { type EnsureOutcome, ensurePipe, type PipeDeclaration } from './ensure.ts';
export { PipesApiError, PipesDataError, PipesError } from './errors.ts';
export type { PipeStatus } from './runner.ts';
export { type LocalPipes, type PipesOptions, startPipes } from './server.ts';
