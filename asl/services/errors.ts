/**
 * The service integrations' own errors: what is wrong with the engine's setup or with a Task
 * resource the integration cannot serve. A service's answer (`DynamoDb.ResourceNotFoundException`,
 * a Lambda function error) is never one of these: it is a Failure value.
 */
import { AslError } from '../errors.ts';

export class ServiceIntegrationError extends AslError {
  override name = 'ServiceIntegrationError';
}

/** The AWS SDK v3 client package an `aws-sdk:<service>` resource needs is not installed. */
export class SdkPackageNotInstalled extends ServiceIntegrationError {
  override name = 'SdkPackageNotInstalled';
  readonly service: string;
  readonly packageName: string;

  constructor(service: string, packageName: string, options?: ErrorOptions) {
    super(
      `The Task resource 'arn:aws:states:::aws-sdk:${service}:...' needs the npm package ${packageName}, ` +
        `which is not installed. Install it with: npm install ${packageName}`,
      options,
    );
    this.service = service;
    this.packageName = packageName;
  }
}

/** The package loaded but exports no SDK client class (not an AWS SDK v3 client package). */
export class SdkClientNotFound extends ServiceIntegrationError {
  override name = 'SdkClientNotFound';
  readonly packageName: string;

  constructor(packageName: string) {
    super(
      `The package ${packageName} exports no AWS SDK v3 client class (a '<Name>Client' with send()). ` +
        'Map the service to its @aws-sdk/client-* package in asl/services/private/sdk-services.ts.',
    );
    this.packageName = packageName;
  }
}

/**
 * The service has no such action. AWS refuses such a resource when the state machine is created
 * (SCHEMA_VALIDATION_FAILED), so it never reaches a running Task there; here it is the engine's
 * caller that let an unvalidated definition through.
 */
export class UnknownSdkAction extends ServiceIntegrationError {
  override name = 'UnknownSdkAction';
  readonly service: string;
  readonly action: string;

  constructor(service: string, action: string, packageName: string) {
    super(
      `The resource 'arn:aws:states:::aws-sdk:${service}:${action}' names no API action: ${packageName} has no ` +
        `${commandName(action)}. Use the action's name as the API spells it, first letter lower case (e.g. putItem).`,
    );
    this.service = service;
    this.action = action;
  }
}

/** The integration does not offer that pattern (`.sync` on an aws-sdk resource, for instance). */
export class UnsupportedIntegrationPattern extends ServiceIntegrationError {
  override name = 'UnsupportedIntegrationPattern';
  readonly resourceArn: string;

  constructor(resourceArn: string, supported: readonly string[]) {
    super(
      `The resource '${resourceArn}' uses an integration pattern this integration does not offer. ` +
        `Supported: ${supported.join(', ')}.`,
    );
    this.resourceArn = resourceArn;
  }
}

/** The Arguments cannot become the call: not an object where the API takes a structure. */
export class InvalidTaskArguments extends ServiceIntegrationError {
  override name = 'InvalidTaskArguments';
  readonly resourceArn: string;

  constructor(resourceArn: string, problem: string, received: unknown) {
    super(`${problem} for '${resourceArn}', but received: ${JSON.stringify(received) ?? String(received)}.`);
    this.resourceArn = resourceArn;
  }
}

export function commandName(action: string): string {
  return `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
}
