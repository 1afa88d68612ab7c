/**
 * The processes: every workflow of workflows/ as a JsonataStateMachine, every task of tasks/ as
 * a Lambda function, the user pool with the tasks' triggers, the HTTP API with the tasks'
 * routes, the pipes of the workflows started by pipes (StreamPipes), and the schedules of those
 * started by a schedule (WorkflowSchedule). Each substitution and
 * each task environment variable is a reference resolved here to the deployed resource, exactly
 * as the local cloud resolves it to the local one.
 */
import { Arn, ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { functionName, TASKS, type Task } from '../tasks/index.ts';
import {
  oauthParameterPath,
  projectionValue,
  type Reference,
  resolveSubstitutions,
  SETTINGS,
  type SettingName,
  stateMachineName,
  WORKFLOWS,
  type Workflow,
} from '../workflows/index.ts';
import type { DataStack } from './data-stack.ts';
import { ConstructsError } from './errors.ts';
import { PublicHttpApi } from './http-api.ts';
import { Identity } from './identity.ts';
import { JsonataStateMachine } from './jsonata-state-machine.ts';
import { acknowledge, resourceFinding } from './nag.ts';
import { keyUseVia } from './private/role-policy.ts';
import {
  grantOAuthParameters,
  grantTableActions,
  oauthParameterArns,
  TOKEN_PARAMETERS_REASON,
} from './private/task-access.ts';
import { StreamPipes } from './stream-pipe.ts';
import { TaskFunction } from './task-function.ts';
import { WorkflowSchedule } from './workflow-schedule.ts';

export interface WorkflowsStackProps extends StackProps {
  readonly prefix: string;
  readonly data: DataStack;
  /** Keep the user pool when the stack is deleted, and protect it from deletion. */
  readonly retainData?: boolean;
  readonly settings?: Partial<Record<SettingName, string>>;
  /** Default: every workflow of workflows/index.ts. */
  readonly workflows?: readonly Workflow[];
  /** Default: every task of tasks/index.ts. */
  readonly tasks?: readonly Task[];
}

export class WorkflowsStack extends Stack {
  /** One per workflow, by workflow name. */
  readonly machines: ReadonlyMap<string, JsonataStateMachine>;
  /** One per task, by task name. */
  readonly functions: ReadonlyMap<string, TaskFunction>;
  /** The pipes, dead-letter queue and alarms of each workflow started by pipes, by workflow name. */
  readonly pipes: ReadonlyMap<string, StreamPipes>;
  /** The schedule, dead-letter queue and alarms of each workflow started by a schedule, by workflow name. */
  readonly schedules: ReadonlyMap<string, WorkflowSchedule>;
  readonly identity: Identity;
  readonly http: PublicHttpApi;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    const { prefix, data } = props;
    const workflows = props.workflows ?? WORKFLOWS;
    const tasks = props.tasks ?? TASKS;

    this.identity = new Identity(this, 'Identity', {
      userPoolName: `${prefix}-users`,
      retain: props.retainData ?? true,
    });
    this.http = new PublicHttpApi(this, 'Http', {
      apiName: `${prefix}-http`,
      userPool: this.identity.userPool,
      client: this.identity.client,
    });
    this.context = { prefix, data, workflows, tasks, settings: props.settings ?? {} };
    const resolve = (reference: Reference): string => {
      const value = this.referenceValue(reference);
      // The IAM derivation reads an ARN only if it starts with `arn:`; an ARN-valued reference
      // that were an opaque token would be misread as a name and scoped to the wrong resource.
      if (reference.kind.endsWith('-arn') && !value.startsWith('arn:')) {
        throw new ConstructsError(
          `Reference '${reference.kind}' resolved to '${value}', which does not start with 'arn:': build it with Stack.formatArn so the IAM derivation can scope to it.`,
        );
      }
      return value;
    };

    const oauthParameters = oauthParameterArns(this, prefix);
    const functions = new Map<string, TaskFunction>();
    for (const task of tasks) {
      const fn = new TaskFunction(this, `${pascal(task.name)}Task`, {
        task,
        functionName: functionName(prefix, task),
        environment: {
          ...Object.fromEntries(Object.entries(task.environment).map(([key, r]) => [key, resolve(r)])),
          // The token store encrypts the SecureString parameters it writes with the data key.
          ...(task.oauthParameters?.includes('write-tokens')
            ? { OAUTH_KMS_KEY_ID: data.dataKey.keyArn }
            : {}),
        },
      });
      functions.set(task.name, fn);
      if (task.cognitoTrigger) this.identity.addTrigger(task.cognitoTrigger, fn.function);
      for (const route of task.routes ?? []) {
        this.http.addRoute(route, fn.function, `${pascal(task.name)}${route.method}${pascal(route.path)}`);
      }
      for (const read of task.readsItems ?? []) grantGetItem(fn.function, data, read.table, read.attributes);
      for (const table of task.updatesTables ?? []) grantUpdateItem(fn.function, data, table);
      for (const { table, actions } of task.tableAccess ?? []) {
        grantTableActions(fn.function, data.tables[table].tableArn, actions, data.dataKey);
      }
      const wildcards = grantOAuthParameters(
        fn.function,
        task.oauthParameters ?? [],
        oauthParameters,
        data.dataKey,
      );
      if (fn.function.role && wildcards.length > 0) {
        acknowledge(
          fn.function.role,
          'AwsSolutions-IAM5',
          TOKEN_PARAMETERS_REASON,
          wildcards.map((arn) => resourceFinding(this, arn)),
        );
      }
    }
    this.functions = functions;

    // One key for the execution data of every state machine here; each role may use it only for
    // its own machine's data (encryption context), so one key costs less than one per machine.
    // The pipes' dead-letter queues and logs (pointers to, and records of, the batches the
    // machines failed on) use it too, each through its own service and resource.
    const executionKey = new kms.Key(this, 'ExecutionKey', {
      description:
        'Encrypts the state machines’ definitions and execution data, the pipes’ dead-letter queues and logs, and the schedules’ dead-letter queues.',
      enableKeyRotation: true,
    });
    const machines = new Map<string, JsonataStateMachine>();
    const pipes = new Map<string, StreamPipes>();
    const schedules = new Map<string, WorkflowSchedule>();
    for (const workflow of workflows) {
      const trigger = workflow.startedBy;
      // An operator inspects a failed batch of a pipe-started workflow from its log: execution
      // data (stream records of the metadata tables, not sensitive), kept one week.
      const pipeStarted = trigger.kind === 'pipe';
      const machine = new JsonataStateMachine(this, pascal(workflow.name), {
        workflow,
        stateMachineName: stateMachineName(prefix, workflow),
        substitutions: resolveSubstitutions(workflow, resolve),
        executionKey,
        dataKey: data.dataKey,
        // The only SSM parameters a workflow names at run time are connections' tokens (the
        // disconnect deletes them by the names the connections task computed).
        runTimeResources: [
          {
            actions: ['ssm:DeleteParameters'],
            resources: [oauthParameters.tokens],
            reason: TOKEN_PARAMETERS_REASON,
          },
        ],
        ...(pipeStarted ? { logExecutionData: true, logRetention: logs.RetentionDays.ONE_WEEK } : {}),
      });
      machines.set(workflow.name, machine);
      if (trigger.kind === 'pipe') {
        pipes.set(
          workflow.name,
          new StreamPipes(this, `${pascal(workflow.name)}Pipes`, {
            prefix,
            workflow,
            machine,
            tables: data.tables,
            dataKey: data.dataKey,
            key: executionKey,
          }),
        );
      }
      if (trigger.kind === 'schedule') {
        schedules.set(
          workflow.name,
          new WorkflowSchedule(this, `${pascal(workflow.name)}Schedule`, {
            prefix,
            workflow,
            machine,
            key: executionKey,
          }),
        );
      }
      if (trigger.kind === 'task') {
        for (const starter of [trigger.task, ...(trigger.alsoTasks ?? [])]) {
          const fn = functions.get(starter);
          if (!fn) {
            throw new ConstructsError(
              `Workflow '${workflow.name}' is started by task '${starter}', which is not deployed: add it to tasks/index.ts.`,
            );
          }
          if (trigger.sync) machine.grantStartSyncExecution(fn.function);
          else machine.grantStartExecution(fn.function);
        }
      }
    }
    for (const workflow of workflows) {
      for (const resumed of workflow.resumes ?? []) {
        const target = machines.get(resumed);
        const resumer = machines.get(workflow.name);
        if (!target || !resumer) {
          throw new ConstructsError(
            `Workflow '${workflow.name}' resumes '${resumed}', which is not deployed.`,
          );
        }
        // The derived policy already has the SendTask* actions the resumer's definition uses.
        target.grantTaskResponseKey(resumer.role);
      }
    }
    this.machines = machines;
    this.pipes = pipes;
    this.schedules = schedules;
  }

  private readonly context: {
    readonly prefix: string;
    readonly data: DataStack;
    readonly workflows: readonly Workflow[];
    readonly tasks: readonly Task[];
    readonly settings: Partial<Record<SettingName, string>>;
  };

  /** What a reference resolves to in this deployment (a token of the deployed resource). */
  referenceValue(reference: Reference): string {
    const { context } = this;
    const { data } = context;
    switch (reference.kind) {
      case 'table-name':
        return data.tables[reference.table].tableName;
      case 'database-cluster-arn':
        return data.cluster.clusterArn;
      case 'database-secret-arn':
        return secretArn(data);
      case 'database-name':
        return data.databaseName;
      case 'sender-address':
        return data.senderAddress;
      case 'sender-identity-arn':
        return data.senderIdentityArn;
      case 'user-pool-id':
        return this.identity.userPool.userPoolId;
      case 'user-pool-client-id':
        return this.identity.client.userPoolClientId;
      case 'state-machine-arn': {
        const target = context.workflows.find((w) => w.name === reference.workflow);
        if (!target) {
          throw new ConstructsError(
            `A reference names workflow '${reference.workflow}', which is not deployed.`,
          );
        }
        // By name, so a function and the machine it starts need not be created in order.
        return this.formatArn({
          service: 'states',
          resource: 'stateMachine',
          resourceName: stateMachineName(context.prefix, target),
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
      }
      case 'function-arn': {
        if (!context.tasks.some((t) => t.name === reference.task)) {
          throw new ConstructsError(`A reference names task '${reference.task}', which is not deployed.`);
        }
        return this.formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: functionName(context.prefix, { name: reference.task }),
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        });
      }
      case 'oauth-parameter-path':
        return oauthParameterPath(context.prefix);
      case 'public-url':
        return this.http.url;
      case 'setting':
        return context.settings[reference.name] ?? SETTINGS[reference.name];
      case 'projection':
        return projectionValue(reference);
    }
  }
}

