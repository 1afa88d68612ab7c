/**
 * The permissions one Task resource needs: AWS SDK integrations through the service table and the
 * per-service resource rules, optimised integrations by what AWS documents for each
 * ("IAM policies for integrated services", https://docs.aws.amazon.com/step-functions/latest/dg/service-integration-iam-templates.html).
 */
import type { TaskResource } from '../definition/types.ts';
import { type ArgumentsTemplate, argumentTree, field } from './arguments.ts';
import { arnIn, scoped } from './arn.ts';
import { grant, type SdkCall } from './call.ts';
import { IamDerivationError } from './errors.ts';
import { fallback, RULES } from './sdk-resources.ts';
import { iamServicePrefix } from './services.ts';
import type { ArnScope, Grant } from './types.ts';

type Pattern = TaskResource['pattern'];
const CALL_ONLY: readonly Pattern[] = ['request-response', 'waitForTaskToken'];

/**
 * Optimised integrations the derivation knows, as the SDK call each one makes. `.waitForTaskToken`
 * needs only that call: the task token comes back through SendTaskSuccess from the worker's role.
 */
const OPTIMISED: Readonly<
  Record<string, { sdk: string; actions: readonly string[]; patterns: readonly Pattern[] }>
> = {
  lambda: { sdk: 'lambda', actions: ['invoke'], patterns: CALL_ONLY },
  dynamodb: {
    sdk: 'dynamodb',
    actions: ['getItem', 'putItem', 'updateItem', 'deleteItem'],
    patterns: ['request-response'],
  },
  sqs: { sdk: 'sqs', actions: ['sendMessage'], patterns: CALL_ONLY },
  sns: { sdk: 'sns', actions: ['publish'], patterns: CALL_ONLY },
  events: { sdk: 'eventbridge', actions: ['putEvents'], patterns: CALL_ONLY },
  // The Distributed Map's ItemReader (getObject, listObjectsV2) and ResultWriter (putObject).
  s3: { sdk: 's3', actions: ['getObject', 'listObjectsV2', 'putObject'], patterns: ['request-response'] },
  states: {
    sdk: 'sfn',
    actions: ['startExecution'],
    patterns: ['request-response', 'sync', 'sync:2', 'waitForTaskToken'],
  },
};

/** `state` names the state for error messages; `args` is the task's (or ItemReader's) Arguments. */
export function taskGrants(
  state: string,
  resource: TaskResource,
  args: ArgumentsTemplate | undefined,
  scope: ArnScope,
  /** The field the arguments come from: `Parameters` in a JSONPath state. */
  argumentsField = 'Arguments',
): readonly Grant[] {
  switch (resource.kind) {
    case 'activity':
      // Activity workers poll with their own credentials; "Activities or no Tasks" needs no Allow.
      return [];
    case 'lambda-function':
      return [{ actions: ['lambda:InvokeFunction'], resources: [resource.arn] }];
    case 'service':
      break;
  }
  const tree = argumentTree(args, argumentsField);
  if (resource.service.startsWith('aws-sdk:')) {
    // "Service integration patterns": AWS SDK integrations run Request Response or Wait for Callback only.
    if (resource.pattern.startsWith('sync')) {
      throw new IamDerivationError(
        state,
        resource.arn,
        'AWS SDK integrations do not support .sync',
        'Use the optimised integration that offers .sync, or drop the suffix.',
      );
    }
    return sdkGrants(
      state,
      resource,
      resource.service.slice('aws-sdk:'.length),
      resource.action,
      tree,
      scope,
    );
  }
  const optimised = OPTIMISED[resource.service];
  if (!optimised?.actions.includes(resource.action) || !optimised.patterns.includes(resource.pattern)) {
    throw new IamDerivationError(
      state,
      resource.arn,
      'the IAM derivation has no rule for this optimised integration and pattern',
      'Use an AWS SDK integration (arn:aws:states:::aws-sdk:<service>:<action>) or add the rule to asl/iam/task.ts from the integration’s "IAM policies" page.',
    );
  }
  const grants = sdkGrants(state, resource, optimised.sdk, resource.action, tree, scope);
  return resource.service === 'states' && resource.pattern.startsWith('sync')
    ? [...grants, ...syncExecution(tree, scope)]
    : grants;
}

