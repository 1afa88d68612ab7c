/**
 * A dead-letter queue an operator watches: KMS-encrypted with a customer-managed key, TLS only,
 * kept 14 days, with an alarm while it holds a message. AwsSolutions-SQS3 (a DLQ of its own) is
 * acknowledged on it: it is itself the dead-letter queue, and nothing consumes it automatically.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

export function watchedDeadLetterQueue(
  scope: Construct,
  props: {
    readonly queueName: string;
    readonly key: kms.IKey;
    /** What ends up there, for the SQS3 acknowledgement: "the batches the pipes gave up on". */
    readonly holds: string;
    readonly alarmName: string;
    /** What the operator should do when the alarm fires. */
    readonly alarmDescription: string;
  },
): { readonly queue: sqs.Queue; readonly alarm: cloudwatch.Alarm } {
  const queue = new sqs.Queue(scope, 'DeadLetterQueue', {
    queueName: props.queueName,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: props.key,
    dataKeyReuse: Duration.minutes(5),
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(
    queue,
    'AwsSolutions-SQS3',
    `This queue is itself a dead-letter queue: it holds ${props.holds}, an operator reads it (its alarm says when), and nothing consumes it automatically that could fail.`,
  );
  const alarm = new cloudwatch.Alarm(scope, 'DeadLetters', {
    alarmName: props.alarmName,
    alarmDescription: props.alarmDescription,
    metric: queue.metricApproximateNumberOfMessagesVisible({
      period: Duration.minutes(5),
      statistic: cloudwatch.Stats.MAXIMUM,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
}
