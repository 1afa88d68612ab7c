/**
 * Resource rules for the messaging and scheduling services: SES, SNS, SQS, EventBridge and
 * EventBridge Scheduler.
 */
import { arrayAt, field, firstField } from './arguments.ts';
import { arnIn, eventBusArn, queueArn, scoped } from './arn.ts';
import { each, grant, grantCall, type SdkCall, type SdkRule, union } from './call.ts';
import type { Grant } from './types.ts';

const itself = (value: string): readonly string[] => [value];

/**
 * SES authorizes sending on the identity (`identity/<address or domain>`) and, when one is used, on
 * the configuration set ("Identity and access management in Amazon SES"). Which identity is
 * verified (the address or its domain) is an account fact, so a literal From address grants both.
 */
function sesSend(identityArnNames: readonly string[], fromNames: readonly string[]): SdkRule {
  return (call) => {
    const identityArn = firstField(call.args, identityArnNames);
    const identity =
      identityArn.kind !== 'absent'
        ? scoped(identityArn, 'sending identity', itself)
        : scoped(firstField(call.args, fromNames), 'sending identity', (from) => identities(call, from));
    const configurationSet = field(call.args, ['ConfigurationSetName']);
    if (configurationSet.kind === 'absent') return grantCall(call, identity);
    const set = scoped(configurationSet, 'configuration set', (v) => [
      arnIn(call.scope, 'ses', `configuration-set/${v}`),
    ]);
    return grantCall(call, union(identity, set));
  };
}

/** `noreply@acme.example` or `Acme <noreply@acme.example>` → the address and domain identities. */
function identities(call: SdkCall, from: string): readonly string[] | undefined {
  const bracketed = /<([^<>@\s]+@[^<>@\s]+)>/.exec(from)?.[1];
  const address = bracketed ?? (/^[^<>@\s]+@[^<>@\s]+$/.test(from) ? from : undefined);
  const domain = address?.split('@')[1];
  if (address === undefined || domain === undefined) return undefined;
  return [arnIn(call.scope, 'ses', `identity/${address}`), arnIn(call.scope, 'ses', `identity/${domain}`)];
}

const SENDS = new Set([
  'sendEmail',
  'sendBulkEmail',
  'sendRawEmail',
  'sendTemplatedEmail',
  'sendBulkTemplatedEmail',
]);
const sesv2Send = sesSend(['FromEmailAddressIdentityArn'], ['FromEmailAddress']);
const sesv1Send = sesSend(['SourceArn', 'FromArn'], ['Source']);

/** SES v2; other SES operations fall back to the caller's default rule. */
export function sesv2(call: SdkCall, otherwise: SdkRule): readonly Grant[] {
  return SENDS.has(call.action) ? sesv2Send(call) : otherwise(call);
}

/** SES v1 (`Source`, `SourceArn`). */
export function ses(call: SdkCall, otherwise: SdkRule): readonly Grant[] {
  return SENDS.has(call.action) ? sesv1Send(call) : otherwise(call);
}

/**
 * sns:Publish is scoped by topic; a publish to a TargetArn (endpoint) or PhoneNumber is granted on
 * `*` ("IAM policies for Amazon SNS").
 */
export const sns: SdkRule = (call) =>
  grantCall(
    call,
    scoped(
      field(call.args, ['TopicArn']),
      'SNS topic',
      itself,
      `Arguments.TopicArn is not given, so ${call.action} cannot be scoped to a topic`,
    ),
  );

/** A QueueUrl becomes the queue ARN ("IAM policies for Amazon SQS"). */
export const sqs: SdkRule = (call) =>
  grantCall(
    call,
    scoped(field(call.args, ['QueueUrl']), 'SQS queue', (v) => queueArn(call.scope, v)),
  );

/** PutEvents is authorized on each entry's bus; an entry without EventBusName goes to `default`. */
export function eventbridge(call: SdkCall, otherwise: SdkRule): readonly Grant[] {
  if (call.action !== 'putEvents') return otherwise(call);
  return grantCall(
    call,
    each(call, arrayAt(call.args, 'Entries'), 'Entries', {
      what: 'event bus',
      whats: 'event buses',
      path: ['EventBusName'],
      toArns: (bus) => [eventBusArn(call.scope, bus)],
      whenAbsent: () => [eventBusArn(call.scope, undefined)],
    }),
  );
}

/** Schedules live in a group (`default` when none); creating or updating one passes its target's role. */
export const scheduler: SdkRule = (call) => {
  const group = field(call.args, ['GroupName']);
  const groupName = group.kind === 'literal' ? group.value : 'default';
  const schedule =
    group.kind === 'dynamic'
      ? scoped(group, 'schedule group', () => undefined)
      : scoped(field(call.args, ['Name']), 'schedule', (v) => [
          arnIn(call.scope, 'scheduler', `schedule/${groupName}/${v}`),
        ]);
  const grants = [...grantCall(call, schedule)];
  if (call.action === 'createSchedule' || call.action === 'updateSchedule') {
    const role = scoped(field(call.args, ['Target', 'RoleArn']), 'schedule target role', itself);
    grants.push(grant(['iam:PassRole'], role));
  }
  return grants;
};