/**
 * GetItem on one table for the named attributes only (`dynamodb:Attributes`: a read that asks for
 * any other attribute, or for all of them, is denied), and decrypting through DynamoDB only.
 */
function grantGetItem(
  grantee: iam.IGrantable,
  data: DataStack,
  table: keyof DataStack['tables'],
  attributes: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['dynamodb:GetItem'],
      resources: [data.tables[table].tableArn],
      conditions: {
        'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...attributes] },
        StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
      },
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(keyUseVia(data.dataKey, ['kms:Decrypt'], 'dynamodb'));
}

/** GetItem and UpdateItem on one table, with the data key through DynamoDB only. */
function grantUpdateItem(grantee: iam.IGrantable, data: DataStack, table: keyof DataStack['tables']): void {
  data.tables[table].grant(grantee, 'dynamodb:GetItem', 'dynamodb:UpdateItem');
  grantee.grantPrincipal.addToPrincipalPolicy(
    keyUseVia(
      data.dataKey,
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'],
      'dynamodb',
    ),
  );
}

/**
 * The secret's ARN, spelled so that it visibly starts with `arn:` (the IAM derivation then keeps
 * it as the ARN it is, instead of reading an opaque token as a secret name). The name part keeps
 * Secrets Manager's random suffix, taken from the real ARN.
 */
function secretArn(data: DataStack): string {
  const { resourceName } = Arn.split(data.databaseSecret.secretArn, ArnFormat.COLON_RESOURCE_NAME);
  return data.formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function pascal(name: string): string {
  return name
    .replace(/(^|[-/{}])([a-z0-9])/g, (_, __, c: string) => c.toUpperCase())
    .replace(/[^A-Za-z0-9]/g, '');
}
