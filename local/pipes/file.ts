/**
 * Durable JSON files, readable by their owner only: written to a temporary file, fsynced, then
 * renamed over the old one, so a crash leaves either the old content or the new, never half.
 */
import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { PipesDataError } from './errors.ts';

export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new PipesDataError(`Cannot read ${file}.`, file, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PipesDataError(`${file} is not JSON: restore it, or delete it to start over.`, file, {
      cause: error,
    });
  }
}

export async function writeJsonFile(file: string, data: unknown): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(data, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new PipesDataError(`Cannot write ${file}.`, file, { cause: error });
  }
}

/** Runs writes one after another; `flush` resolves when all asked for are on disk. */
export class WriteQueue {
  private queue: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const next = this.queue.then(write);
    this.queue = next.catch(() => undefined);
    return next;
  }

  async flush(): Promise<void> {
    await this.queue;
  }
}
