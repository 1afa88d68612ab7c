/**
 * The app's settings, from CDK context (`-c key=value` or cdk.json) and the environment, checked
 * once. Account and region may be absent: the stacks are then environment-agnostic and
 * `cdk synth` needs no AWS account or credentials.
 */
import type { App } from 'aws-cdk-lib';
import { z } from 'zod';
import type { SettingName } from '../workflows/index.ts';
import { ConfigError } from './errors.ts';

export interface AppConfig {
  /** Prefix of every stack and state machine name (`wf` → stacks `wf-data`, machine `wf-smoke-check`). */
  readonly prefix: string;
  readonly account?: string;
  readonly region?: string;
  /** The address mail is sent from; its SES identity is created (and must be verified) on deploy. */
  readonly senderAddress: string;
  /** Keep data (tables, database, keys, users) when the stack is deleted. Default true. */
  readonly retainData: boolean;
  /** The workflows' settings (workflows/wiring.ts SETTINGS), from context. */
  readonly settings: Readonly<Partial<Record<SettingName, string>>>;
}

const Settings = z.object({
  prefix: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, '1-20 lowercase letters, digits and dashes, starting with a letter')
    .default('wf'),
  account: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
    .optional(),
  senderAddress: z.email('an email address such as no-reply@example.com').default('no-reply@example.com'),
  retainData: z.enum(['true', 'false']).default('true'),
  approvalTimeoutDays: z.coerce
    .number()
    .min(1 / 24, 'at least one hour (1/24)')
    .max(365, 'at most 365 days (a Standard execution runs up to a year)')
    .default(7),
  ...oauthSettings(),
});

/** The OAuth provider's settings (workflows/wiring.ts SETTINGS); each optional, its default there. */
function oauthSettings() {
  const https = (what: string) =>
    z.url({ protocol: /^https$/, error: `an https:// URL (${what})` }).optional();
  return {
    oauthProviderName: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{0,31}$/,
        '1-32 lowercase letters, digits and dashes, starting with a letter (part of connection ids)',
      )
      .optional(),
    oauthIssuer: https('the OpenID Connect issuer, e.g. https://login.example.com'),
    oauthClientId: z
      .string()
      .regex(
        /^[\x21-\x7E]{1,256}$/,
        'the client id the provider gave this app (1-256 visible characters, no spaces)',
      )
      .optional(),
    oauthApiA: https('the base URL of the provider’s API A'),
    oauthApiB: https('the base URL of the provider’s API B'),
    // RFC 6749 3.3: scope = scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
    oauthScopes: z
      .string()
      .regex(
        /^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/,
        'scopes separated by single spaces, e.g. "openid offline_access projects.read"',
      )
      .optional(),
  };
}

const OAUTH_SETTINGS = [
  'oauthProviderName',
  'oauthIssuer',
  'oauthClientId',
  'oauthApiA',
  'oauthApiB',
  'oauthScopes',
] as const satisfies readonly SettingName[];

/** Context wins over the environment; CDK_DEFAULT_* are what `cdk` sets from the current credentials. */
export function readConfig(app: App, env: NodeJS.ProcessEnv = process.env): AppConfig {
  const context = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return value === undefined || value === null ? undefined : String(value);
  };
  const raw = {
    prefix: context('prefix'),
    account: context('account') ?? env.CDK_DEFAULT_ACCOUNT,
    region: context('region') ?? env.CDK_DEFAULT_REGION,
    senderAddress: context('senderAddress'),
    retainData: context('retainData'),
    approvalTimeoutDays: context('approvalTimeoutDays'),
    ...Object.fromEntries(OAUTH_SETTINGS.map((key) => [key, context(key)])),
  };
  const parsed = Settings.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)),
  );
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `${String(issue.path[0])}: ${issue.message} (got '${raw[issue.path[0] as keyof typeof raw]}'); set it with -c ${String(issue.path[0])}=... or in cdk.json "context"`,
    );
    throw new ConfigError(`The CDK app's settings are not usable:\n  - ${problems.join('\n  - ')}`);
  }
  const { retainData, approvalTimeoutDays, prefix, account, region, senderAddress } = parsed.data;
  const oauth = Object.fromEntries(
    OAUTH_SETTINGS.flatMap((key) => (parsed.data[key] === undefined ? [] : [[key, parsed.data[key]]])),
  );
  return {
    prefix,
    ...(account === undefined ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    senderAddress,
    retainData: retainData === 'true',
    settings: { approvalTimeoutSeconds: String(Math.round(approvalTimeoutDays * 24 * 3600)), ...oauth },
  };
}
