/**
 * Deploys the project to the local cloud from the same declarations the CDK app reads: the tables
 * of workflows/tables.ts, the application database, and every workflow's state machine with its
 * substitutions resolved to local resources. Idempotent: a restart finds what is there and
 * updates only what changed.
 */
import { readFileSync } from 'node:fs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import {
  CreateStateMachineCommand,
  DescribeStateMachineCommand,
  SFNClient,
  StateMachineDoesNotExist,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import {
  DATABASE_NAME,
  type Reference,
  resolveSubstitutions,
  stateMachineName,
  substituteDefinition,
  TABLES,
  type TableDeclaration,
  type TableId,
  WORKFLOWS,
  type Workflow,
} from '../workflows/index.ts';
import type { LocalCloud } from './cloud.ts';

export interface LocalDeployOptions {
  /** Prefix of table and state machine names, as the CDK app's `prefix` context. Default `wf`. */
  readonly prefix?: string;
  /** The sender address (the CDK app's `senderAddress`). Default `no-reply@example.com`. */
  readonly senderAddress?: string;
  /** Default: every workflow of workflows/index.ts. */
  readonly workflows?: readonly Workflow[];
}

export interface LocalDeployment {
  readonly tables: Readonly<Record<TableId, string>>;
  /** State machine ARN by workflow name. */
  readonly stateMachines: Readonly<Record<string, string>>;
  /** What each reference resolves to locally. */
  resolve(reference: Reference): string;
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
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${cloud.region}:${cloud.account}:${resource}`;
  const tables = Object.fromEntries(Object.keys(TABLES).map((id) => [id, `${prefix}-${id}`])) as Record<
    TableId,
    string
  >;
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
    }
  };

  const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
  const rdsData = new RDSDataClient(cloud.sdkConfig('RDS_DATA'));
  const sfn = new SFNClient(cloud.sdkConfig('SFN'));
  try {
    for (const [id, declaration] of Object.entries(TABLES) as [TableId, TableDeclaration][]) {
      await ensureTable(dynamodb, tables[id], declaration);
    }
    await ensureDatabase(rdsData, resolve);
    const stateMachines: Record<string, string> = {};
    for (const workflow of options.workflows ?? WORKFLOWS) {
      const name = stateMachineName(prefix, workflow);
      const definition = substituteDefinition(
        readFileSync(workflow.definitionPath, 'utf8'),
        resolveSubstitutions(workflow, resolve),
      );
      stateMachines[workflow.name] = await ensureStateMachine(sfn, arn('states', `stateMachine:${name}`), {
        name,
        definition,
        type: workflow.type,
        roleArn: `arn:aws:iam::${cloud.account}:role/${name}`,
      });
    }
    return { tables, stateMachines, resolve };
  } finally {
    dynamodb.destroy();
    rdsData.destroy();
    sfn.destroy();
  }
}

async function ensureTable(client: DynamoDBClient, name: string, table: TableDeclaration): Promise<void> {
  const exists = await client.send(new DescribeTableCommand({ TableName: name })).then(
    () => true,
    (error: unknown) => {
      if (error instanceof ResourceNotFoundException) return false;
      throw error;
    },
  );
  if (!exists) {
    const keys = [table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])];
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k.name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
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
