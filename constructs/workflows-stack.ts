/**
 * The state machines of workflows/, each from its declaration: its definition file, its
 * substitutions resolved to the data stack's resources, and what starts it.
 */
import { Arn, ArnFormat, Stack, type StackProps } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import {
  type Reference,
  resolveSubstitutions,
  stateMachineName,
  WORKFLOWS,
  type Workflow,
} from '../workflows/index.ts';
import type { DataStack } from './data-stack.ts';
import { ConstructsError } from './errors.ts';
import { JsonataStateMachine } from './jsonata-state-machine.ts';

export interface WorkflowsStackProps extends StackProps {
  readonly prefix: string;
  readonly data: DataStack;
  /** Default: every workflow of workflows/index.ts. */
  readonly workflows?: readonly Workflow[];
}

export class WorkflowsStack extends Stack {
  /** One per workflow, by workflow name. */
  readonly machines: ReadonlyMap<string, JsonataStateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    // One key for the execution data of every state machine here; each role may use it only for
    // its own machine's data (encryption context), so one key costs less than one per machine.
    const executionKey = new kms.Key(this, 'ExecutionKey', {
      description: 'Encrypts the state machines’ definitions and execution data.',
      enableKeyRotation: true,
    });
    const machines = new Map<string, JsonataStateMachine>();
    for (const workflow of props.workflows ?? WORKFLOWS) {
      machines.set(
        workflow.name,
        new JsonataStateMachine(this, pascal(workflow.name), {
          workflow,
          stateMachineName: stateMachineName(props.prefix, workflow),
          substitutions: resolveSubstitutions(workflow, (reference) => resolveChecked(reference, props.data)),
          executionKey,
          dataKey: props.data.dataKey,
        }),
      );
    }
    this.machines = machines;
  }
}

/**
 * The IAM derivation reads an ARN only if it starts with `arn:`; an ARN-valued reference that
 * resolves to an opaque token would be misread as a name and scoped to the wrong resource.
 */
function resolveChecked(reference: Reference, data: DataStack): string {
  const value = resolve(reference, data);
  if (reference.kind.endsWith('-arn') && !value.startsWith('arn:')) {
    throw new ConstructsError(
      `Reference '${reference.kind}' resolved to '${value}', which does not start with 'arn:': build it with Stack.formatArn so the IAM derivation can scope to it.`,
    );
  }
  return value;
}

/** A reference as the deployed resource's token. */
export function resolve(reference: Reference, data: DataStack): string {
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
  }
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
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
