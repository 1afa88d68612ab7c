/**
 * Deploys the project to the local cloud from the same declarations the CDK app reads: the tables
 * of workflows/tables.ts, the application database and its migrations, the user pool, every
 * workflow's state machine with its substitutions resolved to local resources, the pipes of
 * pipe-started workflows and the schedules of schedule-started ones. Idempotent: a restart finds what is there and updates only what
 * changed. Companies (and the demo one) are registered by local/companies.ts.
 */
import { readFileSync } from 'node:fs';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { PipesClient } from '@aws-sdk/client-pipes';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { migrate } from '../db/migrate.ts';
import { functionName, TASKS, type Task } from '../tasks/index.ts';
import { clientSecretParameter } from '../tasks/shared/oauth/names.ts';
import {
  DATABASE_NAME,
  type KeyAttribute,
  oauthParameterPath,
  projectionValue,
  type Reference,
  resolveSubstitutions,
  SETTINGS,
  type SettingName,
  stateMachineName,
  substituteDefinition,
  TABLES,
  type TableDeclaration,
  type TableId,
  WORKFLOWS,
  type Workflow,
} from '../workflows/index.ts';
import { USER_POOL } from '../workflows/user-pool.ts';
import type { LocalCloud } from './cloud.ts';
import { ensurePipe } from './pipes/index.ts';
import { ensureSchedule } from './scheduler/index.ts';

export interface LocalDeployOptions {
  /** Prefix of table and state machine names, as the CDK app's `prefix` context. Default `wf`. */
  readonly prefix?: string;
  /** The sender address (the CDK app's `senderAddress`). Default `no-reply@example.com`. */
  readonly senderAddress?: string;
  /** The base URL of the local HTTP routes (the API Gateway stand-in). */
  readonly publicUrl?: string;
  /** Deployment settings; each defaults as in workflows/wiring.ts. */
  readonly settings?: Partial<Record<SettingName, string>>;
  /** Default: every workflow of workflows/index.ts. */
  readonly workflows?: readonly Workflow[];
  /** Default: every task of tasks/index.ts. */
  readonly tasks?: readonly Task[];
  /**
   * The OAuth client secret, stored as the SecureString `<oauth parameter path>/client-secret`
   * (on AWS an operator puts it there: README, OAuth onboarding).
   */
  readonly oauthClientSecret?: string;
}

export interface LocalDeployment {
  readonly tables: Readonly<Record<TableId, string>>;
  /** State machine ARN by workflow name. */
  readonly stateMachines: Readonly<Record<string, string>>;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** The names of the pipes deployed (one per streamed table of a `pipe`-started workflow). */
  readonly pipes: readonly string[];
  /** The schedules deployed (one per `schedule`-started workflow), with their expression and zone. */
  readonly schedules: readonly DeployedSchedule[];
  /** Each task's environment, resolved (the local cloud sets it for the in-process handlers). */
  readonly taskEnvironment: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** What each reference resolves to locally. */
  resolve(reference: Reference): string;
}

export interface DeployedSchedule {
  readonly name: string;
  readonly group: string;
  readonly expression: string;
  readonly timezone: string;
  readonly target: string;
}

export class LocalDeployError extends Error {
  override name = 'LocalDeployError';
}

