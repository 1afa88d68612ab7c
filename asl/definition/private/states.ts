/**
 * Builders for the Wait, Choice, Task and Parallel states, and the Next/End and Resource fields
 * they share. (Pass, Succeed and Fail are built inline by the dispatch in ../parse.ts.)
 * https://states-language.net/spec.html#state-types
 */
import type { Template } from '../../jsonata/template.ts';
import { compileChoiceRule } from '../../jsonpath/choice.ts';
import { parseResource } from '../resource.ts';
import type {
  ChoiceRule,
  Dynamic,
  JsonPathFields,
  QueryLanguage,
  State,
  StateGraph,
  TaskResource,
  Transition,
} from '../types.ts';
import {
  dynamicBoolean,
  dynamicNumber,
  dynamicNumberField,
  dynamicString,
  dynamicTimestamp,
} from './dynamic.ts';
import { catchers, retriers } from './errors-fields.ts';
import { jsonPathAssign, pathVariant, payloadField } from './jsonpath-fields.ts';
import {
  allowOnly,
  assignField,
  fail,
  isObject,
  type Raw,
  type Reporter,
  templateField,
} from './reporter.ts';

/** What a state builder needs: the reporter, and a way back into ../parse.ts for nested graphs. */
export interface StateContext extends Reporter {
  graph(raw: Raw, path: string, language: QueryLanguage): StateGraph | undefined;
}

/** The fields every state has, parsed once before the per-type builder runs. */
export type CommonFields = {
  name: string;
  queryLanguage: QueryLanguage;
  comment?: string;
  output?: Template;
  assign?: Template;
  io?: JsonPathFields;
};

export function transition(reporter: Reporter, raw: Raw, path: string): Transition | undefined {
  const hasNext = raw.Next !== undefined;
  const end = raw.End === true;
  if (raw.End !== undefined && typeof raw.End !== 'boolean') {
    return fail(reporter, `${path}/End`, 'End must be true or false', 'Write "End": true.');
  }
  if (hasNext && end) {
    return fail(reporter, path, 'A state cannot have both Next and End', 'Keep only one of them.');
  }
  if (hasNext) {
    if (typeof raw.Next !== 'string')
      return fail(reporter, `${path}/Next`, 'Next must be a state name', 'Name a state.');
    return { end: false, next: raw.Next };
  }
  if (end) return { end: true };
  return fail(reporter, path, 'The state has neither Next nor End', 'Add "Next": "<state>" or "End": true.');
}

export function resource(reporter: Reporter, value: unknown, path: string): TaskResource | undefined {
  if (typeof value !== 'string')
    return fail(
      reporter,
      path,
      'Resource must be an ARN string',
      'Write "Resource": "arn:aws:states:::...".',
    );
  const parsed = parseResource(value);
  if (!parsed) {
    return fail(
      reporter,
      path,
      `'${value}' is not a Resource ARN that Step Functions accepts`,
      'Use arn:aws:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken], a Lambda function ARN or an activity ARN.',
    );
  }
  return parsed;
}

export function waitState(
  reporter: Reporter,
  raw: Raw,
  path: string,
  common: CommonFields,
): State | undefined {
  const jsonPath = common.queryLanguage === 'JSONPath';
  const given = ['Seconds', 'Timestamp', ...(jsonPath ? ['SecondsPath', 'TimestampPath'] : [])].filter(
    (key) => raw[key] !== undefined,
  );
  if (given.length !== 1) {
    return fail(
      reporter,
      path,
      jsonPath
        ? 'A Wait state needs exactly one of Seconds, SecondsPath, Timestamp and TimestampPath'
        : 'A Wait state needs exactly one of Seconds and Timestamp',
      'Keep one of them.',
    );
  }
  const wait =
    raw.SecondsPath !== undefined
      ? { seconds: pathVariant<number>(reporter, raw, 'Seconds', path) }
      : raw.TimestampPath !== undefined
        ? { timestamp: pathVariant<string>(reporter, raw, 'Timestamp', path) }
        : raw.Seconds !== undefined
          ? { seconds: dynamicNumber(reporter, raw.Seconds, `${path}/Seconds`, { min: 0, integer: true }) }
          : { timestamp: dynamicTimestamp(reporter, raw.Timestamp, `${path}/Timestamp`) };
  const next = transition(reporter, raw, path);
  if (!next) return undefined;
  if ('seconds' in wait && wait.seconds)
    return { ...common, type: 'Wait', transition: next, wait: { seconds: wait.seconds } };
  if ('timestamp' in wait && wait.timestamp) {
    return { ...common, type: 'Wait', transition: next, wait: { timestamp: wait.timestamp } };
  }
  return undefined;
}

