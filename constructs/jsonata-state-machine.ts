/**
 * JsonataStateMachine: one workflow's definition file deployed as it is (DefinitionBody.fromFile
 * with definitionSubstitutions), with a role that has exactly the permissions derived from the
 * definition, execution data encrypted with a customer-managed key, logs in a KMS-encrypted log
 * group (without execution data unless `logExecutionData`), and X-Ray tracing.
 */
import { readFileSync } from 'node:fs';
import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deriveIamPolicy, type IamStatement } from '../asl/iam/index.ts';
import { DefinitionErrors, parseDefinition } from '../asl/index.ts';
import { checkWorkflow, type Workflow } from '../workflows/index.ts';
import { ConstructsError } from './errors.ts';
import { acknowledge, resourceFinding } from './nag.ts';
import { encryptedLogGroup } from './private/log-key.ts';
import {
  dataKeyStatements,
  derivedStatements,
  type ExplainedStatement,
  executionKeyUse,
  platformStatements,
} from './private/role-policy.ts';

/**
 * Where the deployment knows the resources of calls whose names the definition computes at run
 * time (a JSONata expression: the derivation can only say `*`): these actions on these resources
 * instead, with the reason the breadth that remains is right.
 */
export interface RunTimeResources {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly reason: string;
}

export interface JsonataStateMachineProps {
  readonly workflow: Workflow;
  /** Required and explicit: the execution key's grants are scoped to this name's ARN. */
  readonly stateMachineName: string;
  /** A value for every `${Name}` the workflow declares (tokens of the deployed resources). */
  readonly substitutions: Readonly<Record<string, string>>;
  /** The key for execution data (definition, history, inputs and outputs); a new one when absent. */
  readonly executionKey?: kms.IKey;
  /** The key that encrypts the tables and the database secret the workflow uses, if any. */
  readonly dataKey?: kms.IKey;
  /** Default: one month. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Log every event with its execution data (state inputs and outputs), for a machine whose
   * failed executions an operator must inspect and whose data is not sensitive. Default false:
   * the log says what happened and when, not with what data.
   */
  readonly logExecutionData?: boolean;
  /** Default: RETAIN (logs are an audit trail). */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The resources of derived calls the definition names only at run time (the derivation gives
   * `*`): a derived action on `*` that one of these lists is granted on its resources instead.
   * One that matches no such call is ignored (the workflow does not make it).
   */
  readonly runTimeResources?: readonly RunTimeResources[];
}

/** Step Functions reuses a data key for this long before it calls GenerateDataKey again (60–900 s). */
const DATA_KEY_REUSE = Duration.minutes(5);

