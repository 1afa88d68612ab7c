/**
 * A PostgreSQL server in a temporary data dir, the local RDS Data API over it, and an SDK client
 * for the endpoint. Each test file starts one (beforeAll): initdb takes a moment.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ExecuteStatementCommand,
  type ExecuteStatementCommandOutput,
  RDSDataClient,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { expect } from 'vitest';
import { type LocalPostgres, startPostgres } from '../../../local/postgres/index.ts';
import { type RdsDataOptions, startRdsData } from '../../../local/rds-data/index.ts';
import type { LocalService } from '../../../local/service.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** Any cluster and secret: the local endpoint serves its one server for every ARN. */
export const cluster = {
  resourceArn: 'arn:aws:rds:us-east-1:111111111111:cluster:local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:111111111111:secret:local-AbCdEf',
};

export interface Endpoint {
  readonly service: LocalService;
  readonly client: RDSDataClient;
  readonly logs: string[];
}

export interface Running extends Endpoint {
  readonly dir: string;
  readonly postgres: LocalPostgres;
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rds-data-test-'));
}

export async function endpoint(
  databaseUrl: string,
  options: Partial<Omit<RdsDataOptions, 'databaseUrl'>> = {},
): Promise<Endpoint> {
  const logs: string[] = [];
  const service = await startRdsData({
    dataDir: '',
    databaseUrl,
    log: (line) => logs.push(line),
    ...options,
  });
  // maxAttempts 1: an error must come back as the endpoint sent it, not after retries.
  const client = new RDSDataClient({
    endpoint: service.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
  return { service, client, logs };
}

export async function start(options: Partial<Omit<RdsDataOptions, 'databaseUrl'>> = {}): Promise<Running> {
  const dir = await tempDir();
  const postgres = await startPostgres({ dataDir: dir });
  return { dir, postgres, ...(await endpoint(postgres.url, options)) };
}

export async function stopEndpoint(running: Endpoint | undefined): Promise<void> {
  if (running === undefined) return;
  running.client.destroy();
  await running.service.close();
}

export async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  await stopEndpoint(running);
  await running.postgres.close();
  await rm(running.dir, { recursive: true, force: true });
}

/** Runs one statement outside any transaction. */
export function sql(
  running: Endpoint,
  text: string,
  parameters: SqlParameter[] = [],
  extra: { transactionId?: string; includeResultMetadata?: boolean; continueAfterTimeout?: boolean } = {},
): Promise<ExecuteStatementCommandOutput> {
  return running.client.send(new ExecuteStatementCommand({ ...cluster, sql: text, parameters, ...extra }));
}

/** Awaits a call expected to fail and returns the SDK exception after checking its name. */
export async function failure(
  call: Promise<unknown>,
  name: string,
  status = 400,
): Promise<Error & { dbConnectionId?: number }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${name}`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(status);
  return error as Error & { dbConnectionId?: number };
}
