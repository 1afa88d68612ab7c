/**
 * A state machine's loggingConfiguration, tracingConfiguration and encryptionConfiguration, as
 * CreateStateMachine and UpdateStateMachine take them: checked as AWS checks them, kept as
 * DescribeStateMachine reports them, and refused with AWS's error where the local cloud cannot
 * honour them (a customer managed KMS key: there is no KMS here).
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_TracingConfiguration.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_EncryptionConfiguration.html
 */
import type {
  EncryptionConfiguration,
  LoggingConfiguration,
  TracingConfiguration,
} from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { SfnApiError } from './errors.ts';

const enumSet = (values: readonly string[]) => ({
  error: `Member must satisfy enum value set: [${values.join(', ')}]`,
});
const LEVELS = ['ALL', 'ERROR', 'FATAL', 'OFF'] as const;
const KEY_TYPES = ['AWS_OWNED_KEY', 'CUSTOMER_MANAGED_KMS_KEY'] as const;

/** The request shapes; a wrong type or enum value is the API's ValidationException. */
export const loggingSchema = z.object({
  level: z.enum(LEVELS, enumSet(LEVELS)).optional(),
  includeExecutionData: z.boolean().optional(),
  destinations: z
    .array(z.object({ cloudWatchLogsLogGroup: z.object({ logGroupArn: z.string().optional() }).optional() }))
    .optional(),
});
// `enabled` is checked below: AWS answers a non-boolean with InvalidTracingConfiguration.
export const tracingSchema = z.object({ enabled: z.unknown().optional() });
export const encryptionSchema = z.object({
  type: z.enum(KEY_TYPES, enumSet(KEY_TYPES)),
  kmsKeyId: z.string().optional(),
  kmsDataKeyReusePeriodSeconds: z.number().int().optional(),
});

/** What DescribeStateMachine reports for a machine created without them. */
export const DEFAULT_LOGGING: LoggingConfiguration = { level: 'OFF', includeExecutionData: false };
export const DEFAULT_TRACING: TracingConfiguration = { enabled: false };
export const DEFAULT_ENCRYPTION: EncryptionConfiguration = { type: 'AWS_OWNED_KEY' };

/** `arn:<partition>:logs:<region>:<account>:log-group:<name>:*`, as the console and the CDK give it. */
const LOG_GROUP_ARN = /^arn:aws[\w-]*:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]{1,512}:\*$/;

/**
 * The logging configuration as AWS keeps it: level OFF and includeExecutionData false unless
 * given, destinations as given. AWS's checks: exactly one destination unless the level is OFF.
 * No log group exists locally, so nothing is delivered to it; every event is in the execution
 * history (GetExecutionHistory) instead.
 */
export function logging(input: z.infer<typeof loggingSchema>): LoggingConfiguration {
  const level = input.level ?? 'OFF';
  const destinations = input.destinations;
  const count = destinations?.length ?? 0;
  if (count > 1 || (level !== 'OFF' && count === 0)) {
    throw new SfnApiError(
      'InvalidLoggingConfiguration',
      'Invalid Logging Configuration: Must specify exactly one Log Destination.',
    );
  }
  for (const destination of destinations ?? []) {
    const arn = destination.cloudWatchLogsLogGroup?.logGroupArn ?? '';
    if (!LOG_GROUP_ARN.test(arn)) {
      throw new SfnApiError(
        'InvalidLoggingConfiguration',
        `Invalid Logging Configuration: Log Destination not found. Received logGroupArn '${arn}'; ` +
          'give the log group ARN ending in ":*" (arn:aws:logs:<region>:<account>:log-group:<name>:*).',
      );
    }
  }
  return {
    level,
    includeExecutionData: input.includeExecutionData ?? false,
    ...(destinations !== undefined
      ? {
          destinations: destinations.map((d) => ({
            cloudWatchLogsLogGroup: { logGroupArn: d.cloudWatchLogsLogGroup?.logGroupArn ?? '' },
          })),
        }
      : {}),
  };
}

/** `enabled` is true or false (false when absent, AWS's default). No X-Ray runs locally. */
export function tracing(input: z.infer<typeof tracingSchema>): TracingConfiguration {
  if (input.enabled !== undefined && typeof input.enabled !== 'boolean') {
    throw new SfnApiError(
      'InvalidTracingConfiguration',
      `Invalid Tracing Configuration: enabled must be true or false, received ${JSON.stringify(input.enabled)}.`,
    );
  }
  return { enabled: input.enabled ?? false };
}

/**
 * AWS_OWNED_KEY is what the local cloud does (the store is sealed with a key of its data
 * directory); a customer managed key is checked as AWS checks it, then refused: the local cloud
 * has no KMS to use it with.
 */
export function encryption(input: z.infer<typeof encryptionSchema>): EncryptionConfiguration {
  const invalid = (why: string) =>
    new SfnApiError('InvalidEncryptionConfiguration', `Invalid Encryption Configuration: ${why}`);
  const period = input.kmsDataKeyReusePeriodSeconds;
  if (input.type === 'AWS_OWNED_KEY') {
    if (input.kmsKeyId !== undefined || period !== undefined) {
      throw invalid(
        'kmsKeyId and kmsDataKeyReusePeriodSeconds apply only to type CUSTOMER_MANAGED_KMS_KEY; remove them or change the type.',
      );
    }
    return { type: 'AWS_OWNED_KEY' };
  }
  if (input.kmsKeyId === undefined || input.kmsKeyId.length < 1 || input.kmsKeyId.length > 2048) {
    throw invalid('type CUSTOMER_MANAGED_KMS_KEY needs a kmsKeyId (a key id, key ARN, alias or alias ARN).');
  }
  if (period !== undefined && (period < 60 || period > 900)) {
    throw invalid(`kmsDataKeyReusePeriodSeconds must be between 60 and 900, received ${period}.`);
  }
  throw new SfnApiError(
    'KmsAccessDeniedException',
    `The local cloud has no AWS KMS, so Step Functions cannot use the KMS key '${input.kmsKeyId}'. ` +
      'Locally, use type AWS_OWNED_KEY: the local store is sealed with AES-256-GCM under a key of its data directory.',
  );
}

/** The three as stored and described, with AWS's defaults for those not given. */
export interface Configurations {
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  readonly encryptionConfiguration: EncryptionConfiguration;
}

/** Whether two sets of configurations are the same (CreateStateMachine's idempotency check). */
export function sameConfigurations(a: Configurations, b: Configurations): boolean {
  return (
    JSON.stringify([a.loggingConfiguration, a.tracingConfiguration, a.encryptionConfiguration]) ===
    JSON.stringify([b.loggingConfiguration, b.tracingConfiguration, b.encryptionConfiguration])
  );
}
