/**
 * An AWS SDK v3 rejection → the Failure Step Functions reports. Step Functions makes its calls
 * with the AWS SDK for Java (2.x for aws-sdk integrations, 1.x for the optimized Lambda one), so
 * names and causes follow that SDK's exception classes and messages.
 */
import type { Failure } from '../../runtime/outcome.ts';

interface ServiceErrorLike {
  readonly name: string;
  readonly message: string;
  readonly $fault: string;
  readonly $metadata: {
    readonly httpStatusCode?: number;
    readonly requestId?: string;
    readonly extendedRequestId?: string;
    readonly attempts?: number;
  };
}

/** An answer from the service (an HTTP error response), as opposed to a call that got none. */
export function isServiceError(error: unknown): error is ServiceErrorLike {
  if (!(error instanceof Error)) return false;
  const e = error as Partial<ServiceErrorLike>;
  return typeof e.$fault === 'string' && typeof e.$metadata?.httpStatusCode === 'number';
}

/**
 * Whether the service model declares this error. The SDK raises the exported class of a
 * modeled error and its base `<Service>ServiceException` (named after the code) for any other.
 */
export function isModeled(error: ServiceErrorLike, sdkModule: Readonly<Record<string, unknown>>): boolean {
  const ctor = sdkModule[error.name];
  return typeof ctor === 'function' && error instanceof ctor;
}

/** Java names every modeled error class with an `Exception` suffix (NoSuchKey → NoSuchKeyException). */
export function withExceptionSuffix(name: string): string {
  return name.endsWith('Exception') ? name : `${name}Exception`;
}

/**
 * The `aws-sdk:*` rule: `<Service>.<Error>Exception` for a modeled error, and the service's base
 * exception `<Service>.<Service>Exception` for any other (the Java SDK has no class for it). The
 * corpus: S3.NoSuchKeyException, S3.NoSuchBucketException, Sfn.InvalidTokenException,
 * DynamoDb.ResourceNotFoundException; DynamoDB's unmodeled ValidationException is
 * DynamoDb.DynamoDbException and Secrets Manager's is SecretsManager.SecretsManagerException.
 */
export function awsSdkFailure(
  error: unknown,
  service: string,
  sdkModule: Readonly<Record<string, unknown>>,
): Failure {
  if (!isServiceError(error)) return clientFailure(error, service, attemptsOf(error));
  const name = isModeled(error, sdkModule) ? withExceptionSuffix(error.name) : `${service}Exception`;
  const m = error.$metadata;
  // AwsServiceException.getMessage() of the Java SDK 2.x; Step Functions recorded the attempt
  // count suffix from late 2025 on (Sfn.InvalidTokenException), not in earlier recordings.
  const details = [
    `Service: ${service}`,
    `Status Code: ${m.httpStatusCode}`,
    `Request ID: ${m.requestId ?? 'null'}`,
  ];
  if (m.extendedRequestId !== undefined) details.push(`Extended Request ID: ${m.extendedRequestId}`);
  return {
    error: `${service}.${name}`,
    cause: `${messageOf(error)} (${details.join(', ')}) (SDK Attempt Count: ${m.attempts ?? 1})`,
  };
}

/**
 * The optimized Lambda integration (`lambda:invoke`) names errors as the Java SDK 1.x does:
 * `Lambda.<Code>` for a modeled error (Lambda.ResourceNotFoundException in the corpus),
 * `Lambda.AWSLambdaException` for any other, `Lambda.SdkClientException` when no answer came
 * (the names the developer guide's "Handle transient Lambda service exceptions" retries on).
 * The cause is AmazonServiceException.getMessage(), as recorded:
 * `Function not found: <arn> (Service: AWSLambda; Status Code: 404; Error Code:
 * ResourceNotFoundException; Request ID: <id>; Proxy: null)`.
 */
export function lambdaServiceFailure(error: unknown, sdkModule: Readonly<Record<string, unknown>>): Failure {
  if (!isServiceError(error)) {
    return {
      error: 'Lambda.SdkClientException',
      cause: `Unable to execute HTTP request: ${messageOf(error)}`,
    };
  }
  const name = isModeled(error, sdkModule) ? withExceptionSuffix(error.name) : 'AWSLambdaException';
  const m = error.$metadata;
  return {
    error: `Lambda.${name}`,
    cause:
      `${messageOf(error)} (Service: AWSLambda; Status Code: ${m.httpStatusCode}; Error Code: ${error.name}; ` +
      `Request ID: ${m.requestId ?? 'null'}; Proxy: null)`,
  };
}

/**
 * No answer from the service (connection refused, DNS, a body the SDK could not parse): the
 * Java SDK raises SdkClientException. The name under aws-sdk is by analogy with Lambda's
 * documented `Lambda.SdkClientException`; no recording shows it.
 */
function clientFailure(error: unknown, service: string, attempts: number | undefined): Failure {
  const suffix = attempts !== undefined ? ` (SDK Attempt Count: ${attempts})` : '';
  return {
    error: `${service}.SdkClientException`,
    cause: `Unable to execute HTTP request: ${messageOf(error)}${suffix}`,
  };
}

function attemptsOf(error: unknown): number | undefined {
  const attempts = (error as { $metadata?: { attempts?: unknown } } | null)?.$metadata?.attempts;
  return typeof attempts === 'number' ? attempts : undefined;
}

/** The service's own message; Java prints `null` where the response carried none. */
function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // The SDK fills in "UnknownError" when the body has no message.
  return error.message === '' || error.message === 'UnknownError' ? 'null' : error.message;
}
