/**
 * The local cloud: every local service on loopback with one data directory, each on a port kept
 * for that data directory, behind one edge endpoint that routes any SDK request to its service;
 * the engine's own AWS SDK clients (Task states) are given the edge endpoint explicitly.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { Clock } from '../asl/index.ts';
import {
  createDefaultRegistry,
  createStartExecutionHandler,
  type TaskRegistry,
} from '../asl/services/index.ts';
import { startCognito } from './cognito/index.ts';
import { ownerOnlyUmask, restrictToOwner } from './data-dir.ts';
import { startDynamoDb } from './dynamodb/index.ts';
import { type Edge, startEdge } from './edge.ts';
import { type LambdaHandler, startLambda } from './lambda/index.ts';
import { lockDataDir } from './lock.ts';
import { startPipes } from './pipes/index.ts';
import { loadPorts, type Ports, portOf, portTaken } from './ports.ts';
import { type LocalPostgres, startPostgres } from './postgres/index.ts';
import { startRdsData } from './rds-data/index.ts';
import { startScheduler } from './scheduler/index.ts';
import { endpointVariable, type LocalService } from './service.ts';
import { type LocalSes, type SentEmail, startSes } from './ses/index.ts';
import { startStepFunctions } from './sfn/index.ts';
import { startSqs } from './sqs/index.ts';
import { startSsm } from './ssm/index.ts';

export interface LocalCloudOptions {
  /** Where all services keep their data (default `.data` in the project). Kept across restarts. */
  readonly dataDir?: string;
  /** Start from empty data. */
  readonly fresh?: boolean;
  /** Lambda functions served in process, by name (also the Cognito triggers, by function name). */
  readonly functions?: Readonly<Record<string, LambdaHandler>>;
  /** Their time limits in ms, by function name (default 3 s, Lambda's default). */
  readonly functionTimeouts?: Readonly<Record<string, number>>;
  readonly region?: string;
  /** The engine's clock (a VirtualClock in tests: Wait states and timeouts on virtual time). */
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** The edge endpoint's port (`wf up` uses 4566); 0 or absent picks a free one. */
  readonly edgePort?: number;
}

export interface LocalCloud {
  readonly dataDir: string;
  readonly region: string;
  /** The account id in the local ARNs. */
  readonly account: string;
  readonly services: readonly LocalService[];
  /** The one endpoint for every service (`AWS_ENDPOINT_URL`). */
  readonly edge: string;
  /** The ports kept for this data directory (the app keeps its HTTP routes' port there too). */
  readonly ports: Ports;
  /**
   * The environment a process needs to use the local cloud through the AWS SDK or CLI:
   * `AWS_ENDPOINT_URL` (the edge) first, then each service's own variable.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Client configuration for one service: `new SFNClient(cloud.sdkConfig('SFN'))`. */
  sdkConfig(id: string): LocalSdkConfig;
  /** Every email sent through the local SES, oldest first. */
  outbox(): Promise<SentEmail[]>;
  /**
   * The PostgreSQL server behind the RDS Data API, to rehearse an outage: `stop()` shuts it down
   * (the Data API then answers DatabaseUnavailableException, as AWS does while the writer is
   * unavailable) and `start()` brings it back on the same port. Refused when DATABASE_URL names
   * a server of your own.
   */
  readonly database: { stop(): Promise<void>; start(): Promise<void> };
  close(): Promise<void>;
}

