/**
 * How a workflow declares its wiring: its name and kind, the zod schemas of its input and
 * output, the `${Name}` substitutions its definition needs (as references to resources, not
 * values), and what starts it. The CDK app (constructs/) and the local cloud (local/) both read
 * these declarations and resolve every reference their own way, so what is deployed and what
 * runs locally come from one place and cannot drift.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { WiringError } from './errors.ts';
import {
  compareStatement,
  driftStatement,
  keyAttributes,
  PROJECTIONS,
  type ProjectedTableId,
  stageStatement,
  upsertStatement,
} from './projections.ts';
import type { TableId } from './tables.ts';

/**
 * A resource a substitution names. Each environment resolves it: the CDK to a token of the
 * deployed resource, the local cloud to the local resource.
 */
export type Reference =
  /** The name of one of the project's DynamoDB tables (workflows/tables.ts). */
  | { readonly kind: 'table-name'; readonly table: TableId }
  /** The ARN of the Aurora PostgreSQL cluster, as the RDS Data API's `ResourceArn`. */
  | { readonly kind: 'database-cluster-arn' }
  /** The ARN of the database credentials secret, as the RDS Data API's `SecretArn`. */
  | { readonly kind: 'database-secret-arn' }
  /** The application database's name, as the RDS Data API's `Database`. */
  | { readonly kind: 'database-name' }
  /** The address mail is sent from (the SES identity). */
  | { readonly kind: 'sender-address' }
  /** The ARN of the SES identity mail is sent from, as SES v2's `FromEmailAddressIdentityArn`. */
  | { readonly kind: 'sender-identity-arn' }
  /** The id of the project's Cognito user pool. */
  | { readonly kind: 'user-pool-id' }
  /** The id of the user pool's app client that the web pages sign in with. */
  | { readonly kind: 'user-pool-client-id' }
  /** The ARN of another workflow's state machine. */
  | { readonly kind: 'state-machine-arn'; readonly workflow: string }
  /** The ARN of one of the project's tasks as a Lambda function (tasks/<task>), for `lambda:invoke`. */
  | { readonly kind: 'function-arn'; readonly task: string }
  /**
   * The SSM Parameter Store path under which the OAuth provider's secrets live: the client secret
   * (`<path>/client-secret`) and each connection's tokens (`<path>/connections/…`), SecureString.
   */
  | { readonly kind: 'oauth-parameter-path' }
  /** The base URL of the project's HTTP routes (no trailing slash), for links in emails. */
  | { readonly kind: 'public-url' }
  /** A deployment setting (CDK context, or the local cloud's option). */
  | { readonly kind: 'setting'; readonly name: SettingName }
  /**
   * Derived from the projection of a table (workflows/projections.ts), the same everywhere: its
   * upsert statement, or its attribute-to-column mapping.
   */
  | { readonly kind: 'projection'; readonly table: ProjectedTableId; readonly part: ProjectionPart };

/** Settings a deployment chooses; each has a default. */
export const SETTINGS = {
  /** How long an admin has to decide on a sign-up (default 7 days). */
  approvalTimeoutSeconds: String(7 * 24 * 3600),
  /** How long a new user has to prove the address before the sign-up is removed (default 1 day). */
  verificationTimeoutSeconds: String(24 * 3600),
  /** Sign-ups of one company waiting (for the address check or an admin) at once (default 20). */
  pendingSignUpsPerCompany: '20',
  /** Sign-ups with one address in 24 hours (default 3): bounds the mail an address can be sent. */
  signUpsPerAddressPerDay: '3',
  /**
   * The longest a change can take from DynamoDB to PostgreSQL through the pipes (their maximum
   * record age, 1 hour): the reconciliation judges only what is older than this.
   */
  maxStreamLagSeconds: String(3600),
  /** Scan segments of the reconciliation scanned at once, per table (default 4; also the fewest). */
  reconciliationScanConcurrency: '4',
  /**
   * Items per scan segment of the reconciliation (default 10,000), from the table's item count:
   * each segment is one Express child execution, which must end within 5 minutes.
   */
  reconciliationSegmentItems: '10000',
  /**
   * The OAuth provider users connect to: its name (part of connection ids and parameter paths),
   * its OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`), this
   * app's client id there, and the base URLs of its two resource APIs. The local cloud sets them
   * to its sandbox provider; on AWS, set them as CDK context (README, OAuth onboarding).
   */
  oauthProviderName: 'sandbox',
  oauthIssuer: '',
  oauthClientId: '',
  oauthApiA: '',
  oauthApiB: '',
  /** The scopes the app asks the provider for (space-separated). */
  oauthScopes: 'openid offline_access projects.read accounts.read',
} as const;

export type SettingName = keyof typeof SETTINGS;

