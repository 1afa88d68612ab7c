/**
 * Durable JSON files, readable by their owner only: written through replaceFileDurably
 * (local/files.ts), so a crash leaves either the old content or the new, never half.
 */
import { readFile } from 'node:fs/promises';
import { replaceFileDurably } from '../files.ts';
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
  try {
    await replaceFileDurably(file, `${JSON.stringify(data, null, 2)}\n`);
  } catch (error) {
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
