/**
 * The local cloud: every local service on loopback with one data directory, wired so that the
 * engine's own AWS SDK clients (Task states) reach the local services too.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Clock } from '../asl/index.ts';
import { startCognito } from './cognito/index.ts';
import { ownerOnlyUmask, restrictToOwner } from './data-dir.ts';
import { startDynamoDb } from './dynamodb/index.ts';
import { type LambdaHandler, startLambda } from './lambda/index.ts';
import { lockDataDir } from './lock.ts';
import { type LocalPostgres, startPostgres } from './postgres/index.ts';
import { startRdsData } from './rds-data/index.ts';
import { endpointVariable, type LocalService } from './service.ts';
import { type LocalSes, type SentEmail, startSes } from './ses/index.ts';
import { startStepFunctions } from './sfn/index.ts';
import { startSsm } from './ssm/index.ts';

export interface LocalCloudOptions {
  /** Where all services keep their data (default `.data` in the project). Kept across restarts. */
  readonly dataDir?: string;
  /** Start from empty data. */
  readonly fresh?: boolean;
  /** Lambda functions served in process, by name (also the Cognito triggers, by function name). */
  readonly functions?: Readonly<Record<string, LambdaHandler>>;
  readonly region?: string;
  /** The engine's clock (a VirtualClock in tests: Wait states and timeouts on virtual time). */
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
}

export interface LocalCloud {
  readonly dataDir: string;
  readonly region: string;
  /** The account id in the local ARNs. */
  readonly account: string;
  readonly services: readonly LocalService[];
  /** The environment a process needs to use the local cloud through the AWS SDK or CLI. */
  readonly environment: Readonly<Record<string, string>>;
  /** Client configuration for one service: `new SFNClient(cloud.sdkConfig('SFN'))`. */
  sdkConfig(id: string): LocalSdkConfig;
  /** Every email sent through the local SES, oldest first. */
  outbox(): Promise<SentEmail[]>;
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
  const started: LocalService[] = [];
  let postgres: LocalPostgres | undefined;
  let ses: LocalSes | undefined;
  const environment: Record<string, string> = { AWS_REGION: region, ...LOCAL_CREDENTIALS };

  const add = (service: LocalService): void => {
    started.push(service);
    environment[endpointVariable(service.id)] = service.endpoint;
    // This process's own SDK clients (the engine's Task states) use the local endpoints too.
    process.env[endpointVariable(service.id)] = service.endpoint;
  };
  for (const [key, value] of Object.entries({ AWS_REGION: region, ...LOCAL_CREDENTIALS }))
    process.env[key] ??= value;

  try {
    add(
      await startLambda({
        dataDir: join(dataDir, 'lambda'),
        functions: options.functions ?? {},
        region,
        log,
      }),
    );
    add(await startSsm({ dataDir: join(dataDir, 'ssm'), region, log }));
    // Cognito triggers run the same in-process functions Lambda serves, by function name.
    add(
      await startCognito({
        dataDir: join(dataDir, 'cognito'),
        triggers: options.functions ?? {},
        region,
        log,
      }),
    );
    ses = await startSes({ dataDir: join(dataDir, 'ses'), region, log });
    add(ses);
    // PostgreSQL is not an AWS endpoint: the RDS Data API in front of it is. Its password stays in
    // its data dir (mode 0600) and is never printed.
    postgres = await startPostgres({ dataDir: join(dataDir, 'postgres'), log });
    add(await startRdsData({ dataDir: join(dataDir, 'rds-data'), databaseUrl: postgres.url, region, log }));
    const dynamodb = await startDynamoDb({ dataDir: join(dataDir, 'dynamodb'), region, log });
    add(dynamodb);
    // The Streams API shares DynamoDB's port (told apart by X-Amz-Target) but has its own variable.
    for (const [key, value] of Object.entries(dynamodb.environment)) {
      environment[key] = value;
      process.env[key] = value;
    }
    // Step Functions last: its Task states call the services above.
    add(
      await startStepFunctions({
        dataDir: join(dataDir, 'sfn'),
        region,
        account: LOCAL_ACCOUNT,
        log,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    );
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    await postgres?.close();
    await restore();
    await lock.release();
    throw error;
  }

  let closed: Promise<void> | undefined;
  return {
    dataDir,
    region,
    account: LOCAL_ACCOUNT,
    services: started,
    environment,
    outbox: () => ses?.outbox() ?? Promise.resolve([]),
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
        await postgres?.close();
        await restore();
        await lock.release();
      })();
      return closed;
    },
  };
}
