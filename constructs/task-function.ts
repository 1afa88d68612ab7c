/**
 * A task (tasks/<name>) as a Lambda function: bundled with esbuild (ESM, Node.js 22, ARM), its
 * environment resolved from the task's declaration, logs in its own log group kept 30 days, and
 * a role with exactly the permission to write there (grants add the rest).
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { type Task, timeoutSeconds } from '../tasks/index.ts';
import { acknowledge, resourceFinding } from './nag.ts';
import { nodeFunctionBuild } from './private/node-function.ts';

export interface TaskFunctionProps {
  readonly task: Task;
  readonly functionName: string;
  readonly environment: Readonly<Record<string, string>>;
}

export class TaskFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: TaskFunctionProps) {
    super(scope, id);
    const { task, functionName } = props;
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      description: `Runs the ${functionName} function.`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    // In place of the AWSLambdaBasicExecutionRole managed policy: this function's log group only.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [`${logGroup.logGroupArn}:*`],
      }),
    );
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: task.description.slice(0, 256),
      entry: task.entry,
      handler: 'handler',
      ...nodeFunctionBuild(),
      memorySize: 256,
      timeout: Duration.seconds(timeoutSeconds(task)),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      role,
      logGroup,
      tracing: lambda.Tracing.ACTIVE,
    });
    acknowledge(
      role,
      'AwsSolutions-IAM5',
      'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which X-Ray allows only on *.',
      ['Resource::*'],
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5',
      'Log streams are created at run time inside this function’s own log group: <group ARN>:* names only them.',
      [resourceFinding(role, `${logGroup.logGroupArn}:*`)],
    );
    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x, the runtime the project targets and tests (DESIGN.md); moving to a newer runtime is a deliberate upgrade.',
    );
  }
}