export interface LocalSdkConfig {
  readonly region: string;
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export class LocalCloudError extends Error {
  override name = 'LocalCloudError';
}

/** The account the local ARNs name. */
export const LOCAL_ACCOUNT = '111111111111';

/** Dummy credentials: the local services do not check signatures, but the SDKs insist on signing. */
const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' };
const SDK_CREDENTIALS = {
  accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
};

/**
 * The engine's integrations, each SDK client built for the edge endpoint with the local
 * credentials (nothing read from this process's environment). `disableHostPrefix`: the SDK would
 * send StartSyncExecution to a `sync-` host, which a loopback endpoint does not have.
 */
function localRegistry(edge: string): TaskRegistry {
  const local = (region: string) => ({ region, endpoint: edge, credentials: SDK_CREDENTIALS });
  return createDefaultRegistry({
    awsSdk: {
      clientFactory: (spec) => new spec.clientClass({ ...local(spec.region), disableHostPrefix: true }),
    },
    lambda: { clientFactory: (region) => new LambdaClient(local(region)) },
    startExecution: createStartExecutionHandler({ client: (region) => new SFNClient(local(region)) }),
  });
}

export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const dataDir = resolve(options.dataDir ?? '.data');
  // Readable by its owner only (data-dir.ts): what services create while the cloud runs, and what
  // an earlier run left, except the folder PostgreSQL's own user keeps.
  const keptByPostgres = [join(dataDir, 'postgres')];
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // One local cloud per data directory (lock.ts): refused while another runs on it, taken over
  // from one that died; --fresh empties the directory only once it is this one's.
  const lock = await lockDataDir(dataDir, { fresh: options.fresh === true });
  // As root, the embedded PostgreSQL runs as the OS user `postgres`, which must be able to pass
  // through the data directory (a mkdtemp directory is 0700); 0711 lets it pass, not list.
  const ownerOnly = async () => {
    await restrictToOwner(dataDir, keptByPostgres);
    if (process.getuid?.() === 0 && !process.env.DATABASE_URL) await chmod(dataDir, 0o711);
  };
  await ownerOnly();
  const umask = ownerOnlyUmask();
  const restore = async () => {
    if (umask !== undefined) process.umask(umask);
    await ownerOnly();
  };
  const region = options.region ?? 'us-east-1';
  const log = options.log ?? (() => {});
  const ports = await loadPorts(dataDir);
  const started: LocalService[] = [];
  let postgres: LocalPostgres | undefined;
  let ses: LocalSes | undefined;
  let edge: Edge | undefined;
  const perService: Record<string, string> = {};

  /** Starts a service on the port kept for it, and routes the edge to it. */
  const add = async (id: string, start: (port: number) => Promise<LocalService>): Promise<LocalService> => {
    const port = ports.get(id);
    const service = await start(port).catch((error: unknown) => {
      throw portTaken(id, port, ports.file, error);
    });
    started.push(service);
    ports.set(id, portOf(service.endpoint));
    perService[endpointVariable(service.id)] = service.endpoint;
    edge?.register(service.id, service.endpoint);
    return service;
  };