export async function deployLocally(
  cloud: LocalCloud,
  options: LocalDeployOptions = {},
): Promise<LocalDeployment> {
  const prefix = options.prefix ?? 'wf';
  const sender = options.senderAddress ?? 'no-reply@example.com';
  const publicUrl = (options.publicUrl ?? 'http://127.0.0.1').replace(/\/$/, '');
  const workflows = options.workflows ?? WORKFLOWS;
  const tasks = options.tasks ?? TASKS;
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${cloud.region}:${cloud.account}:${resource}`;
  const tables = Object.fromEntries(Object.keys(TABLES).map((id) => [id, `${prefix}-${id}`])) as Record<
    TableId,
    string
  >;
  const machineArn = (workflow: string) =>
    arn('states', `stateMachine:${stateMachineName(prefix, { name: workflow })}`);

  const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
  const rdsData = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
  const sfn = new SFNClient(cloud.sdkConfig('SFN'));
  const cognito = new CognitoIdentityProviderClient(cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
  try {
    const pool = await ensureUserPool(cognito, prefix, tasks, (task) =>
      arn('lambda', `function:${functionName(prefix, task)}`),
    );
    const resolve = (reference: Reference): string => {
      switch (reference.kind) {
        case 'table-name':
          return tables[reference.table];
        case 'database-cluster-arn':
          return arn('rds', `cluster:${prefix}-database`);
        case 'database-secret-arn':
          // The local RDS Data API serves every request from its one server; the ARN only has to be well formed.
          return arn('secretsmanager', `secret:${prefix}-database-local`);
        case 'database-name':
          return DATABASE_NAME;
        case 'sender-address':
          return sender;
        case 'sender-identity-arn':
          return arn('ses', `identity/${sender}`);
        case 'user-pool-id':
          return pool.userPoolId;
        case 'user-pool-client-id':
          return pool.clientId;
        case 'state-machine-arn':
          if (!workflows.some((w) => w.name === reference.workflow)) {
            throw new LocalDeployError(
              `A reference names workflow '${reference.workflow}', which is not deployed.`,
            );
          }
          return machineArn(reference.workflow);
        case 'function-arn':
          if (!tasks.some((t) => t.name === reference.task)) {
            throw new LocalDeployError(`A reference names task '${reference.task}', which is not deployed.`);
          }
          return arn('lambda', `function:${functionName(prefix, { name: reference.task })}`);
        case 'oauth-parameter-path':
          return oauthParameterPath(prefix);
        case 'public-url':
          return publicUrl;
        case 'setting':
          return options.settings?.[reference.name] ?? SETTINGS[reference.name];
        case 'projection':
          return projectionValue(reference);
      }
    };

    for (const [id, declaration] of Object.entries(TABLES) as [TableId, TableDeclaration][]) {
      await ensureTable(dynamodb, tables[id], declaration);
    }
    await ensureDatabase(rdsData, resolve);
    if (options.oauthClientSecret) {
      // Overwritten each start: the sandbox keeps its secret in its data directory, the source of truth.
      await new SSMClient(cloud.sdkConfig('SSM')).send(
        new PutParameterCommand({
          Name: clientSecretParameter(oauthParameterPath(prefix)),
          Value: options.oauthClientSecret,
          Type: 'SecureString',
          Overwrite: true,
          Description: "The OAuth provider's client secret for this app (the local sandbox's).",
        }),
      );
    }
    // The schema the projections need, as the deployment on AWS applies it (db/migrate.ts).
    await migrate(rdsData, {
      resourceArn: resolve({ kind: 'database-cluster-arn' }),
      secretArn: resolve({ kind: 'database-secret-arn' }),
      database: DATABASE_NAME,
    });
    const stateMachines: Record<string, string> = {};
    for (const workflow of workflows) {
      const name = stateMachineName(prefix, workflow);
      const definition = substituteDefinition(
        readFileSync(workflow.definitionPath, 'utf8'),
        resolveSubstitutions(workflow, resolve),
      );
      stateMachines[workflow.name] = await ensureStateMachine(sfn, machineArn(workflow.name), {
        name,
        definition,
        type: workflow.type,
        roleArn: `arn:aws:iam::${cloud.account}:role/${name}`,
      });
    }
    const pipes: string[] = [];
    for (const workflow of workflows) {
      if (workflow.startedBy.kind !== 'pipe') continue;
      pipes.push(
        ...(await deployPipes(cloud, dynamodb, {
          prefix,
          workflow: workflow.name,
          trigger: workflow.startedBy,
          tables,
          target: stateMachines[workflow.name] ?? machineArn(workflow.name),
        })),
      );
    }
    const schedules: DeployedSchedule[] = [];
    for (const workflow of workflows) {
      if (workflow.startedBy.kind !== 'schedule') continue;
      schedules.push(
        await deploySchedule(cloud, {
          prefix,
          workflow: workflow.name,
          trigger: workflow.startedBy,
          target: stateMachines[workflow.name] ?? machineArn(workflow.name),
        }),
      );
    }
    const taskEnvironment = Object.fromEntries(
      tasks.map((task) => [
        functionName(prefix, task),
        Object.fromEntries(
          Object.entries(task.environment).map(([key, reference]) => [key, resolve(reference)]),
        ),
      ]),
    );
    return {
      tables,
      stateMachines,
      userPoolId: pool.userPoolId,
      userPoolClientId: pool.clientId,
      pipes,
      schedules,
      taskEnvironment,
      resolve,
    };
  } finally {
    dynamodb.destroy();
    rdsData.destroy();
    sfn.destroy();
    cognito.destroy();
  }
}

/**
 * The user pool as declared in workflows/user-pool.ts, which the CDK app reads too: email is the
 * user name, case-insensitive; `custom:company_name` immutable, with its length limits; the
 * password policy; no automatic verification (nobody confirms themselves: an admin approves);
 * the tasks' triggers. And the web app client: USER_PASSWORD_AUTH and refresh, writing only its
 * WriteAttributes, no OAuth flows. User names, their case and the schema cannot change once a
 * pool exists, so an existing pool that differs is refused with the fix; what UpdateUserPool and
 * UpdateUserPoolClient may change is set again in full, since on AWS they reset what they are
 * not given.
 */
async function ensureUserPool(
  client: CognitoIdentityProviderClient,
  prefix: string,
  tasks: readonly Task[],
  functionArn: (task: Task) => string,
): Promise<{ userPoolId: string; clientId: string }> {
  const poolName = `${prefix}-users`;
  const { passwordPolicy: policy, customAttributes, client: web } = USER_POOL;
  const updatable = {
    LambdaConfig: Object.fromEntries(
      tasks.flatMap((task) => (task.cognitoTrigger ? [[task.cognitoTrigger, functionArn(task)]] : [])),
    ),
    AutoVerifiedAttributes: [...USER_POOL.autoVerifiedAttributes],
    Policies: {
      PasswordPolicy: {
        MinimumLength: policy.minimumLength,
        RequireLowercase: policy.requireLowercase,
        RequireUppercase: policy.requireUppercase,
        RequireNumbers: policy.requireNumbers,
        RequireSymbols: policy.requireSymbols,
        TemporaryPasswordValidityDays: policy.temporaryPasswordValidityDays,
      },
    },
  };
  const schema = Object.entries(customAttributes).map(([name, attribute]) => ({
    Name: name,
    AttributeDataType: attribute.type,
    Mutable: attribute.mutable,
    StringAttributeConstraints: {
      MinLength: String(attribute.minLength),
      MaxLength: String(attribute.maxLength),
    },
  }));
  const pools = await client.send(new ListUserPoolsCommand({ MaxResults: 60 }));
  let userPoolId = pools.UserPools?.find((p) => p.Name === poolName)?.Id;
  if (userPoolId === undefined) {
    const created = await client.send(
      new CreateUserPoolCommand({
        PoolName: poolName,
        UsernameAttributes: [...USER_POOL.usernameAttributes],
        UsernameConfiguration: { CaseSensitive: USER_POOL.caseSensitive },
        Schema: schema,
        ...updatable,
      }),
    );
    userPoolId = created.UserPool?.Id;
    if (!userPoolId) throw new LocalDeployError(`CreateUserPool ${poolName} answered without an id.`);
  } else {
    const { UserPool: current } = await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    const differences = [
      ...((current?.UsernameConfiguration?.CaseSensitive ?? true) === USER_POOL.caseSensitive
        ? []
        : [`user names ${USER_POOL.caseSensitive ? 'not ' : ''}case-sensitive`]),
      ...(`${current?.UsernameAttributes ?? []}` === `${USER_POOL.usernameAttributes}`
        ? []
        : [`UsernameAttributes ${JSON.stringify(current?.UsernameAttributes ?? [])}`]),
      ...schema.flatMap((declared) => {
        const found = current?.SchemaAttributes?.find((a) => a.Name === `custom:${declared.Name}`);
        return found?.Mutable === declared.Mutable
          ? []
          : [`custom:${declared.Name} ${found ? `Mutable ${found.Mutable}` : 'missing'}`];
      }),
    ];
    if (differences.length > 0) {
      throw new LocalDeployError(
        `User pool ${poolName} exists locally with ${differences.join(', ')}, unlike workflows/user-pool.ts, and a user pool cannot change that once created. Start with empty data (wf up --fresh) or delete the pool (aws cognito-idp delete-user-pool --user-pool-id ${userPoolId}).`,
      );
    }
    await client.send(new UpdateUserPoolCommand({ UserPoolId: userPoolId, ...updatable }));
  }
  const clientName = `${prefix}-web`;
  const settings = {
    ExplicitAuthFlows: [...web.explicitAuthFlows],
    WriteAttributes: [...web.writeAttributes],
    AllowedOAuthFlowsUserPoolClient: false,
    IdTokenValidity: web.idTokenValidityMinutes,
    TokenValidityUnits: { IdToken: 'minutes' as const },
  };
  const clients = await client.send(
    new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
  );
  let clientId = clients.UserPoolClients?.find((c) => c.ClientName === clientName)?.ClientId;
  if (clientId === undefined) {
    const created = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: clientName,
        GenerateSecret: false,
        ...settings,
      }),
    );
    clientId = created.UserPoolClient?.ClientId;
    if (!clientId) throw new LocalDeployError(`CreateUserPoolClient ${clientName} answered without an id.`);
  } else {
    await client.send(
      new UpdateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientId: clientId,
        ClientName: clientName,
        ...settings,
      }),
    );
  }
  return { userPoolId, clientId };
}

type PipeTrigger = Extract<Workflow['startedBy'], { kind: 'pipe' }>;

/**
 * A workflow started by pipes, as the CDK app deploys it: its dead-letter queue, and one pipe per
 * table from the table's stream (from the oldest record still there), batches as declared,
 * bounded retries, bisecting on partial failure, REQUEST_RESPONSE to the Express machine.
 */
async function deployPipes(
  cloud: LocalCloud,
  dynamodb: DynamoDBClient,
  spec: {
    prefix: string;
    workflow: string;
    trigger: PipeTrigger;
    tables: Readonly<Record<TableId, string>>;
    target: string;
  },
): Promise<string[]> {
  const sqs = new SQSClient(cloud.sdkConfig('SQS'));
  const pipes = new PipesClient(cloud.sdkConfig('PIPES'));
  try {
    const queueName = `${spec.prefix}-${spec.workflow}-dlq`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: queueName, Attributes: { MessageRetentionPeriod: '1209600' } }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const names: string[] = [];
    for (const table of spec.trigger.tables) {
      const described = await dynamodb.send(new DescribeTableCommand({ TableName: spec.tables[table] }));
      const streamArn = described.Table?.LatestStreamArn;
      if (!streamArn) {
        throw new LocalDeployError(
          `Workflow '${spec.workflow}' is started by a pipe from table '${table}', which has no stream: set stream: true for it in workflows/tables.ts.`,
        );
      }
      const name = `${spec.prefix}-${spec.workflow}-${table}`;
      await ensurePipe(pipes, {
        Name: name,
        Description: `The ${table} table's stream to ${spec.workflow}.`,
        RoleArn: `arn:aws:iam::${cloud.account}:role/${name}`,
        Source: streamArn,
        SourceParameters: {
          DynamoDBStreamParameters: {
            StartingPosition: 'TRIM_HORIZON',
            BatchSize: spec.trigger.batchSize,
            MaximumBatchingWindowInSeconds: spec.trigger.batchingWindowSeconds,
            MaximumRetryAttempts: spec.trigger.maximumRetryAttempts,
            MaximumRecordAgeInSeconds: spec.trigger.maximumRecordAgeSeconds,
            OnPartialBatchItemFailure: 'AUTOMATIC_BISECT',
            DeadLetterConfig: { Arn: Attributes?.QueueArn },
          },
        },
        Target: spec.target,
        TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: 'REQUEST_RESPONSE' } },
      });
      names.push(name);
    }
    return names;
  } finally {
    sqs.destroy();
    pipes.destroy();
  }
}

