/**
 * Turning argument values into the resource ARNs IAM matches. ARN formats: the "Resource types"
 * table of each service in the Service Authorization Reference.
 */
import { type Field, runtimeValue } from './arguments.ts';
import type { ArnScope } from './types.ts';

/** Resources for one permission, and why they are broader than named resources when they are. */
export interface Scoped {
  readonly resources: readonly string[];
  readonly reason?: string;
}

const ANY = '*';

/**
 * Resources named by `f`: its ARNs when literal, `*` with the reason when it is an expression,
 * absent, or a value `toArns` cannot read (it answers undefined).
 */
export function scoped(
  f: Field,
  what: string,
  toArns: (value: string) => readonly string[] | undefined,
  whenAbsent?: string,
): Scoped {
  switch (f.kind) {
    case 'literal': {
      const resources = toArns(f.value);
      return resources && resources.length > 0
        ? { resources }
        : {
            resources: [ANY],
            reason: `${f.location} '${f.value}' does not name a ${what} the policy can scope to`,
          };
    }
    case 'dynamic':
      return {
        resources: [ANY],
        reason: `${runtimeValue(f.location)}, so the ${what} is known only at run time`,
      };
    case 'absent':
      return {
        resources: [ANY],
        reason: whenAbsent ?? `${f.location} is not given, so no ${what} can be named`,
      };
  }
}

/** `*` with a reason: for actions that name no resource or that the derivation has no rule for. */
export function unscoped(reason: string): Scoped {
  return { resources: [ANY], reason };
}

export function isArn(value: string): boolean {
  return value.startsWith('arn:');
}

export function arnIn(scope: ArnScope, service: string, resource: string): string {
  return `arn:${scope.partition}:${service}:${scope.region}:${scope.account}:${resource}`;
}

/** DynamoDB accepts a table ARN wherever it takes a TableName. */
export function tableArn(scope: ArnScope, table: string): string {
  return isArn(table) ? table : arnIn(scope, 'dynamodb', `table/${table}`);
}

const FULL_FUNCTION = /^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+)(?::([^:]+))?$/;
const PARTIAL_FUNCTION = /^(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const BARE_FUNCTION = /^([^:]+)(?::([^:]+))?$/;

/**
 * A FunctionName (name, `name:qualifier`, `account:function:name`, or an ARN) as the ARNs
 * lambda:InvokeFunction is checked against. IAM matches a qualified call only against the
 * qualified ARN, so an unqualified name also gets `<arn>:*` for its versions and aliases, as the
 * CDK's LambdaInvoke grants it.
 */
export function functionArns(scope: ArnScope, name: string): readonly string[] | undefined {
  let base: string;
  let qualifier: string | undefined;
  const full = FULL_FUNCTION.exec(name);
  const partial = PARTIAL_FUNCTION.exec(name);
  const bare = BARE_FUNCTION.exec(name);
  if (full) [base, qualifier] = [full[1] ?? '', full[2]];
  else if (partial) {
    const lambda = { ...scope, account: partial[1] ?? scope.account };
    [base, qualifier] = [arnIn(lambda, 'lambda', `function:${partial[2]}`), partial[3]];
  } else if (bare && !isArn(name))
    [base, qualifier] = [arnIn(scope, 'lambda', `function:${bare[1]}`), bare[2]];
  else return undefined;
  return qualifier === undefined ? [base, `${base}:*`] : [`${base}:${qualifier}`];
}

/** `https://sqs.<region>.amazonaws.com/<account>/<queue>` (or any endpoint of that path shape). */
export function queueArn(scope: ArnScope, url: string): readonly string[] | undefined {
  if (isArn(url)) return [url];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const [account, queue, ...rest] = parsed.pathname.split('/').filter((s) => s !== '');
  if (!account || !queue || rest.length > 0) return undefined;
  const region =
    /^sqs\.([a-z0-9-]+)\./.exec(parsed.hostname)?.[1] ?? /^([a-z0-9-]+)\.queue\./.exec(parsed.hostname)?.[1];
  return [arnIn({ ...scope, region: region ?? scope.region, account }, 'sqs', queue)];
}

/** Parameter names may start with `/`; the ARN has exactly one `/` after `parameter`. */
export function parameterArn(scope: ArnScope, name: string): string {
  return isArn(name) ? name : arnIn(scope, 'ssm', `parameter/${name.replace(/^\//, '')}`);
}

export function userPoolArn(scope: ArnScope, id: string): string {
  return isArn(id) ? id : arnIn(scope, 'cognito-idp', `userpool/${id}`);
}

/**
 * A SecretId is a name or an ARN. Secrets Manager appends six random characters to a secret's
 * ARN, so a name becomes `secret:<name>-??????` ("Resource: ARN of a secret", Secrets Manager
 * user guide, auth-and-access_examples).
 */
export function secretArn(scope: ArnScope, id: string): string {
  return isArn(id) ? id : arnIn(scope, 'secretsmanager', `secret:${id}-??????`);
}

/** An EventBusName is a name or an ARN; no name means the account's `default` bus. */
export function eventBusArn(scope: ArnScope, bus: string | undefined): string {
  if (bus !== undefined && isArn(bus)) return bus;
  return arnIn(scope, 'events', `event-bus/${bus ?? 'default'}`);
}

/**
 * A KeyId is a key id, a key ARN, an alias name or an alias ARN. IAM authorizes the key behind an
 * alias, which the definition does not name, so aliases answer undefined.
 */
export function keyArn(scope: ArnScope, id: string): readonly string[] | undefined {
  if (id.startsWith('alias/') || /:alias\//.test(id)) return undefined;
  return [isArn(id) ? id : arnIn(scope, 'kms', `key/${id}`)];
}

/** S3 ARNs carry neither region nor account. */
export function bucketArn(scope: ArnScope, bucket: string): string {
  return `arn:${scope.partition}:s3:::${bucket}`;
}

export function objectArn(scope: ArnScope, bucket: string, key: string): string {
  return `arn:${scope.partition}:s3:::${bucket}/${key}`;
}
