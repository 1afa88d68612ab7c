/**
 * How a task (a thin Lambda handler) declares its wiring: its entry file, the environment it
 * reads (as references, resolved by each environment like a workflow's substitutions), the
 * Cognito trigger it serves and the HTTP routes it answers. The CDK app bundles and wires it;
 * the local cloud runs it in process with the same environment and routes.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Reference, TableId } from '../workflows/index.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST';

export type Route = {
  readonly method: HttpMethod;
  /** API Gateway route syntax: `/approvals/{id}`. */
  readonly path: string;
} & (
  | {
      /**
       * The request must carry a valid ID token of the project's user pool
       * (`Authorization: Bearer <token>`), else 401 before the task runs; the task gets its claims.
       */
      readonly auth: 'cognito';
    }
  | {
      readonly auth: 'none';
      /** Why anyone may call it (the CDK app's cdk-nag acknowledgement says this). */
      readonly publicBecause: string;
    }
);

export type TableAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';

export type OAuthParameterUse = 'client-secret' | 'read-tokens' | 'write-tokens' | 'delete-tokens';

export interface Task {
  /** The function is named `<prefix>-<name>`. */
  readonly name: string;
  readonly description: string;
  /** Absolute path of handler.ts (it exports `handler`). */
  readonly entry: string;
  readonly environment: Readonly<Record<string, Reference>>;
  readonly cognitoTrigger?: 'PreSignUp';
  readonly routes?: readonly Route[];
  /**
   * Items the handler reads with GetItem, and the only attributes it may read of them (granted on
   * AWS with the `dynamodb:Attributes` condition, so a read that asks for more is denied).
   */
  readonly readsItems?: readonly { readonly table: TableId; readonly attributes: readonly string[] }[];
  /** Tables the handler updates items of with UpdateItem (and reads them with GetItem). */
  readonly updatesTables?: readonly TableId[];
  /** Other item operations the handler makes, per table (granted on that table only). */
  readonly tableAccess?: readonly { readonly table: TableId; readonly actions: readonly TableAction[] }[];
  /**
   * What the handler does with the OAuth provider's SecureString parameters (under the
   * deployment's OAuth parameter path): read the client secret; read, write or delete
   * connections' tokens.
   */
  readonly oauthParameters?: readonly OAuthParameterUse[];
  /** Default 10 s (a Cognito trigger must answer within 5 s). */
  readonly timeoutSeconds?: number;
}

export interface TaskSpec extends Omit<Task, 'entry'> {
  /** `import.meta.url` of the task.ts: the handler is the handler.ts beside it. */
  readonly module: string;
}

export function defineTask(spec: TaskSpec): Task {
  const { module, ...rest } = spec;
  return { ...rest, entry: join(dirname(fileURLToPath(module)), 'handler.ts') };
}

/** A handler as the Lambda runtime calls it. */
export type Handler = (event: unknown, context: unknown) => unknown;

/** The task's handler, loaded in process (the local cloud). */
export async function loadHandler(task: Task): Promise<Handler> {
  const loaded = (await import(pathToFileURL(task.entry).href)) as { handler?: Handler };
  if (typeof loaded.handler !== 'function') {
    throw new TypeError(`${task.entry} does not export a function named handler.`);
  }
  return loaded.handler;
}

/** The function's time limit in seconds (Lambda's Timeout), the same on AWS and locally. */
export function timeoutSeconds(task: Pick<Task, 'timeoutSeconds'>): number {
  return task.timeoutSeconds ?? 10;
}

/** The function's name: `<prefix>-<task>`, the same on AWS and locally. */
export function functionName(prefix: string, task: Pick<Task, 'name'>): string {
  return `${prefix}-${task.name}`;
}