export function choiceState(
  reporter: Reporter,
  raw: Raw,
  path: string,
  common: CommonFields,
): State | undefined {
  if (!Array.isArray(raw.Choices) || raw.Choices.length === 0) {
    return fail(
      reporter,
      `${path}/Choices`,
      'A Choice state needs a non-empty Choices array',
      'Add at least one rule.',
    );
  }
  const choices: ChoiceRule[] = [];
  raw.Choices.forEach((rule: unknown, i) => {
    const rulePath = `${path}/Choices/${i}`;
    if (!isObject(rule)) {
      fail(
        reporter,
        rulePath,
        'A choice rule must be an object',
        'Write { "Condition": "{% ... %}", "Next": ... }.',
      );
      return;
    }
    if (common.queryLanguage === 'JSONPath') {
      const parsed = jsonPathRule(reporter, rule, rulePath);
      if (parsed) choices.push(parsed);
      return;
    }
    allowOnly(
      reporter,
      rule,
      rulePath,
      ['Condition', 'Next', 'Output', 'Assign', 'Comment'],
      (key) => key !== 'Condition',
    );
    if (rule.Condition === undefined) {
      fail(
        reporter,
        `${rulePath}/Condition`,
        'A JSONata choice rule needs a Condition (Variable and the comparison operators are JSONPath only)',
        'Write "Condition": "{% boolean expression %}".',
      );
      return;
    }
    const condition = dynamicBoolean(reporter, rule.Condition, `${rulePath}/Condition`);
    if (typeof rule.Next !== 'string') {
      fail(
        reporter,
        `${rulePath}/Next`,
        'A choice rule needs Next',
        'Name the state to go to when it matches.',
      );
      return;
    }
    if (!condition) return;
    choices.push({
      condition,
      next: rule.Next,
      ...(typeof rule.Comment === 'string' ? { comment: rule.Comment } : {}),
      ...templateField(reporter, rule, 'Output', rulePath),
      ...assignField(reporter, rule.Assign, `${rulePath}/Assign`),
    });
  });
  if (raw.Default !== undefined && typeof raw.Default !== 'string') {
    fail(reporter, `${path}/Default`, 'Default must be a state name', 'Name a state.');
  }
  return {
    ...common,
    type: 'Choice',
    choices,
    ...(typeof raw.Default === 'string' ? { default: raw.Default } : {}),
  };
}

/** A JSONPath choice rule: the comparison (or And/Or/Not), Next, Assign. */
function jsonPathRule(reporter: Reporter, rule: Raw, rulePath: string): ChoiceRule | undefined {
  const { Next: next, Assign: assignRaw, Comment: comment, ...condition } = rule;
  const compiled = compileChoiceRule(condition, rulePath, (p) => fail(reporter, p.path, p.message, p.hint));
  const assign = jsonPathAssign(reporter, assignRaw, `${rulePath}/Assign`);
  if (typeof next !== 'string') {
    return fail(
      reporter,
      `${rulePath}/Next`,
      'A choice rule needs Next',
      'Name the state to go to when it matches.',
    );
  }
  if (!compiled) return undefined;
  return {
    condition: { kind: 'rule', rule: compiled },
    next,
    ...(typeof comment === 'string' ? { comment } : {}),
    ...(assign ? { io: { assign } } : {}),
  };
}

