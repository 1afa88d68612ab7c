/**
 * The database's schema migrations, applied at deploy time: a custom resource (the CDK provider
 * framework) whose function runs db/migrate.ts through the RDS Data API, the only way to the
 * cluster. The SQL files are bundled with the function and their hash is a property of the
 * resource, so adding or changing a file re-runs it on the next deployment. It depends on the
 * whole cluster (writer instance and secret attachment included), and everything that uses the
 * schema deploys after it: the workflows stack depends on the data stack that holds it.
 */
import { join, relative } from 'node:path';
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { MIGRATIONS_DIR, migrationsHash, readMigrations } from '../db/migrate.ts';
import { acknowledge, resourceFinding } from './nag.ts';
import { nodeFunctionBuild, PROJECT_ROOT } from './private/node-function.ts';
import { keyUseVia } from './private/role-policy.ts';

/** The handler's timeout: a paused writer may take minutes to resume (db/resuming.ts waits 5). */
const HANDLER_TIMEOUT = Duration.minutes(10);

export interface SchemaMigrationsProps {
  readonly cluster: rds.IDatabaseCluster;
  readonly secret: secretsmanager.ISecret;
  readonly databaseName: string;
  /** The key that encrypts the secret: the Data API reads the secret with the caller's rights. */
  readonly secretKey: kms.IKey;
  readonly functionName: string;
}

export class SchemaMigrations extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly resource: CustomResource;
  /** migrationsHash of db/migrations at synthesis: the resource's MigrationsHash property. */
  readonly migrationsHash: string;

  constructor(scope: Construct, id: string, props: SchemaMigrationsProps) {
    super(scope, id);
    const { cluster, secret, functionName } = props;
    this.migrationsHash = migrationsHash(readMigrations());

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'Role', {
      description: `Runs the ${functionName} function: applies the schema migrations through the RDS Data API.`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    for (const statement of [
      writeLogs(logGroup),
      new iam.PolicyStatement({
        actions: [
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:ExecuteStatement',
          'rds-data:RollbackTransaction',
        ],
        resources: [cluster.clusterArn],
      }),
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
      keyUseVia(props.secretKey, ['kms:Decrypt'], 'secretsmanager'),
    ]) {
      role.addToPolicy(statement);
    }

    const migrationsInBundle = relative(PROJECT_ROOT, MIGRATIONS_DIR);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: 'Applies the schema migrations (db/migrations) through the RDS Data API at deploy time.',
      entry: join(PROJECT_ROOT, 'db', 'migrate-handler.ts'),
      handler: 'handler',
      // The SQL files beside the bundle, where db/migrate.ts looks for them (MIGRATIONS_DIR).
      ...nodeFunctionBuild({
        afterBundling: (inputDir, outputDir) => [
          `cp -R "${join(inputDir, migrationsInBundle)}" "${join(outputDir, 'migrations')}"`,
        ],
      }),
      memorySize: 256,
      timeout: HANDLER_TIMEOUT,
      environment: { NODE_OPTIONS: '--enable-source-maps' },
      role,
      logGroup,
    });

    // The framework's own function answers CloudFormation (also when the handler throws: the
    // error's message becomes the reason) and calls the handler synchronously, for up to 15 min.
    const providerLogs = new logs.LogGroup(this, 'ProviderLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const providerRole = new iam.Role(this, 'ProviderRole', {
      description: `Runs the provider framework of ${functionName}: invokes it and answers CloudFormation.`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    providerRole.addToPolicy(writeLogs(providerLogs));
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.function,
      frameworkOnEventRole: providerRole,
      logGroup: providerLogs,
    });

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SchemaMigrations',
      properties: {
        ResourceArn: cluster.clusterArn,
        SecretArn: secret.secretArn,
        Database: props.databaseName,
        MigrationsHash: this.migrationsHash,
      },
    });
    // The whole cluster: its writer instance and the secret's attachment, not only the cluster
    // resource its ARN refers to (the Data API needs a running writer).
    this.resource.node.addDependency(cluster);

    for (const [scopeRole, group] of [
      [role, logGroup],
      [providerRole, providerLogs],
    ] as const) {
      acknowledge(
        scopeRole,
        'AwsSolutions-IAM5',
        'Log streams are created at run time inside this function’s own log group: <group ARN>:* names only them.',
        [resourceFinding(scopeRole, `${group.logGroupArn}:*`)],
      );
    }
    acknowledge(
      providerRole,
      'AwsSolutions-IAM5',
      'The provider framework invokes the migrations function through lambda:InvokeFunction, granted (by the CDK) on the function and <function ARN>:* , its versions and aliases; that names this one function only.',
      [resourceFinding(providerRole, `${this.function.functionArn}:*`)],
    );
    acknowledge(
      this.function,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x, the runtime the project targets and tests (DESIGN.md); moving to a newer runtime is a deliberate upgrade.',
    );
  }
}

function writeLogs(group: logs.ILogGroup): iam.PolicyStatement {
  // In place of the AWSLambdaBasicExecutionRole managed policy: this function's log group only.
  return new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [`${group.logGroupArn}:*`],
  });
}