/** Builders for references, so a declaration reads `ref.table('approvals')`. */
export const ref = {
  table: (table: TableId): Reference => ({ kind: 'table-name', table }),
  databaseClusterArn: (): Reference => ({ kind: 'database-cluster-arn' }),
  databaseSecretArn: (): Reference => ({ kind: 'database-secret-arn' }),
  databaseName: (): Reference => ({ kind: 'database-name' }),
  senderAddress: (): Reference => ({ kind: 'sender-address' }),
  senderIdentityArn: (): Reference => ({ kind: 'sender-identity-arn' }),
  userPoolId: (): Reference => ({ kind: 'user-pool-id' }),
  userPoolClientId: (): Reference => ({ kind: 'user-pool-client-id' }),
  stateMachineArn: (workflow: string): Reference => ({ kind: 'state-machine-arn', workflow }),
  functionArn: (task: string): Reference => ({ kind: 'function-arn', task }),
  oauthParameterPath: (): Reference => ({ kind: 'oauth-parameter-path' }),
  publicUrl: (): Reference => ({ kind: 'public-url' }),
  setting: (name: SettingName): Reference => ({ kind: 'setting', name }),
  projectionUpsert: (table: ProjectedTableId): Reference => ({ kind: 'projection', table, part: 'upsert' }),
  projectionKey: (table: ProjectedTableId): Reference => ({ kind: 'projection', table, part: 'key' }),
  /** One of the reconciliation's statements for the table (workflows/projections.ts). */
  projectionStatement: (table: ProjectedTableId, part: 'stage' | 'compare' | 'drift'): Reference => ({
    kind: 'projection',
    table,
    part,
  }),
} as const;

/** What a projection reference stands for: the same text in every deployment. */
/** What each part of a projection is, as a substitution (statements and the key attributes). */
const PROJECTION_PARTS = {
  upsert: upsertStatement,
  key: keyAttributes,
  stage: stageStatement,
  compare: compareStatement,
  drift: driftStatement,
} as const;

export type ProjectionPart = keyof typeof PROJECTION_PARTS;

export function projectionValue(reference: { table: ProjectedTableId; part: ProjectionPart }): string {
  return PROJECTION_PARTS[reference.part](PROJECTIONS[reference.table]);
}

/**
 * What starts a workflow. `api`: a caller granted StartExecution (an operator, a test, another
 * service's role). Each process adds the kind it needs (a Cognito trigger, a Pipe, a schedule),
 * with its CDK wiring and its local runner together.
 */
export type Trigger =
  | { readonly kind: 'api'; readonly description: string }
  /**
   * One of the project's tasks (tasks/<function>) starts it: StartExecution, or
   * StartSyncExecution for an Express workflow whose answer the task waits for.
   */
  | {
      readonly kind: 'task';
      readonly task: string;
      readonly sync?: boolean;
      /** Further tasks that start it the same way (each is granted the start). */
      readonly alsoTasks?: readonly string[];
    }
  /**
   * An EventBridge Pipe per table, from its DynamoDB stream, invoking this (Express) workflow
   * synchronously with batches of records (REQUEST_RESPONSE), its `batchItemFailures` honoured,
   * bisecting on partial failure, and a dead-letter queue for what it gives up on.
   */
  | {
      readonly kind: 'pipe';
      readonly tables: readonly TableId[];
      readonly batchSize: number;
      readonly batchingWindowSeconds: number;
      /** Bounded, so a poison record never blocks its shard until the stream trims it. */
      readonly maximumRetryAttempts: number;
      readonly maximumRecordAgeSeconds: number;
    }
  /**
   * An EventBridge Scheduler schedule starting this (Standard) workflow with `input`:
   * `expression` is AWS's `cron(…)`, `rate(…)` or `at(…)`, read in `timezone` (IANA name);
   * each firing may come up to `flexibleWindowMinutes` late (0: exactly on time). A firing
   * whose StartExecution fails is retried (`maximumRetryAttempts`, `maximumEventAgeSeconds`)
   * and then described in the schedule's dead-letter queue.
   */
  | {
      readonly kind: 'schedule';
      readonly expression: string;
      readonly timezone: string;
      readonly flexibleWindowMinutes: number;
      readonly input: Readonly<Record<string, unknown>>;
      readonly maximumRetryAttempts: number;
      readonly maximumEventAgeSeconds: number;
    };

export type WorkflowType = 'STANDARD' | 'EXPRESS';

