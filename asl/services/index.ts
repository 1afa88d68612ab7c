/**
 * The service integrations behind Task states, and the default registry that routes each
 * resource to its integration.
 */
import type { TaskResource } from '../definition/types.ts';
import { type AwsSdkHandlerOptions, createAwsSdkHandler, isAwsSdkResource } from './aws-sdk.ts';
import {
  createLambdaHandlers,
  isLambdaFunctionResource,
  isLambdaInvokeResource,
  type LambdaHandlerOptions,
} from './lambda.ts';
import { createStartExecutionHandler, isStartExecutionResource } from './states.ts';
import { RoutingRegistry, type TaskHandler } from './types.ts';

export {
  type AwsSdkHandlerOptions,
  createAwsSdkHandler,
  isAwsSdkResource,
  type SdkClient,
  type SdkClientClass,
  type SdkClientFactory,
  type SdkClientSpec,
} from './aws-sdk.ts';
export {
  InvalidTaskArguments,
  SdkClientNotFound,
  SdkPackageNotInstalled,
  ServiceIntegrationError,
  UnknownSdkAction,
  UnsupportedIntegrationPattern,
} from './errors.ts';
export {
  createLambdaHandlers,
  isLambdaFunctionResource,
  isLambdaInvokeResource,
  type LambdaHandlerOptions,
  type LambdaHandlers,
} from './lambda.ts';
export {
  createStartExecutionHandler,
  isStartExecutionResource,
  type StartExecutionHandlerOptions,
} from './states.ts';
export {
  type ExecutionInfo,
  RoutingRegistry,
  type TaskHandler,
  type TaskRegistry,
  type TaskRequest,
  type TaskResult,
} from './types.ts';

export interface Route {
  readonly matches: (resource: TaskResource) => boolean;
  readonly handler: TaskHandler;
}

export interface DefaultRegistryOptions {
  /** Every call goes to this region instead of the Task's (both aws-sdk and Lambda). */
  readonly region?: string;
  readonly awsSdk?: AwsSdkHandlerOptions;
  readonly lambda?: LambdaHandlerOptions;
  /**
   * `arn:aws:states:::states:startExecution[.sync|.sync:2|.waitForTaskToken]`; by default the
   * Step Functions API through the SDK (the local endpoint or AWS).
   */
  readonly startExecution?: TaskHandler;
  /** Further integrations, tried before the defaults in the order given. */
  readonly routes?: readonly Route[];
}

/**
 * The registry the engine uses by default: aws-sdk:*, lambda:invoke and Lambda function ARNs,
 * plus `states:startExecution` and any other route the caller supplies. A resource nothing
 * serves resolves to undefined, and the Task fails as the runtime decides.
 */
export function createDefaultRegistry(options: DefaultRegistryOptions = {}): RoutingRegistry {
  const registry = new RoutingRegistry();
  for (const route of options.routes ?? []) registry.route(route.matches, route.handler);
  const region = options.region !== undefined ? { region: options.region } : {};
  registry.route(isStartExecutionResource, options.startExecution ?? createStartExecutionHandler(region));

  const lambda = createLambdaHandlers({ ...region, ...options.lambda });
  return registry
    .route(isAwsSdkResource, createAwsSdkHandler({ ...region, ...options.awsSdk }))
    .route(isLambdaInvokeResource, lambda.invoke)
    .route(isLambdaFunctionResource, lambda.function);
}