  try {
    edge = await startEdge({ port: options.edgePort ?? 0, log }).catch((error: unknown) => {
      if ((error as { code?: unknown } | null)?.code !== 'EADDRINUSE') throw error;
      throw new LocalCloudError(
        `Port ${options.edgePort} for the edge endpoint is in use by another process (another local cloud or AWS emulator?). Stop it, or choose another port (wf up --port <n>).`,
        { cause: error },
      );
    });
    await add('LAMBDA', (port) =>
      startLambda({
        dataDir: join(dataDir, 'lambda'),
        functions: options.functions ?? {},
        ...(options.functionTimeouts ? { timeouts: options.functionTimeouts } : {}),
        region,
        log,
        port,
      }),
    );
    await add('SSM', (port) => startSsm({ dataDir: join(dataDir, 'ssm'), region, log, port }));
    await add('SQS', (port) =>
      startSqs({ dataDir: join(dataDir, 'sqs'), region, account: LOCAL_ACCOUNT, log, port }),
    );
    // Cognito triggers run the same in-process functions Lambda serves, by function name.
    await add('COGNITO_IDENTITY_PROVIDER', (port) =>
      startCognito({
        dataDir: join(dataDir, 'cognito'),
        triggers: options.functions ?? {},
        region,
        log,
        port,
      }),
    );
    await add('SESV2', async (port) => {
      ses = await startSes({ dataDir: join(dataDir, 'ses'), region, log, port });
      return ses;
    });
    // SES v1 (AWS_ENDPOINT_URL_SES) is served on the same port, with its own variable.
    Object.assign(perService, ses?.environment ?? {});
    // PostgreSQL is not an AWS endpoint: the RDS Data API in front of it is. Its password stays in
    // its data dir (mode 0600) and is never printed.
    postgres = await startPostgres({ dataDir: join(dataDir, 'postgres'), log });
    const databaseUrl = postgres.url;
    await add('RDS_DATA', (port) =>
      startRdsData({ dataDir: join(dataDir, 'rds-data'), databaseUrl, region, log, port }),
    );
    const dynamodb = await startDynamoDb({
      dataDir: join(dataDir, 'dynamodb'),
      region,
      log,
      port: ports.get('DYNAMODB'),
    }).catch((error: unknown) => {
      throw portTaken('DYNAMODB', ports.get('DYNAMODB'), ports.file, error);
    });
    await add('DYNAMODB', async () => dynamodb);
    // The Streams API shares DynamoDB's port (told apart by X-Amz-Target) but has its own variable.
    Object.assign(perService, dynamodb.environment);
    // Step Functions last: its Task states call the services above, through the edge.
    const edgeEndpoint = edge.endpoint;
    await add('SFN', (port) =>
      startStepFunctions({
        dataDir: join(dataDir, 'sfn'),
        region,
        account: LOCAL_ACCOUNT,
        log,
        port,
        tasks: localRegistry(edgeEndpoint),
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    );
    // Pipes after Step Functions: its runners read the streams and invoke the state machines
    // (and send to the SQS dead-letter queues) through the edge.
    const viaEdge = () => edgeEndpoint;
    await add('PIPES', (port) =>
      startPipes({
        dataDir: join(dataDir, 'pipes'),
        region,
        account: LOCAL_ACCOUNT,
        log,
        port,
        endpoints: { streams: viaEdge, sfn: viaEdge, sqs: viaEdge },
      }),
    );
    // The Scheduler after Step Functions and SQS: its runners start executions and send to the
    // dead-letter queues through the edge, on the engine's clock.
    await add('SCHEDULER', (port) =>
      startScheduler({
        dataDir: join(dataDir, 'scheduler'),
        region,
        account: LOCAL_ACCOUNT,
        log,
        port,
        endpoints: { sfn: viaEdge, sqs: viaEdge },
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    );
    await ports.save();
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    await postgres?.close();
    await edge?.close();
    await restore();
    await lock.release();
    throw error;
  }
  const environment: Record<string, string> = {
    AWS_REGION: region,
    ...LOCAL_CREDENTIALS,
    AWS_ENDPOINT_URL: edge.endpoint,
    ...perService,
  };

  let closed: Promise<void> | undefined;
  const pgDataDir = join(dataDir, 'postgres');
  const pgPort = Number(new URL(postgres.url).port);
  let database: Promise<LocalPostgres | undefined> = Promise.resolve(postgres);
  const external = () => {
    if (process.env.DATABASE_URL) {
      throw new LocalCloudError(
        'DATABASE_URL names a PostgreSQL server of your own: stop and start it yourself.',
      );
    }
  };
  return {
    dataDir,
    region,
    account: LOCAL_ACCOUNT,
    services: started,
    edge: edge.endpoint,
    ports,
    environment,
    outbox: () => ses?.outbox() ?? Promise.resolve([]),
    database: {
      stop: async () => {
        external();
        database = database.then(async (running) => {
          await running?.close();
          return undefined;
        });
        await database;
      },
      start: async () => {
        external();
        database = database.then(
          async (running) => running ?? startPostgres({ dataDir: pgDataDir, port: pgPort, log }),
        );
        postgres = await database;
      },
    },
    sdkConfig: (id) => {
      const service = started.find((s) => s.id === id);
      if (!service) {
        throw new LocalCloudError(
          `The local cloud has no service '${id}'. It has: ${started.map((s) => s.id).join(', ')}.`,
        );
      }
      return {
        region,
        endpoint: service.endpoint,
        credentials: {
          accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
          secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
        },
      };
    },
    close: () => {
      // Step Functions first, so no execution calls a service that is already gone.
      closed ??= (async () => {
        for (const service of [...started].reverse()) await service.close();
        await (await database.catch(() => postgres))?.close();
        await edge?.close();
        await restore();
        await lock.release();
      })();
      return closed;
    },
  };
}
