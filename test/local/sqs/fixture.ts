/** Starts the local SQS endpoint in a temporary data dir, with a clock the test moves, and an SDK client. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { expect } from 'vitest';
import type { LocalService } from '../../../local/service.ts';
import { startSqs } from '../../../local/sqs/index.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** 2023-11-14T22:13:20.123Z. */
export const NOW = 1_700_000_000_123;

export interface Clock {
  now: number;
}

export interface Running {
  readonly dir: string;
  readonly service: LocalService;
  readonly sqs: SQSClient;
  readonly clock: Clock;
  readonly logs: string[];
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'sqs-test-'));
}

export async function start(dir: string, clock: Clock = { now: NOW }): Promise<Running> {
  const logs: string[] = [];
  const service = await startSqs({ dataDir: dir, now: () => clock.now, log: (line) => logs.push(line) });
  // maxAttempts 1: an error must come back as the endpoint sent it, not after retries.
  const sqs = new SQSClient({ endpoint: service.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  return { dir, service, sqs, clock, logs };
}

export async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  running.sqs.destroy();
  await running.service.close();
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** Awaits a call expected to fail and returns the SDK exception after checking its name and status. */
export async function failure(call: Promise<unknown>, name: string): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${name}`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
  return error as Error;
}
