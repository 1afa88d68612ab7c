/**
 * Replacing a file of a local service's data durably: the new text goes to a temporary file
 * beside it (owner-only), is synced, renamed over the old one, and the directory is synced, so
 * after a crash the file is the old text or the new, whole. A failure removes the temporary file
 * and is thrown as it came; each area wraps it in its own named error.
 */
import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function replaceFileDurably(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    const dir = await open(dirname(file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
