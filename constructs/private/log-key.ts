/** Log groups encrypted with a customer-managed key, and the key policy statement that allows it. */
import { ArnFormat, Aws, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/**
 * CloudWatch Logs encrypts the log group with the key only if the key policy lets the regional
 * Logs service use it for that log group ("Encrypt log data in CloudWatch Logs using AWS KMS").
 */
export function allowLogsToUse(key: kms.IKey, stack: Stack, logGroupName: string): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
      actions: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:ReEncryptFrom',
        'kms:ReEncryptTo',
        'kms:GenerateDataKey',
        'kms:GenerateDataKeyWithoutPlaintext',
        'kms:DescribeKey',
      ],
      resources: ['*'],
      conditions: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}

/** A log group named `logGroupName`, encrypted with `key` (whose policy is extended to allow it). */
export function encryptedLogGroup(
  scope: Construct,
  id: string,
  props: {
    readonly logGroupName: string;
    readonly key: kms.IKey;
    readonly retention: logs.RetentionDays;
    readonly removalPolicy: RemovalPolicy;
  },
): logs.LogGroup {
  allowLogsToUse(props.key, Stack.of(scope), props.logGroupName);
  return new logs.LogGroup(scope, id, {
    logGroupName: props.logGroupName,
    retention: props.retention,
    encryptionKey: props.key,
    removalPolicy: props.removalPolicy,
  });
}
