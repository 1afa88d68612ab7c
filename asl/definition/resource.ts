/** Parsing a Task `Resource` ARN into what the engine dispatches on. */
import type { TaskResource } from './types.ts';

const SERVICE =
  /^arn:(aws[a-z-]*):states:([a-z0-9-]*):([0-9]*):([a-zA-Z0-9-]+(?::[a-zA-Z0-9-]+)?):([a-zA-Z0-9]+)(?:\.(sync:2|sync|waitForTaskToken))?$/;
const LAMBDA =
  /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):([0-9]{12}):function:([a-zA-Z0-9-_]+)(?::[$a-zA-Z0-9-_]+)?$/;
const ACTIVITY = /^arn:(aws[a-z-]*):states:([a-z0-9-]+):([0-9]{12}):activity:([a-zA-Z0-9-_]+)$/;

/** Answers undefined when the string is none of the Resource forms AWS accepts. */
export function parseResource(arn: string): TaskResource | undefined {
  // Activities first: `...:activity:review` also fits the service-integration pattern.
  const activity = ACTIVITY.exec(arn);
  if (activity) {
    return {
      arn,
      kind: 'activity',
      service: 'activity',
      action: activity[4] ?? '',
      pattern: 'request-response',
      ...(activity[2] ? { region: activity[2] } : {}),
      ...(activity[3] ? { account: activity[3] } : {}),
    };
  }
  const service = SERVICE.exec(arn);
  if (service) {
    const [, , region, account, name = '', action = '', pattern] = service;
    return {
      arn,
      kind: 'service',
      service: name,
      action,
      pattern:
        pattern === 'sync' || pattern === 'sync:2' || pattern === 'waitForTaskToken'
          ? pattern
          : 'request-response',
      ...(region ? { region } : {}),
      ...(account ? { account } : {}),
    };
  }
  const lambda = LAMBDA.exec(arn);
  if (lambda) {
    return {
      arn,
      kind: 'lambda-function',
      service: 'lambda',
      action: 'invoke',
      pattern: 'request-response',
      ...(lambda[2] ? { region: lambda[2] } : {}),
      ...(lambda[3] ? { account: lambda[3] } : {}),
    };
  }
  return undefined;
}

/** `resourceType` and `resource` as TaskScheduled and its siblings report them. */
export function resourceLabels(resource: TaskResource): { resourceType: string; resource: string } {
  let labels = LABELS.get(resource);
  if (!labels) {
    const suffix = resource.pattern === 'request-response' ? '' : `.${resource.pattern}`;
    labels = Object.freeze({ resourceType: resource.service, resource: `${resource.action}${suffix}` });
    LABELS.set(resource, labels);
  }
  return labels;
}

/** Each parsed resource's labels, made once: every Task attempt records them in several events. */
const LABELS = new WeakMap<TaskResource, { readonly resourceType: string; readonly resource: string }>();
