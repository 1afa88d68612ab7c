/**
 * What a task's declaration says it does with the project's data, as IAM: the DynamoDB item
 * actions per table (`tableAccess`), and the OAuth provider's SecureString parameters
 * (`oauthParameters`), each on exactly the resources it names, with the data key usable only
 * through the service that reads or writes the data (`kms:ViaService`).
 */
import { ArnFormat, type Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { OAuthParameterUse, TableAction } from '../../tasks/index.ts';
import { clientSecretParameter } from '../../tasks/shared/oauth/names.ts';
import { oauthParameterPath } from '../../workflows/index.ts';
import { keyUseVia } from './role-policy.ts';

/** The SSM parameters of a deployment's OAuth provider, as the ARNs IAM checks. */
export interface OAuthParameterArns {
  /** `…:parameter/<prefix>/oauth/client-secret`. */
  readonly clientSecret: string;
  /** `…:parameter/<prefix>/oauth/connections/*`: every connection's tokens, and nothing else. */
  readonly tokens: string;
}

/**
 * A parameter whose name starts with `/` has the ARN `arn:…:parameter/<name without its first
 * slash>` (one slash, as the CDK's own arnForParameterName spells it for a fully qualified name).
 */
export function oauthParameterArns(stack: Stack, prefix: string): OAuthParameterArns {
  const arn = (name: string) =>
    stack.formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: name.replace(/^\//, ''),
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  const root = oauthParameterPath(prefix);
  return {
    clientSecret: arn(clientSecretParameter(root)),
    // tasks/shared/oauth/names.ts tokenParameters: `<root>/connections/<user>/<connection>/…`.
    tokens: arn(`${root}/connections/*`),
  };
}

export const TOKEN_PARAMETERS_REASON =
  'A connection’s token parameters are named at run time from the user and the provider’s subject (tasks/shared/oauth/names.ts); `<prefix>/oauth/connections/*` names only the connections’ tokens of this deployment, never the client secret or any other parameter.';

const TABLE_READS: ReadonlySet<TableAction> = new Set(['GetItem', 'Query']);

/**
 * Exactly the declared actions on the table's ARN (no index is queried, so no `index/*`), and the
 * data key through DynamoDB only: decrypt for reads, encrypt and generate data keys for writes.
 */
export function grantTableActions(
  grantee: iam.IGrantable,
  tableArn: string,
  actions: readonly TableAction[],
  dataKey: kms.IKey,
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [tableArn] }),
  );
  const writes = actions.some((a) => !TABLE_READS.has(a));
  grantee.grantPrincipal.addToPrincipalPolicy(
    keyUseVia(
      dataKey,
      writes
        ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
        : ['kms:Decrypt', 'kms:DescribeKey'],
      'dynamodb',
    ),
  );
}

/** What each use needs: the SSM action on which parameters, and the data key's use through SSM. */
const USES: Record<
  OAuthParameterUse,
  { readonly action: string; readonly on: keyof OAuthParameterArns; readonly key: readonly string[] }
> = {
  'client-secret': { action: 'ssm:GetParameter', on: 'clientSecret', key: ['kms:Decrypt'] },
  'read-tokens': { action: 'ssm:GetParameters', on: 'tokens', key: ['kms:Decrypt'] },
  // SecureString: Standard parameters are encrypted with Encrypt, Advanced ones (Intelligent-
  // Tiering may choose it for a long token) with a data key from GenerateDataKey.
  'write-tokens': { action: 'ssm:PutParameter', on: 'tokens', key: ['kms:Encrypt', 'kms:GenerateDataKey'] },
  // Deleting a SecureString parameter does not use its key.
  'delete-tokens': { action: 'ssm:DeleteParameters', on: 'tokens', key: [] },
};

/**
 * Each declared use: its one SSM action on the client secret's ARN or under the connections'
 * path, and the data key only in requests SSM makes for the function. Returns the ARNs granted
 * that end in a wildcard (for the cdk-nag acknowledgement).
 */
export function grantOAuthParameters(
  grantee: iam.IGrantable,
  uses: readonly OAuthParameterUse[],
  arns: OAuthParameterArns,
  dataKey: kms.IKey,
): string[] {
  const keyActions = new Set<string>();
  const wildcards = new Set<string>();
  for (const use of new Set(uses)) {
    const { action, on, key } = USES[use];
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: [action], resources: [arns[on]] }),
    );
    if (on === 'tokens') wildcards.add(arns.tokens);
    for (const k of key) keyActions.add(k);
  }
  if (keyActions.size > 0) {
    grantee.grantPrincipal.addToPrincipalPolicy(keyUseVia(dataKey, [...keyActions].sort(), 'ssm'));
  }
  return [...wildcards];
}
