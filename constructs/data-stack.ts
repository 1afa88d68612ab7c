/**
 * The data the processes share: the DynamoDB tables of workflows/tables.ts, Aurora PostgreSQL
 * Serverless v2 with the RDS Data API and its schema (the migrations, applied at deploy time), the
 * SES sender identity, and one customer-managed key that encrypts all of it.
 */
import { ArnFormat, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { DATABASE_NAME, TABLES, type TableDeclaration, type TableId } from '../workflows/index.ts';
import { ConstructsError } from './errors.ts';
import { SchemaMigrations } from './migrations.ts';
import { acknowledge } from './nag.ts';

export interface DataStackProps extends StackProps {
  readonly senderAddress: string;
  /** Keep tables, database and key when the stack is deleted, and protect them from deletion. */
  readonly retainData: boolean;
}

export class DataStack extends Stack {
  readonly dataKey: kms.Key;
  readonly tables: Readonly<Record<TableId, dynamodb.Table>>;
  readonly cluster: rds.DatabaseCluster;
  readonly databaseSecret: secretsmanager.ISecret;
  readonly databaseName = DATABASE_NAME;
  /** Applies db/migrations on every deployment that changes them; the workflows stack deploys after. */
  readonly migrations: SchemaMigrations;
  readonly senderAddress: string;
  readonly senderIdentityArn: string;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const removalPolicy = props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Encrypts the tables, the database and its secret.',
      enableKeyRotation: true,
      removalPolicy,
    });

    const tables = {} as Record<TableId, dynamodb.Table>;
    for (const [tableId, declaration] of Object.entries(TABLES) as [TableId, TableDeclaration][]) {
      tables[tableId] = this.table(tableId, declaration, props.retainData, removalPolicy);
    }
    this.tables = tables;

    const database = this.database(props.retainData, removalPolicy);
    this.cluster = database.cluster;
    this.databaseSecret = database.secret;
    this.migrations = new SchemaMigrations(this, 'SchemaMigrations', {
      cluster: this.cluster,
      secret: this.databaseSecret,
      databaseName: DATABASE_NAME,
      secretKey: this.dataKey,
      functionName: `${this.stackName}-schema-migrations`,
    });

    this.senderAddress = props.senderAddress;
    new ses.EmailIdentity(this, 'Sender', { identity: ses.Identity.email(props.senderAddress) });
    this.senderIdentityArn = this.formatArn({
      service: 'ses',
      resource: 'identity',
      resourceName: props.senderAddress,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  }

  private table(
    tableId: TableId,
    declaration: TableDeclaration,
    retain: boolean,
    removalPolicy: RemovalPolicy,
  ): dynamodb.Table {
    const key = (k: { name: string; type: 'S' | 'N' }): dynamodb.Attribute => ({
      name: k.name,
      type: k.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
    });
    const logicalId = `${tableId.charAt(0).toUpperCase()}${tableId.slice(1)}Table`;
    const table = new dynamodb.Table(this, logicalId, {
      partitionKey: key(declaration.partitionKey),
      ...(declaration.sortKey ? { sortKey: key(declaration.sortKey) } : {}),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      timeToLiveAttribute: declaration.timeToLiveAttribute,
      ...(declaration.stream ? { stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES } : {}),
      deletionProtection: retain,
      removalPolicy,
    });
    for (const index of declaration.indexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  /**
   * Aurora PostgreSQL Serverless v2, reached only through the RDS Data API: the VPC has isolated
   * subnets only (no NAT gateway to pay for), and the writer scales to 0 ACUs when idle.
   */
  private database(retain: boolean, removalPolicy: RemovalPolicy) {
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'VpcFlowLogs', {
              retention: logs.RetentionDays.ONE_MONTH,
              removalPolicy,
            }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    // The log group RDS would create itself keeps logs forever; created here with the export's
    // name, it has a retention without the CDK's log-retention Lambda.
    const clusterIdentifier = `${this.stackName}-database`.toLowerCase();
    const postgresLogs = new logs.LogGroup(this, 'DatabaseLogs', {
      logGroupName: `/aws/rds/cluster/${clusterIdentifier}/postgresql`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const cluster = new rds.DatabaseCluster(this, 'Database', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: 0,
      serverlessV2MaxCapacity: 4,
      enableDataApi: true,
      defaultDatabaseName: DATABASE_NAME,
      credentials: rds.Credentials.fromGeneratedSecret('postgres', { encryptionKey: this.dataKey }),
      storageEncrypted: true,
      storageEncryptionKey: this.dataKey,
      iamAuthentication: true,
      // A non-default port: AwsSolutions-RDS11. Nothing connects over the network but the Data API.
      port: 5439,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      backup: { retention: Duration.days(7) },
      clusterIdentifier,
      cloudwatchLogsExports: ['postgresql'],
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
    });
    cluster.node.addDependency(postgresLogs);
    const secret = cluster.secret;
    if (secret === undefined)
      throw new ConstructsError('The database cluster has no secret although one was generated.');
    acknowledge(
      // The generated secret itself; cluster.secret is its attachment to the cluster.
      cluster.node.findChild('Secret'),
      'AwsSolutions-SMG4',
      'Rotation needs a rotation Lambda with network access to the cluster and to Secrets Manager (a VPC endpoint); the cluster is reached only through the Data API, which reads the secret on every call, so rotating it is a later, separate choice (cluster.addRotationSingleUser).',
    );
    return { cluster, secret };
  }
}