export interface Workflow<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  /** The process name, lowercase with dashes; the state machine is named `<prefix>-<name>`. */
  readonly name: string;
  readonly description: string;
  readonly type: WorkflowType;
  /** Absolute path of the definition (definition.asl.json beside workflow.ts). */
  readonly definitionPath: string;
  readonly input: Input;
  readonly output: Output;
  /** Every `${Name}` the definition uses, and the resource each one names. */
  readonly substitutions: Readonly<Record<string, Reference>>;
  readonly startedBy: Trigger;
  /**
   * Workflows whose waiting `.waitForTaskToken` tasks this one resumes (SendTaskSuccess and
   * friends). The token names the execution only at run time, so the derived policy cannot scope
   * the call; the deployment grants the key use those workflows' encrypted data needs.
   */
  readonly resumes?: readonly string[];
}

export interface WorkflowSpec<Input extends z.ZodType, Output extends z.ZodType>
  extends Omit<Workflow<Input, Output>, 'definitionPath'> {
  /** `import.meta.url` of the workflow.ts: the definition is the definition.asl.json beside it. */
  readonly module: string;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const PLACEHOLDER = /\$\{([^}]*)\}/g;
const SUBSTITUTION_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * Declares a workflow and checks that its definition and its substitutions agree: every
 * `${Name}` in the file is declared, and every declared substitution is used.
 */
export function defineWorkflow<Input extends z.ZodType, Output extends z.ZodType>(
  spec: WorkflowSpec<Input, Output>,
): Workflow<Input, Output> {
  const { module, ...rest } = spec;
  const workflow = { ...rest, definitionPath: join(dirname(fileURLToPath(module)), 'definition.asl.json') };
  const problems = checkWorkflow(workflow);
  if (problems.length > 0) {
    throw new WiringError(
      `Workflow '${spec.name}' is not wired consistently:\n  - ${problems.join('\n  - ')}`,
    );
  }
  return workflow;
}

/** What is inconsistent between a declaration and its definition file; empty when nothing is. */
export function checkWorkflow(workflow: Workflow): string[] {
  const problems: string[] = [];
  if (!NAME.test(workflow.name)) {
    problems.push(
      `name '${workflow.name}' must be 1-40 lowercase letters, digits and dashes, starting with a letter (it becomes part of the state machine name)`,
    );
  }
  for (const key of Object.keys(workflow.substitutions)) {
    if (!SUBSTITUTION_KEY.test(key)) {
      problems.push(`substitution '${key}' must be a letter followed by letters, digits or _`);
    }
  }
  let text: string;
  try {
    text = readFileSync(workflow.definitionPath, 'utf8');
  } catch (error) {
    problems.push(`cannot read ${workflow.definitionPath}: ${(error as Error).message}`);
    return problems;
  }
  const used = placeholders(text);
  for (const name of used) {
    if (!Object.hasOwn(workflow.substitutions, name)) {
      problems.push(
        `the definition uses \${${name}} but the workflow declares no substitution '${name}': add it to substitutions in workflow.ts`,
      );
    }
  }
  for (const name of Object.keys(workflow.substitutions)) {
    if (!used.has(name)) {
      problems.push(
        `substitution '${name}' is declared but the definition never uses \${${name}}: remove it or use it`,
      );
    }
  }
  return problems;
}

/** The `${Name}` placeholders in a definition's text. */
export function placeholders(text: string): Set<string> {
  return new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ''));
}

/**
 * The substitution values of a workflow, each reference resolved by `resolve`. The CDK passes
 * them as `definitionSubstitutions`; the local cloud applies them before CreateStateMachine, as
 * CloudFormation does.
 */
export function resolveSubstitutions(
  workflow: Workflow,
  resolve: (reference: Reference) => string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(workflow.substitutions).map(([key, reference]) => {
      const value = resolve(reference);
      // CloudFormation replaces ${Name} with the raw text, inside a JSON string of the definition.
      if (/["\\\n]/.test(value)) {
        throw new WiringError(
          `Substitution '${key}' of workflow '${workflow.name}' resolves to a value with a double quote, a backslash or a line break, which would break the definition's JSON on AWS (CloudFormation substitutes raw text): use a value without them.`,
        );
      }
      return [key, value];
    }),
  );
}

/** `${Name}` replaced in the definition's text, as CloudFormation replaces definitionSubstitutions. */
export function substituteDefinition(text: string, values: Readonly<Record<string, string>>): string {
  // Placeholders stand inside JSON strings, so a value is written JSON-escaped.
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    return value === undefined ? whole : JSON.stringify(value).slice(1, -1);
  });
}

/** Where a deployment keeps the OAuth provider's secrets in SSM Parameter Store: `/<prefix>/oauth`. */
export function oauthParameterPath(prefix: string): string {
  return `/${prefix}/oauth`;
}

/** The state machine's name: `<prefix>-<workflow>`, the same on AWS and locally. */
export function stateMachineName(prefix: string, workflow: Pick<Workflow, 'name'>): string {
  return `${prefix}-${workflow.name}`;
}
