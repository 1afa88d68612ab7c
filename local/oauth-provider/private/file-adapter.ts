/**
 * oidc-provider's storage (its Adapter interface: upsert, find, findByUid, findByUserCode, consume,
 * destroy, revokeByGrantId), kept in one JSON file in the data directory so grants and tokens
 * survive a restart. The file is sealed (AES-256-GCM under the sandbox's key file): its entries
 * are live tokens. Every change rewrites it atomically (temporary file, fsync, rename; owner-only)
 * before it is acknowledged; an entry past its `expiresIn` is never returned and is
 * dropped at the next write. The sandbox holds a handful of entries, so lookups scan.
 */
import { readFile } from 'node:fs/promises';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { z } from 'zod';
import type { Sealer } from '../../../asl/store/index.ts';
import { replaceFileDurably } from '../../files.ts';
import { SandboxProviderError } from './errors.ts';
import { openSealed } from './secrets.ts';

const CONTEXT = 'oauth-provider-store';

interface Entry {
  readonly model: string;
  readonly id: string;
  payload: AdapterPayload;
  /** Epoch milliseconds; null: kept until destroyed. */
  readonly expiresAt: number | null;
}

const fileSchema = z.object({
  version: z.literal(1),
  entries: z.array(
    z.object({
      model: z.string(),
      id: z.string(),
      payload: z.record(z.string(), z.unknown()),
      expiresAt: z.number().nullable(),
    }),
  ),
});

export class FileStore {
  readonly #file: string;
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #sealer: Sealer;
  #writing: Promise<void> = Promise.resolve();

  private constructor(file: string, sealer: Sealer, now: () => number) {
    this.#file = file;
    this.#sealer = sealer;
    this.#now = now;
  }

  static async open(file: string, sealer: Sealer, now: () => number = Date.now): Promise<FileStore> {
    const store = new FileStore(file, sealer, now);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (text !== undefined) {
      const parsed = fileSchema.safeParse(parseJson(openSealed(sealer, text, CONTEXT) ?? ''));
      if (!parsed.success) {
        throw new SandboxProviderError(
          `The sandbox provider store ${file} is not in the expected format; delete it to start with no grants or tokens.`,
        );
      }
      for (const entry of parsed.data.entries) store.#entries.set(key(entry.model, entry.id), entry);
    }
    return store;
  }

  /** The factory oidc-provider calls once per model name. */
  readonly adapterFactory = (model: string): Adapter => ({
    upsert: async (id, payload, expiresIn) => {
      const expiresAt = typeof expiresIn === 'number' ? this.#now() + expiresIn * 1000 : null;
      this.#entries.set(key(model, id), { model, id, payload: structuredClone(payload), expiresAt });
      await this.#persist();
    },
    find: async (id) => this.#clone(this.#live(key(model, id))),
    findByUid: async (uid) => this.#clone(this.#scan(model, (p) => p.uid === uid)),
    findByUserCode: async (userCode) => this.#clone(this.#scan(model, (p) => p.userCode === userCode)),
    consume: async (id) => {
      const entry = this.#live(key(model, id));
      if (!entry) return;
      entry.payload = { ...entry.payload, consumed: Math.floor(this.#now() / 1000) };
      await this.#persist();
    },
    destroy: async (id) => {
      if (this.#entries.delete(key(model, id))) await this.#persist();
    },
    revokeByGrantId: async (grantId) => {
      let removed = false;
      for (const [k, entry] of this.#entries) {
        if (entry.model === model && entry.payload.grantId === grantId) {
          this.#entries.delete(k);
          removed = true;
        }
      }
      if (removed) await this.#persist();
    },
  });

  /** Waits for the writes in flight (used on close). */
  async flush(): Promise<void> {
    await this.#writing.catch(() => undefined);
  }

  #live(k: string): Entry | undefined {
    const entry = this.#entries.get(k);
    if (entry && entry.expiresAt !== null && entry.expiresAt <= this.#now()) return undefined;
    return entry;
  }

  #scan(model: string, match: (payload: AdapterPayload) => boolean): Entry | undefined {
    for (const entry of this.#entries.values()) {
      if (entry.model === model && match(entry.payload)) return this.#live(key(model, entry.id));
    }
    return undefined;
  }

  #clone(entry: Entry | undefined): AdapterPayload | undefined {
    return entry ? structuredClone(entry.payload) : undefined;
  }

  /** Queues a rewrite of the whole file with the live entries; resolves once it is durable. */
  #persist(): Promise<void> {
    const run = this.#writing
      .catch(() => undefined)
      .then(() => {
        const now = this.#now();
        for (const [k, entry] of this.#entries) {
          if (entry.expiresAt !== null && entry.expiresAt <= now) this.#entries.delete(k);
        }
        const entries = [...this.#entries.values()];
        return replaceFileDurably(
          this.#file,
          this.#sealer.seal(JSON.stringify({ version: 1, entries }), CONTEXT),
        );
      });
    this.#writing = run;
    return run;
  }
}

function key(model: string, id: string): string {
  return `${model}:${id}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
