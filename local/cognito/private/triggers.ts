/**
 * Cognito triggers run in process. cognito-local reads one global trigger table and calls an
 * aws-sdk v2 Lambda client; AWS reads each user pool's LambdaConfig. So the trigger table here
 * answers from the LambdaConfig of the pool the current request addresses (kept in an
 * AsyncLocalStorage for the request's duration, disabled between requests), and the Lambda client calls the handler named
 * by the function ARN. cognito-local builds the event (Cognito's trigger shapes) and maps a
 * function error to UserLambdaValidationException "<Trigger> failed with error <message>.",
 * which is AWS's text because the table answers the trigger's own name as the function name.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { LambdaService } from 'cognito-local/lib/services/lambda.js';
import type { LambdaHandler } from '../../lambda/index.ts';
import { CognitoTriggerNotFoundError } from '../errors.ts';

/** A pool's LambdaConfig: trigger name (PreSignUp, ...) to function ARN or name. */
export type TriggerConfig = Readonly<Record<string, unknown>>;

type LambdaClient = ConstructorParameters<typeof LambdaService>[1];
type FunctionTable = ConstructorParameters<typeof LambdaService>[0];

interface InvokeParams {
  readonly FunctionName: string;
  readonly Payload: string;
}

export interface PoolTriggers {
  /** Runs `work` with the triggers of the pool the request addresses. */
  run<T>(config: TriggerConfig, work: () => Promise<T>): Promise<T>;
  readonly table: FunctionTable;
  readonly client: LambdaClient;
}

export function poolTriggers(
  handlers: Readonly<Record<string, LambdaHandler>>,
  region: string,
  account: string,
  log: (line: string) => void,
): PoolTriggers {
  const current = new AsyncLocalStorage<TriggerConfig>();
  const configured = (trigger: string): string | undefined => {
    const target = current.getStore()?.[trigger];
    return typeof target === 'string' && target !== '' ? target : undefined;
  };
  // LambdaService reads `table[trigger]` for both "enabled?" and the function name it reports.
  const table = new Proxy<FunctionTable>(
    {},
    { get: (_target, trigger) => (typeof trigger === 'string' && configured(trigger) ? trigger : undefined) },
  );

  async function invoke({ FunctionName: trigger, Payload }: InvokeParams) {
    const target = configured(trigger) ?? '';
    // An ARN is arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>].
    const name = target.startsWith('arn:') ? (target.split(':')[6] ?? target) : target;
    const handler = handlers[name];
    if (!handler) {
      const error = new CognitoTriggerNotFoundError(trigger, name);
      log(`cognito: ${error.message}`);
      throw error;
    }
    const event = { ...(JSON.parse(Payload) as Record<string, unknown>), region };
    const deadline = Date.now() + 5000; // Cognito waits 5 s for a trigger.
    const context = {
      functionName: name,
      awsRequestId: randomUUID(),
      invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${name}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const result = await handler(event, context);
      return { StatusCode: 200, Payload: JSON.stringify(result ?? null) };
    } catch (error: unknown) {
      // The Node.js runtime's payload for an unhandled error.
      const errorType = error instanceof Error ? error.name : 'Error';
      const errorMessage = error instanceof Error ? error.message : String(error);
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: JSON.stringify({ errorType, errorMessage }),
      };
    }
  }

  const client = { invoke: (params: InvokeParams) => ({ promise: () => invoke(params) }) };
  // On Node 20 a running AsyncLocalStorage keeps async hooks on for every promise of the process
  // (the engine's JSONata evaluation makes many: a third of its CPU). Disabled whenever no Cognito
  // request is in flight, the hooks are off again; the next run() turns them back on.
  let active = 0;
  return {
    run: async (config, work) => {
      active += 1;
      try {
        return await current.run(config, work);
      } finally {
        active -= 1;
        if (active === 0) current.disable();
      }
    },
    table,
    client: client as unknown as LambdaClient,
  };
}
