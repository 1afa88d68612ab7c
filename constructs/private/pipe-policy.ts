/**
 * The statements of a pipe's execution role, from a DynamoDB stream to a state machine, as
 * "Event source permissions for Amazon EventBridge Pipes" lists them, each on the one resource it
 * concerns. None names `*`.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { keyUseVia } from './role-policy.ts';

/**
 * Reading the stream (DescribeStream, GetRecords, GetShardIterator, ListStreams: the DynamoDB
 * execution role permissions of the Pipes guide), on that table's stream only.
 */
export function streamReadStatement(streamArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: [
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
    ],
    resources: [streamArn],
  });
}

/**
 * The stream is encrypted with the table's key ("DynamoDB streams are always encrypted with a
 * table-level encryption key"); decrypting its records goes through DynamoDB, so only through it
 * (`kms:ViaService`), as the project's other readers of the tables have it.
 */
export function streamKeyStatement(dataKey: kms.IKey): iam.PolicyStatement {
  return keyUseVia(dataKey, ['kms:Decrypt'], 'dynamodb');
}

/**
 * SendMessage on the dead-letter queue (the Pipes guide: "To send records of failed batches to
 * the pipe dead-letter queue"), and the key use an SSE-KMS queue needs from its producer
 * (GenerateDataKey and Decrypt, SQS "Key management"): through SQS, for this queue only (SQS's
 * encryption context is `aws:sqs:arn`).
 */
export function deadLetterStatements(queueArn: string, queueKey: kms.IKey): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queueArn] }),
    new iam.PolicyStatement({
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [queueKey.keyArn],
      conditions: {
        StringEquals: {
          'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com`,
          'kms:EncryptionContext:aws:sqs:arn': queueArn,
        },
      },
    }),
  ];
}