type ScheduleTrigger = Extract<Workflow['startedBy'], { kind: 'schedule' }>;

/**
 * A workflow started by a schedule, as the CDK app deploys it: its dead-letter queue
 * (`<prefix>-<workflow>-schedule-dlq`) and the schedule `<prefix>-<workflow>` in a schedule group
 * of the same name (as constructs/workflow-schedule.ts: Scheduler's metrics are per group), the templated StartExecution target (the state machine's ARN, the declared input with
 * its context attributes), the declared time zone, flexible window and retry policy. Updated in
 * full when the declaration changed.
 */
async function deploySchedule(
  cloud: LocalCloud,
  spec: { prefix: string; workflow: string; trigger: ScheduleTrigger; target: string },
): Promise<DeployedSchedule> {
  const sqs = new SQSClient(cloud.sdkConfig('SQS'));
  const scheduler = new SchedulerClient(cloud.sdkConfig('SCHEDULER'));
  try {
    const name = `${spec.prefix}-${spec.workflow}`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${name}-schedule-dlq`,
        Attributes: { MessageRetentionPeriod: '1209600' },
      }),
    );
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const { trigger } = spec;
    await scheduler.send(new CreateScheduleGroupCommand({ Name: name })).catch((error: unknown) => {
      if ((error as { name?: unknown }).name !== 'ConflictException') throw error;
    });
    await ensureSchedule(scheduler, {
      Name: name,
      GroupName: name,
      Description: `Starts ${spec.workflow} on its schedule.`,
      ScheduleExpression: trigger.expression,
      ScheduleExpressionTimezone: trigger.timezone,
      FlexibleTimeWindow:
        trigger.flexibleWindowMinutes > 0
          ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: trigger.flexibleWindowMinutes }
          : { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: spec.target,
        RoleArn: `arn:aws:iam::${cloud.account}:role/${name}-scheduler`,
        Input: JSON.stringify(trigger.input),
        RetryPolicy: {
          MaximumRetryAttempts: trigger.maximumRetryAttempts,
          MaximumEventAgeInSeconds: trigger.maximumEventAgeSeconds,
        },
        ...(Attributes?.QueueArn ? { DeadLetterConfig: { Arn: Attributes.QueueArn } } : {}),
      },
    });
    // A data directory deployed before schedules had their own group: that one would fire too.
    await scheduler
      .send(new DeleteScheduleCommand({ Name: name, GroupName: 'default' }))
      .catch((error: unknown) => {
        if ((error as { name?: unknown }).name !== 'ResourceNotFoundException') throw error;
      });
    return {
      name,
      group: name,
      expression: trigger.expression,
      timezone: trigger.timezone,
      target: spec.target,
    };
  } finally {
    sqs.destroy();
    scheduler.destroy();
  }
}

async function ensureTable(client: DynamoDBClient, name: string, table: TableDeclaration): Promise<void> {
  const described = await client.send(new DescribeTableCommand({ TableName: name })).then(
    (out) => out.Table,
    (error: unknown) => {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw error;
    },
  );
  const missing = (table.indexes ?? []).filter(
    (index) => !described?.GlobalSecondaryIndexes?.some((i) => i.IndexName === index.name),
  );
  if (described && missing.length > 0) {
    throw new LocalDeployError(
      `Table ${name} exists locally without its index ${missing.map((i) => i.name).join(', ')} (declared since it was created). Start with empty data (wf up --fresh) or delete the table (aws dynamodb delete-table --table-name ${name}).`,
    );
  }
  if (!described) {
    const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
    const indexes = table.indexes ?? [];
    const attributes = new Map(
      [...keys, ...indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])].map((k) => [
        k.name,
        k.type,
      ]),
    );
    const keySchema = (k: readonly KeyAttribute[]) =>
      k.map((a, i) => ({ AttributeName: a.name, KeyType: i === 0 ? ('HASH' as const) : ('RANGE' as const) }));
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
          AttributeName,
          AttributeType,
        })),
        KeySchema: keySchema(keys),
        ...(indexes.length > 0
          ? {
              GlobalSecondaryIndexes: indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema([index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])]),
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
        ...(table.stream
          ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
          : {}),
      }),
    );
  }
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { Enabled: true, AttributeName: table.timeToLiveAttribute },
      }),
    );
  }
}

/** Aurora creates the application database with the cluster; the local server gets it here. */
async function ensureDatabase(
  client: RDSDataClient,
  resolve: (reference: Reference) => string,
): Promise<void> {
  const target = {
    resourceArn: resolve({ kind: 'database-cluster-arn' }),
    secretArn: resolve({ kind: 'database-secret-arn' }),
    database: 'postgres',
  };
  const found = await client.send(
    new ExecuteStatementCommand({
      ...target,
      sql: 'SELECT 1 FROM pg_database WHERE datname = :name',
      parameters: [{ name: 'name', value: { stringValue: DATABASE_NAME } }],
    }),
  );
  if ((found.records ?? []).length === 0) {
    await client.send(new ExecuteStatementCommand({ ...target, sql: `CREATE DATABASE "${DATABASE_NAME}"` }));
  }
}

interface MachineSpec {
  readonly name: string;
  readonly definition: string;
  readonly type: 'STANDARD' | 'EXPRESS';
  readonly roleArn: string;
}

async function ensureStateMachine(client: SFNClient, arn: string, spec: MachineSpec): Promise<string> {
  const current = await client
    .send(new DescribeStateMachineCommand({ stateMachineArn: arn }))
    .catch((error: unknown) => {
      if (error instanceof StateMachineDoesNotExist) return undefined;
      throw error;
    });
  if (current === undefined) {
    const created = await client.send(new CreateStateMachineCommand(spec));
    return created.stateMachineArn ?? arn;
  }
  if (current.type !== spec.type) {
    throw new LocalDeployError(
      `State machine ${spec.name} exists locally as ${current.type} but its workflow now declares ${spec.type}; a state machine's type cannot change. Start with empty data (wf up --fresh) or delete it (aws stepfunctions delete-state-machine).`,
    );
  }
  if (current.definition !== spec.definition) {
    await client.send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition: spec.definition }));
  }
  return arn;
}