function sdkGrants(
  state: string,
  resource: TaskResource,
  service: string,
  action: string,
  args: unknown,
  scope: ArnScope,
): readonly Grant[] {
  const lookup = iamServicePrefix(service);
  if (lookup.kind === 'unknown') {
    throw new IamDerivationError(
      state,
      resource.arn,
      `'${service}' is not an AWS SDK service name Step Functions accepts`,
      'Use a name from https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html (lowercase, e.g. dynamodb, rdsdata, sesv2).',
    );
  }
  if (lookup.kind === 'unmappable') {
    throw new IamDerivationError(
      state,
      resource.arn,
      `its IAM actions cannot be derived from the operation name: ${lookup.why}`,
      'Call it from a thin Lambda task whose role grants those actions, or teach asl/iam/services.ts the mapping.',
    );
  }
  const call: SdkCall = { service, action, prefix: lookup.prefix, args, scope };
  return (RULES.get(service) ?? fallback)(call);
}

/**
 * `.sync` and `.sync:2` poll the child execution and listen for its end through a managed rule
 * ("IAM policies for AWS Step Functions", Synchronous: states:DescribeExecution and
 * states:StopExecution on `execution:<name>:*`, events:PutTargets, PutRule, DescribeRule on
 * `rule/StepFunctionsGetEventsForStepFunctionsExecutionRule`).
 */
function syncExecution(args: unknown, scope: ArnScope): readonly Grant[] {
  const executions = scoped(field(args, ['StateMachineArn']), 'state machine', (machine) => {
    const execution = machine.replace(/:stateMachine:([^:]+)(?::[^:]+)?$/, ':execution:$1:*');
    return execution === machine ? undefined : [execution];
  });
  const rule = arnIn(scope, 'events', 'rule/StepFunctionsGetEventsForStepFunctionsExecutionRule');
  return [
    grant(['states:DescribeExecution', 'states:StopExecution'], executions),
    { actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], resources: [rule] },
  ];
}

/**
 * A Task with Credentials runs its call as the role it names: the state machine's role needs only
 * to assume it (the CDK's TaskRole grants sts:AssumeRole the same way).
 */
export function assumeRoleGrants(credentials: ArgumentsTemplate): readonly Grant[] {
  const role = field(argumentTree(credentials, 'Credentials'), ['RoleArn'], 'Credentials');
  return [
    grant(
      ['sts:AssumeRole'],
      scoped(role, 'task role', (arn) => [arn]),
    ),
  ];
}

/**
 * A DISTRIBUTED Map runs each batch as a child execution of this very state machine ("IAM
 * policies for using Distributed Map states": states:StartExecution on the state machine,
 * states:DescribeExecution and states:StopExecution on its Map Run executions).
 */
export function distributedMapGrants(scope: ArnScope, name: string | undefined): readonly Grant[] {
  const reason =
    'a DISTRIBUTED Map starts child executions of this state machine, whose name was not given (options.stateMachineName)';
  const start = name === undefined ? ['*'] : [arnIn(scope, 'states', `stateMachine:${name}`)];
  const executions = name === undefined ? ['*'] : [arnIn(scope, 'states', `execution:${name}/*`)];
  const why = name === undefined ? { reason } : {};
  const children =
    name === undefined
      ? reason
      : 'a DISTRIBUTED Map names its child executions when it starts them, so the permission covers the executions of this state machine only, by the prefix of their names';
  return [
    { actions: ['states:StartExecution'], resources: start, ...why },
    {
      actions: ['states:DescribeExecution', 'states:StopExecution'],
      resources: executions,
      reason: children,
    },
  ];
}