/** Fail: Error and Cause, or under JSONPath ErrorPath and CausePath (a path or an intrinsic function). */
export function failState(reporter: Reporter, raw: Raw, path: string, common: CommonFields): State {
  const variant = (key: string): Dynamic<string> | undefined =>
    common.queryLanguage === 'JSONPath'
      ? pathVariant<string>(reporter, raw, key, path, { intrinsics: true })
      : undefined;
  const errorPath = variant('Error');
  const causePath = variant('Cause');
  return {
    ...common,
    type: 'Fail',
    ...(errorPath ? { error: errorPath } : dynamicString(reporter, raw.Error, `${path}/Error`, 'error')),
    ...(causePath ? { cause: causePath } : dynamicString(reporter, raw.Cause, `${path}/Cause`, 'cause')),
  };
}

export function taskState(
  reporter: Reporter,
  raw: Raw,
  path: string,
  common: CommonFields,
): State | undefined {
  const taskResource = resource(reporter, raw.Resource, `${path}/Resource`);
  const next = transition(reporter, raw, path);
  const timeoutSeconds =
    pathVariant<number>(reporter, raw, 'TimeoutSeconds', path) ??
    dynamicNumberField(reporter, raw, 'TimeoutSeconds', path, { min: 1, integer: true });
  const heartbeatSeconds =
    pathVariant<number>(reporter, raw, 'HeartbeatSeconds', path) ??
    dynamicNumberField(reporter, raw, 'HeartbeatSeconds', path, { min: 1, integer: true });
  if (
    timeoutSeconds?.kind === 'literal' &&
    heartbeatSeconds?.kind === 'literal' &&
    heartbeatSeconds.value >= timeoutSeconds.value
  ) {
    fail(
      reporter,
      `${path}/HeartbeatSeconds`,
      `HeartbeatSeconds (${heartbeatSeconds.value}) must be smaller than TimeoutSeconds (${timeoutSeconds.value})`,
      'Lower HeartbeatSeconds or raise TimeoutSeconds.',
    );
  }
  const retry = retriers(reporter, raw.Retry, `${path}/Retry`);
  const catches = catchers(reporter, raw.Catch, `${path}/Catch`, common.queryLanguage);
  const jsonPath = common.queryLanguage === 'JSONPath';
  const credentialsPayload = jsonPath
    ? payloadField(reporter, raw.Credentials, `${path}/Credentials`)
    : undefined;
  if (!taskResource || !next) return undefined;
  return {
    ...common,
    type: 'Task',
    transition: next,
    resource: taskResource,
    retry,
    catch: catches,
    ...templateField(reporter, raw, 'Arguments', path),
    ...(jsonPath ? {} : templateField(reporter, raw, 'Credentials', path)),
    ...(credentialsPayload ? { credentialsPayload } : {}),
    ...(timeoutSeconds ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds ? { heartbeatSeconds } : {}),
  };
}

export function parallelState(
  context: StateContext,
  raw: Raw,
  path: string,
  common: CommonFields,
  language: QueryLanguage,
): State | undefined {
  if (!Array.isArray(raw.Branches) || raw.Branches.length === 0) {
    return fail(
      context,
      `${path}/Branches`,
      'A Parallel state needs a non-empty Branches array',
      'Add a branch.',
    );
  }
  const branches: StateGraph[] = [];
  raw.Branches.forEach((branch: unknown, i) => {
    const branchPath = `${path}/Branches/${i}`;
    if (!isObject(branch)) {
      fail(context, branchPath, 'A branch must be an object', 'Write { "StartAt": ..., "States": { ... } }.');
      return;
    }
    const graph = context.graph(branch, branchPath, language);
    if (graph) branches.push(graph);
  });
  const next = transition(context, raw, path);
  const retry = retriers(context, raw.Retry, `${path}/Retry`);
  const catches = catchers(context, raw.Catch, `${path}/Catch`, language);
  if (!next) return undefined;
  return {
    ...common,
    type: 'Parallel',
    transition: next,
    branches,
    retry,
    catch: catches,
    ...templateField(context, raw, 'Arguments', path),
  };
}
