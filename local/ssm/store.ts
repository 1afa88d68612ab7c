/**
 * The parameters and their version histories, kept in memory and in `<dataDir>/parameters.json`.
 * Every change replaces the file durably (local/files.ts), so a crash leaves either the old file
 * or the new one, never half of one. Changes are applied to a copy and become visible only once
 * written, one at a time, in the order they arrived.
 * SecureString values are stored sealed (crypto.ts); the file never holds them in clear.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { replaceFileDurably } from '../files.ts';
import { SecureStringKey } from './crypto.ts';
import { SsmDataError } from './errors.ts';

export const PARAMETER_TYPES = ['String', 'StringList', 'SecureString'] as const;
export type ParameterType = (typeof PARAMETER_TYPES)[number];

const Tag = z.object({ Key: z.string(), Value: z.string() });
export type Tag = z.infer<typeof Tag>;

const StoredVersion = z.object({
  version: z.number().int().positive(),
  type: z.enum(PARAMETER_TYPES),
  /** Clear text for String and StringList; the sealed blob (base64) for SecureString. */
  value: z.string(),
  keyId: z.string().optional(),
  description: z.string().optional(),
  allowedPattern: z.string().optional(),
  /** Epoch milliseconds. */
  lastModified: z.number(),
  lastModifiedUser: z.string(),
  labels: z.array(z.string()),
});
export type StoredVersion = z.infer<typeof StoredVersion>;

const StoredParameter = z.object({
  name: z.string(),
  tags: z.array(Tag),
  /** Oldest first; the last entry is the current version. */
  history: z.array(StoredVersion).min(1),
});
export type StoredParameter = z.infer<typeof StoredParameter>;

const DataFile = z.object({ format: z.literal(1), parameters: z.array(StoredParameter) });

const DATA_FILE = 'parameters.json';

export function current(parameter: StoredParameter): StoredVersion {
  // `history` has at least one entry by construction (and by the schema on load).
  return parameter.history[parameter.history.length - 1] as StoredVersion;
}

export class ParameterStore {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dataDir: string,
    private readonly key: SecureStringKey,
    private parameters: ReadonlyMap<string, StoredParameter>,
  ) {}

  get file(): string {
    return join(this.dataDir, DATA_FILE);
  }

  static async open(dataDir: string): Promise<ParameterStore> {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const key = await SecureStringKey.load(dataDir);
    const file = join(dataDir, DATA_FILE);
    let text: string | undefined;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SsmDataError(`Cannot read ${file}.`, file, { cause: error });
      }
    }
    const parameters = new Map<string, StoredParameter>();
    if (text !== undefined) {
      let parsed: z.infer<typeof DataFile>;
      try {
        parsed = DataFile.parse(JSON.parse(text));
      } catch (error) {
        throw new SsmDataError(
          `${file} is not an SSM data file (format 1): restore it, or move it away to start empty.`,
          file,
          { cause: error },
        );
      }
      for (const parameter of parsed.parameters) parameters.set(parameter.name, parameter);
    }
    return new ParameterStore(dataDir, key, parameters);
  }

  get(name: string): StoredParameter | undefined {
    return this.parameters.get(name);
  }

  /** Every parameter, ordered by name (the order the listing operations page through). */
  all(): StoredParameter[] {
    return [...this.parameters.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The value of one version in clear, whatever its type. */
  reveal(name: string, version: StoredVersion): string {
    return version.type === 'SecureString' ? this.key.open(name, version.value, this.file) : version.value;
  }

  /** The value as stored: sealed for a SecureString. */
  seal(name: string, type: ParameterType, clear: string): string {
    return type === 'SecureString' ? this.key.seal(name, clear) : clear;
  }

  /**
   * Applies `change` to a copy of the parameters, writes the copy, then makes it current.
   * An error thrown by `change` (an SSM API error) leaves both memory and file as they were.
   */
  update<T>(change: (draft: Map<string, StoredParameter>) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const draft = new Map(this.parameters);
      const result = change(draft);
      await this.write(draft);
      this.parameters = draft;
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every change that was asked for is on disk. */
  async flush(): Promise<void> {
    await this.queue;
  }

  private async write(parameters: ReadonlyMap<string, StoredParameter>): Promise<void> {
    const file = this.file;
    const data: z.infer<typeof DataFile> = { format: 1, parameters: [...parameters.values()] };
    try {
      await replaceFileDurably(file, `${JSON.stringify(data, null, 2)}\n`);
    } catch (error) {
      throw new SsmDataError(`Cannot write ${file}.`, file, { cause: error });
    }
  }
}
