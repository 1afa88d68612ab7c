/**
 * Resource rules per AWS SDK service: which argument names the resource and how it becomes the
 * ARN IAM checks. A service without a rule is granted its actions on `*`, with a reason saying so.
 */
import { arrayAt, field, firstField } from './arguments.ts';
import {
  arnIn,
  functionArns,
  isArn,
  keyArn,
  parameterArn,
  scoped,
  secretArn,
  unscoped,
  userPoolArn,
} from './arn.ts';
import { callActions, each, grant, grantCall, type SdkCall, type SdkRule } from './call.ts';
import { dynamodb, s3 } from './sdk-data.ts';
import { eventbridge, scheduler, ses, sesv2, sns, sqs } from './sdk-messaging.ts';
import type { Grant } from './types.ts';

const itself = (value: string): readonly string[] => [value];

/** A rule that scopes the call's own actions by one argument (the first of its spellings present). */
function by(
  names: readonly string[],
  what: string,
  toArns: (call: SdkCall, value: string) => readonly string[] | undefined,
): SdkRule {
  return (call) =>
    grantCall(
      call,
      scoped(firstField(call.args, names), what, (v) => toArns(call, v)),
    );
}

const lambda = by(['FunctionName'], 'Lambda function', (call, v) => functionArns(call.scope, v));
const cognito = by(['UserPoolId'], 'Cognito user pool', (call, v) => [userPoolArn(call.scope, v)]);
const secrets = by(['SecretId'], 'secret', (call, v) => [secretArn(call.scope, v)]);
const kms = by(['KeyId'], 'KMS key', (call, v) => keyArn(call.scope, v));
const pipes = by(['Name'], 'EventBridge pipe', (call, v) => [arnIn(call.scope, 'pipes', `pipe/${v}`)]);
const streams = by(['StreamArn'], 'DynamoDB stream', (_, v) => itself(v));
/** Log streams are named below their group (`log-group:<g>:log-stream:<s>`), which `:*` covers. */
const logs = by(['LogGroupName', 'LogGroupIdentifier'], 'log group', (call, v) =>
  isArn(v)
    ? [v]
    : [arnIn(call.scope, 'logs', `log-group:${v}`), arnIn(call.scope, 'logs', `log-group:${v}:*`)],
);

/** Step Functions' own API: a state machine, an execution, or (task tokens, listings) none. */
const sfn: SdkRule = (call) => {
  const machine = field(call.args, ['StateMachineArn']);
  const named = machine.kind !== 'absent' ? machine : field(call.args, ['ExecutionArn']);
  const absent = `${call.action} names no state machine or execution`;
  return grantCall(call, scoped(named, 'state machine or execution', itself, absent));
};

/** GetParameter(s) by name or names; GetParametersByPath by a path, granted on the path and below it. */
const ssm: SdkRule = (call) => {
  const parameter = (v: string) => [parameterArn(call.scope, v)];
  const names = arrayAt(call.args, 'Names');
  if (names.kind !== 'absent') {
    return grantCall(
      call,
      each(call, names, 'Names', { what: 'parameter', whats: 'parameters', toArns: parameter }),
    );
  }
  const path = field(call.args, ['Path']);
  if (path.kind !== 'absent') {
    const below = (v: string) => `${parameterArn(call.scope, v).replace(/\/$/, '')}/*`;
    return grantCall(
      call,
      scoped(path, 'parameter path', (v) => [parameterArn(call.scope, v), below(v)]),
    );
  }
  return grantCall(call, scoped(field(call.args, ['Name']), 'parameter', parameter));
};

/**
 * RDS Data API calls are authorized on the cluster, and "Data API transparently calls Secrets
 * Manager, which allows (or denies) the user's request for the secret" ("Authorizing access to the
 * Amazon RDS Data API"): the caller needs secretsmanager:GetSecretValue on secretArn too.
 */
const rdsData: SdkRule = (call) => {
  const cluster = scoped(firstField(call.args, ['ResourceArn', 'resourceArn']), 'database cluster', itself);
  const secret = firstField(call.args, ['SecretArn', 'secretArn']);
  if (secret.kind === 'absent') return grantCall(call, cluster);
  const read = scoped(secret, 'database secret', (v) => [secretArn(call.scope, v)]);
  const why = 'the RDS Data API reads the database secret with the caller’s credentials';
  const reason = read.reason === undefined ? why : `${read.reason}; ${why}`;
  return [...grantCall(call, cluster), grant(['secretsmanager:GetSecretValue'], { ...read, reason })];
};

/** No rule: the call's actions on `*`, saying why. */
export function fallback(call: SdkCall): readonly Grant[] {
  const actions = callActions(call);
  const reason = `the derivation has no resource rule for ${actions.join(', ')}, so it is granted on all resources`;
  return [grant(actions, unscoped(reason))];
}

export const RULES: ReadonlyMap<string, SdkRule> = new Map<string, SdkRule>([
  ['dynamodb', dynamodb],
  ['dynamodbstreams', streams],
  ['s3', s3],
  ['lambda', lambda],
  ['sfn', sfn],
  ['cognitoidentityprovider', cognito],
  ['ssm', ssm],
  ['rdsdata', rdsData],
  ['sesv2', (call) => sesv2(call, fallback)],
  ['ses', (call) => ses(call, fallback)],
  ['secretsmanager', secrets],
  ['sqs', sqs],
  ['sns', sns],
  ['eventbridge', (call) => eventbridge(call, fallback)],
  ['kms', kms],
  ['scheduler', scheduler],
  ['cloudwatchlogs', logs],
  ['pipes', pipes],
]);
