/**
 * The statements of a JSONata state machine's role: the least-privilege policy derived from its
 * definition, the KMS use its data needs, and the fixed statements that encryption, logging and
 * tracing need. Each statement that names `*` says why.
 */
import { ArnFormat, Aws, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { IamStatement } from '../../asl/iam/index.ts';
import type { RunTimeResources } from '../jsonata-state-machine.ts';

/** A statement with the reason a reader (and cdk-nag's acknowledgement) needs for its breadth. */
export interface ExplainedStatement {
  readonly statement: iam.PolicyStatement;
  readonly reason?: string;
}

export function derivedStatements(
  derived: readonly IamStatement[],
  runTime: readonly RunTimeResources[] = [],
): ExplainedStatement[] {
  return derived.flatMap((s) => {
    const unscoped = s.resources.includes('*');
    const scopedBy = (action: string) =>
      unscoped ? runTime.find((r) => r.actions.includes(action)) : undefined;
    const rest = s.actions.filter((a) => scopedBy(a) === undefined);
    const scoped = runTime.flatMap((r) => {
      const actions = s.actions.filter((a) => scopedBy(a) === r);
      return actions.length === 0
        ? []
        : [
            {
              statement: new iam.PolicyStatement({ actions, resources: [...r.resources] }),
              reason: r.reason,
            },
          ];
    });
    const reason = s.reason ?? qualifierReason(s);
    return [
      ...(rest.length === 0
        ? []
        : [
            {
              statement: new iam.PolicyStatement({ actions: rest, resources: [...s.resources] }),
              ...(reason === undefined ? {} : { reason }),
            },
          ]),
      ...scoped,
    ];
  });
}

export const FUNCTION_QUALIFIER_REASON =
  'lambda:InvokeFunction on <function ARN>:* names the versions and aliases of that one function, which IAM matches a qualified invocation against (the CDK’s LambdaInvoke grants the same).';

/** The derivation's `<function>:*` beside `<function>` (an unqualified FunctionName): no other breadth. */
function qualifierReason(s: IamStatement): string | undefined {
  const broad = s.resources.filter((r) => r.includes('*'));
  const onlyQualifiers =
    s.actions.every((a) => a === 'lambda:InvokeFunction') &&
    broad.length > 0 &&
    broad.every(
      (r) => r.endsWith(':*') && !r.slice(0, -2).includes('*') && s.resources.includes(r.slice(0, -2)),
    );
  return onlyQualifiers ? FUNCTION_QUALIFIER_REASON : undefined;
}

/** DynamoDB item reads and writes need the table's key; control-plane calls (DescribeTable) do not. */
const DYNAMODB_READS = new Set(
  ['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems', 'ConditionCheckItem'].map(
    (a) => `dynamodb:${a}`,
  ),
);
const DYNAMODB_WRITES = new Set(
  ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].map((a) => `dynamodb:${a}`),
);

/**
 * The KMS permissions the derived calls need on the key that encrypts the project's data (its
 * tables and the database secret), each only through the service that uses it
 * (`kms:ViaService`), as the CDK's own table and secret grants give them.
 */
export function dataKeyStatements(derived: readonly IamStatement[], key: kms.IKey): ExplainedStatement[] {
  const actions = new Set(derived.flatMap((s) => s.actions));
  const has = (set: Set<string>) => [...actions].some((a) => set.has(a));
  const out: ExplainedStatement[] = [];
  if (has(DYNAMODB_READS) || has(DYNAMODB_WRITES)) {
    const kmsActions = has(DYNAMODB_WRITES)
      ? [
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ]
      : ['kms:Decrypt', 'kms:DescribeKey'];
    out.push({ statement: keyUseVia(key, kmsActions, 'dynamodb') });
  }
  if (actions.has('secretsmanager:GetSecretValue')) {
    out.push({ statement: keyUseVia(key, ['kms:Decrypt'], 'secretsmanager') });
  }
  return out;
}

/** `actions` on `key`, only in requests `service` makes for the caller (`kms:ViaService`). */
export function keyUseVia(key: kms.IKey, actions: string[], service: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } },
  });
}

/** `actions` on the execution key, for the data of one state machine only (its encryption context). */
export function executionKeyUse(key: kms.IKey, actions: string[], machineArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions,
    resources: [key.keyArn],
    conditions: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': machineArn } },
  });
}

export const LOG_DELIVERY_REASON =
  'Step Functions delivers logs through CloudWatch Logs vended-log deliveries; these logs: actions do not support resource-level permissions (AWS: "IAM policies for logging to CloudWatch Logs").';
export const XRAY_REASON =
  'X-Ray tracing: xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules and GetSamplingTargets do not support resource-level permissions.';

/**
 * What the execution-data key, logging and tracing need: the role encrypts and decrypts this
 * machine's data only (encryption context `aws:states:stateMachineArn`), and generates data keys
 * for the encrypted log delivery.
 */
export function platformStatements(
  scope: Stack,
  machineArn: string,
  executionKey: kms.IKey,
): ExplainedStatement[] {
  return [
    { statement: executionKeyUse(executionKey, ['kms:Decrypt', 'kms:GenerateDataKey'], machineArn) },
    {
      statement: new iam.PolicyStatement({
        actions: ['kms:GenerateDataKey'],
        resources: [executionKey.keyArn],
        conditions: {
          StringEquals: {
            'kms:EncryptionContext:SourceArn': scope.formatArn({
              service: 'logs',
              resource: '*',
              arnFormat: ArnFormat.NO_RESOURCE_NAME,
            }),
          },
        },
      }),
    },
    {
      statement: new iam.PolicyStatement({
        actions: [
          'logs:CreateLogDelivery',
          'logs:GetLogDelivery',
          'logs:UpdateLogDelivery',
          'logs:DeleteLogDelivery',
          'logs:ListLogDeliveries',
          'logs:PutResourcePolicy',
          'logs:DescribeResourcePolicies',
          'logs:DescribeLogGroups',
        ],
        resources: ['*'],
      }),
      reason: LOG_DELIVERY_REASON,
    },
    {
      statement: new iam.PolicyStatement({
        actions: [
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'xray:GetSamplingRules',
          'xray:GetSamplingTargets',
        ],
        resources: ['*'],
      }),
      reason: XRAY_REASON,
    },
  ];
}
