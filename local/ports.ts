/**
 * Ports chosen once per data directory and reused on every start, so endpoints, links in emails
 * and tokens' issuers stay valid across restarts. Kept in `<data dir>/ports.json` (owner-only, as
 * the whole data directory): the first start takes free ports and writes down what it got.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const PORTS_FILE = 'ports.json';

export interface Ports {
  /** The port kept for `id`, or 0 (any free port) the first time. */
  get(id: string): number;
  /** Records the port `id` listens on. */
  set(id: string, port: number): void;
  /** Writes the ports down, if any changed. */
  save(): Promise<void>;
  readonly file: string;
}

export async function loadPorts(dataDir: string): Promise<Ports> {
  const file = join(dataDir, PORTS_FILE);
  const kept: Record<string, number> = await readFile(file, 'utf8').then(
    (text) => {
      const parsed = JSON.parse(text) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      return Object.fromEntries(
        Object.entries(parsed).filter(
          (entry): entry is [string, number] =>
            Number.isInteger(entry[1]) && entry[1] > 0 && entry[1] < 65536,
        ),
      );
    },
    () => ({}),
  );
  let changed = false;
  return {
    file,
    get: (id) => kept[id] ?? 0,
    set: (id, port) => {
      if (kept[id] === port) return;
      kept[id] = port;
      changed = true;
    },
    save: async () => {
      if (changed) await writeFile(file, `${JSON.stringify(kept, null, 2)}\n`, { mode: 0o600 });
      changed = false;
    },
  };
}

/** The port of an `http://host:port` endpoint. */
export function portOf(endpoint: string): number {
  return Number(new URL(endpoint).port);
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** A kept port that something else took since: says which, and how to get past it. */
export function portTaken(id: string, port: number, file: string, error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'EADDRINUSE') return error;
  return new PortInUseError(
    `Port ${port}, kept for ${id} in ${file} so that endpoints, emailed links and tokens stay valid across restarts, is in use by another process. Stop that process (\`ss -ltnp 'sport = :${port}'\` shows it), or delete ${file} to choose new ports (links and tokens issued before then stop working).`,
    { cause: error },
  );
}
