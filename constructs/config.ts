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
});

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
  const { retainData, approvalTimeoutDays, ...rest } = parsed.data;
  return {
    ...rest,
    retainData: retainData === 'true',
    settings: { approvalTimeoutSeconds: String(Math.round(approvalTimeoutDays * 24 * 3600)) },
  };
}
