/**
 * The local Step Functions service: the engine (asl/) behind the AWS JSON API, so the AWS SDK
 * and CLI work against it. State machines, executions and histories live in the data
 * directory; on start, executions that were running carry on (waiting task tokens are
 * accepted again, Wait states fire at their time).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DurableExecutions } from '../../asl/durable.ts';
import {
  type Clock,
  createEntropy,
  createEnvironment,
  type EngineEnvironment,
  parseDefinition,
  type StateMachineDefinition,
  type TaskRegistry,
} from '../../asl/index.ts';
import { createDefaultRegistry } from '../../asl/services/index.ts';
import {
  type ExecutionStore,
  openFileStore,
  Sealer,
  type StateMachineRecord,
} from '../../asl/store/index.ts';
import { type LocalService, type LocalServiceOptions, listen } from '../service.ts';
import type { SfnBackend } from './backend.ts';
import { createSfnServer } from './server.ts';
import { requireStateMachine } from './state-machines.ts';

export { SfnApiError } from './errors.ts';

export interface StepFunctionsOptions extends LocalServiceOptions {
  /** How Task states reach services; by default the AWS SDK through AWS_ENDPOINT_URL_*. */
  readonly tasks?: TaskRegistry;
  readonly clock?: Clock;
}

export interface StepFunctionsService extends LocalService {
  readonly backend: SfnBackend;
}

/** The task-token secret, kept so tokens handed out before a restart stay valid after it. */
async function tokenSecret(dir: string): Promise<Uint8Array> {
  const path = join(dir, 'token.key');
  if (existsSync(path)) return new Uint8Array(await readFile(path));
  const secret = randomBytes(32);
  await writeFile(path, secret, { mode: 0o600 });
  return secret;
}

export async function startStepFunctions(options: StepFunctionsOptions): Promise<StepFunctionsService> {
  await mkdir(options.dataDir, { recursive: true });
  const at = { region: options.region ?? 'us-east-1', account: options.account ?? '111111111111' };
  const log = options.log ?? (() => {});
  // Histories hold inputs, outputs and task parameters (task tokens among them): sealed at rest
  // with a key of this data directory, as AWS encrypts execution data.
  const store: ExecutionStore = await openFileStore(join(options.dataDir, 'store'), {
    sealer: await Sealer.fromKeyFile(join(options.dataDir, 'store.key')),
  });
  const env: EngineEnvironment = createEnvironment({
    tasks: options.tasks ?? createDefaultRegistry(),
    entropy: createEntropy(await tokenSecret(options.dataDir)),
    region: at.region,
    account: at.account,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // Parsed and compiled once per revision: a start runs the cached tree while the machine's
  // definition and substitutions are those it was parsed from.
  const compiled = new Map<
    string,
    { text: string; substitutions: string; definition: StateMachineDefinition }
  >();
  const definitionOf = (machine: StateMachineRecord) => {
    const substitutions = JSON.stringify(machine.substitutions ?? null);
    const cached = compiled.get(machine.stateMachineArn);
    if (cached?.text === machine.definition && cached.substitutions === substitutions)
      return cached.definition;
    const definition = parseDefinition(
      machine.definition,
      machine.substitutions ? { substitutions: machine.substitutions } : {},
    );
    compiled.set(machine.stateMachineArn, { text: machine.definition, substitutions, definition });
    return definition;
  };
  const loadDefinition = async (arn: string) => definitionOf(await requireStateMachine(store, arn));
  const executions = new DurableExecutions(env, store, loadDefinition);
  const backend: SfnBackend = { store, env, executions, at, definitionOf, loadDefinition };
  const resumed = await executions.resumeAll();
  for (const r of resumed)
    r.done.catch((error: unknown) => log(`sfn resumed execution failed to finish: ${String(error)}`));
  if (resumed.length > 0) log(`sfn resumed ${resumed.length} running execution(s)`);

  const server = createSfnServer(backend, log);
  const { endpoint, stop } = await listen(server, options);
  let closed: Promise<void> | undefined;
  return {
    id: 'SFN',
    endpoint,
    backend,
    close: () => {
      closed ??= (async () => {
        await stop();
        await executions.suspend();
        await store.close();
      })();
      return closed;
    },
  };
}
