/** Starts the local SSM endpoint in a temporary data dir and builds an SDK client for it. */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { expect } from 'vitest';
import type { LocalService } from '../../../local/service.ts';
import { startSsm } from '../../../local/ssm/index.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** The injected clock: 2023-11-14T22:13:20.123Z. */
export const NOW = 1_700_000_000_123;

export interface Running {
  readonly dir: string;
  readonly service: LocalService;
  readonly ssm: SSMClient;
  readonly logs: string[];
}

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ssm-test-'));
}

export async function start(dir: string, logs: string[] = []): Promise<Running> {
  const service = await startSsm({ dataDir: dir, now: () => NOW, log: (line) => logs.push(line) });
  // maxAttempts 1: an error must come back as the endpoint sent it, not after retries.
  const ssm = new SSMClient({ endpoint: service.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
  return { dir, service, ssm, logs };
}

export async function stop(running: Running | undefined): Promise<void> {
  if (running === undefined) return;
  running.ssm.destroy();
  await running.service.close();
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
}

/** Awaits a call expected to fail and returns the SDK exception after checking its name and status. */
export async function failure(
  call: Promise<unknown>,
  name: string,
): Promise<Error & { $metadata?: unknown }> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${name}`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(name);
  expect((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(400);
  return error as Error;
}

/** Every file under `dir`, with its bytes. */
export async function filesUnder(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.set(path, await readFile(path));
  }
  return files;
}