export class JsonataStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly role: iam.Role;
  readonly executionKey: kms.IKey;
  readonly logGroup: logs.LogGroup;
  /** In ALARM when an execution fails, times out or is stopped (sum over 5 minutes ≥ 1); subscribe an action to it. */
  readonly failureAlarm: cloudwatch.Alarm;
  /** The permissions derived from the definition (resources hold tokens until synthesis). */
  readonly derivedPolicy: readonly IamStatement[];
  /** Every statement of the role's policy, with the reason for each broad one. */
  readonly statements: readonly ExplainedStatement[];
  /** The state machine's ARN, built from its name. */
  readonly arn: string;
  /** Its executions' ARNs (`execution:<name>:*`). */
  readonly executionsArn: string;

  constructor(scope: Construct, id: string, props: JsonataStateMachineProps) {
    super(scope, id);
    const { workflow, stateMachineName: name } = props;
    const stack = Stack.of(this);
    const named = (resource: string, resourceName: string) =>
      stack.formatArn({
        service: 'states',
        resource,
        resourceName,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.arn = named('stateMachine', name);
    this.executionsArn = named(workflow.type === 'EXPRESS' ? 'express' : 'execution', `${name}:*`);
    const definition = parse(workflow, props.substitutions);
    this.derivedPolicy = deriveIamPolicy(definition, {
      partition: Aws.PARTITION,
      region: Aws.REGION,
      account: Aws.ACCOUNT_ID,
      stateMachineName: name,
    });

    const executionKey = props.executionKey ?? new kms.Key(this, 'ExecutionKey', { enableKeyRotation: true });
    this.executionKey = executionKey;
    this.logGroup = encryptedLogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      key: executionKey,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.role = new iam.Role(this, 'Role', {
      description: `Runs the ${name} state machine: the permissions derived from its definition.`,
      // Confused-deputy protection: only Step Functions acting for this account may assume it.
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    });
    this.statements = [
      ...derivedStatements(this.derivedPolicy, props.runTimeResources),
      ...(props.dataKey ? dataKeyStatements(this.derivedPolicy, props.dataKey) : []),
      ...platformStatements(stack, this.arn, executionKey),
    ];
    const policy = new iam.Policy(this, 'Policy', {
      roles: [this.role],
      statements: this.statements.map((s) => s.statement),
    });

    this.stateMachine = new sfn.StateMachine(this, 'Resource', {
      stateMachineName: name,
      stateMachineType:
        workflow.type === 'EXPRESS' ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
      comment: workflow.description,
      definitionBody: sfn.DefinitionBody.fromFile(workflow.definitionPath),
      definitionSubstitutions: { ...props.substitutions },
      // The role's policy is ours alone: the StateMachine's own additions (KMS, logs, X-Ray) are in
      // platformStatements, stated once, with their reasons.
      role: this.role.withoutPolicyUpdates(),
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(executionKey, DATA_KEY_REUSE),
      logs: {
        destination: this.logGroup,
        level: sfn.LogLevel.ALL,
        includeExecutionData: props.logExecutionData ?? false,
      },
      tracingEnabled: true,
    });
    // Step Functions checks the role's logging permissions when it creates the state machine.
    this.stateMachine.node.addDependency(policy);
    // Every execution that does not succeed reaches an operator: failed, timed out or stopped.
    this.failureAlarm = new cloudwatch.Alarm(this, 'NotSucceeded', {
      alarmName: `${name}-executions-not-succeeded`,
      alarmDescription: `An execution of ${name} failed, timed out or was stopped: its output or history says where, and what the process did about it.`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: this.stateMachine.metricFailed(),
          timedOut: this.stateMachine.metricTimedOut(),
          aborted: this.stateMachine.metricAborted(),
        },
        period: Duration.minutes(5),
        label: 'executions not succeeded',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    acknowledgeBreadth(policy, this.statements);
  }

  /** StartExecution, and the execution key use StartExecution needs (CDK's grant leaves it out). */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    this.grantKey(grantee, ['kms:GenerateDataKey']);
    return this.grant(grantee, ['states:StartExecution'], [this.arn]);
  }

  /** StartSyncExecution (Express): the input is encrypted and the output decrypted for the caller. */
  grantStartSyncExecution(grantee: iam.IGrantable): iam.Grant {
    this.grantKey(grantee, ['kms:Decrypt', 'kms:GenerateDataKey']);
    return this.grant(grantee, ['states:StartSyncExecution'], [this.arn]);
  }

  /**
   * SendTaskSuccess/Failure/Heartbeat, only those named: the Service Authorization Reference
   * lists no resource type for them (the token names the execution), so they are granted on `*`;
   * and the execution key use they need for this machine's data (the task's output or error is
   * encrypted with it).
   */
  grantTaskResponse(
    grantee: iam.IGrantable,
    actions: readonly ('SendTaskSuccess' | 'SendTaskFailure' | 'SendTaskHeartbeat')[],
  ): iam.Grant {
    this.grantTaskResponseKey(grantee);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: actions.map((a) => `states:${a}`),
      resourceArns: ['*'],
    });
  }

  /**
   * Only the execution key use of SendTask*, for a grantee whose policy already has the actions
   * (a state machine whose derived policy names them).
   */
  grantTaskResponseKey(grantee: iam.IGrantable): void {
    this.grantKey(grantee, ['kms:GenerateDataKey']);
  }

  /** Describe and list executions and read their histories, which the execution key encrypts. */
  grantRead(grantee: iam.IGrantable): iam.Grant {
    this.grantKey(grantee, ['kms:Decrypt']);
    this.grant(grantee, ['states:ListExecutions', 'states:DescribeStateMachine'], [this.arn]);
    return this.grant(
      grantee,
      ['states:DescribeExecution', 'states:GetExecutionHistory'],
      [this.executionsArn],
    );
  }

  /**
   * Grants name the machine by the ARN built from its name, not by a reference to it: a function
   * the machine itself depends on (a Cognito trigger of the user pool it calls) may start it
   * without a circular dependency.
   */
  private grant(grantee: iam.IGrantable, actions: string[], resourceArns: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns });
  }

  private grantKey(grantee: iam.IGrantable, actions: string[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(executionKeyUse(this.executionKey, actions, this.arn));
  }
}

/** The definition with its substitutions, parsed and validated as the engine does: synthesis fails on a bad one. */
function parse(workflow: Workflow, substitutions: Readonly<Record<string, string>>) {
  const problems = checkWorkflow(workflow);
  const missing = Object.keys(workflow.substitutions).filter((k) => !Object.hasOwn(substitutions, k));
  if (missing.length > 0) problems.push(`no value was given for substitution(s) ${missing.join(', ')}`);
  if (problems.length > 0) {
    throw new ConstructsError(
      `Workflow '${workflow.name}' cannot be deployed:\n  - ${problems.join('\n  - ')}`,
    );
  }
  try {
    return parseDefinition(readFileSync(workflow.definitionPath, 'utf8'), { substitutions });
  } catch (error) {
    if (!(error instanceof DefinitionErrors)) throw error;
    throw new ConstructsError(
      `Workflow '${workflow.name}': ${workflow.definitionPath} is not a valid JSONata state machine:\n${error.message}`,
      { cause: error },
    );
  }
}

/**
 * cdk-nag's IAM5 (wildcards) acknowledged for exactly the statements whose resources hold a
 * wildcard (`*`, or an ARN ending in one), each finding by its resource, with their reasons.
 */
function acknowledgeBreadth(policy: iam.Policy, statements: readonly ExplainedStatement[]): void {
  const broad = statements.flatMap((s) =>
    s.statement.resources.filter((r) => r.includes('*')).map((resource) => ({ s, resource })),
  );
  const reasons: string[] = [];
  const findings: string[] = [];
  for (const { s, resource } of broad) {
    if (s.reason === undefined) {
      throw new ConstructsError(
        `A statement of ${policy.node.path} grants ${s.statement.actions.join(', ')} on '${resource}' without a reason: scope it, or say why AWS needs the wildcard.`,
      );
    }
    if (!reasons.includes(s.reason)) reasons.push(s.reason);
    const finding = resourceFinding(policy, resource);
    if (!findings.includes(finding)) findings.push(finding);
  }
  if (findings.length > 0) acknowledge(policy, 'AwsSolutions-IAM5', reasons.join(' '), findings);
}
