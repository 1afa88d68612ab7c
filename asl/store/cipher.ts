/**
 * Encryption at rest for the local stores: AES-256-GCM with a fresh 96-bit IV per value and an
 * optional context bound as additional data (a sealed value copied elsewhere does not open). On
 * AWS, Step Functions encrypts execution data (and Parameter Store a SecureString) under a KMS
 * key; locally one 32-byte key file stands in for the key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { StoreError } from './errors.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every sealed value, so the format can change without misreading old data. */
const FORMAT = 1;

/** A sealed value that is not one (`format`), or that does not open under this key (`key`). */
export class SealedValueError extends StoreError {
  override name = 'SealedValueError';
  constructor(
    readonly problem: 'format' | 'key',
    options?: ErrorOptions,
  ) {
    super(
      problem === 'format'
        ? 'The value is not a sealed value (base64 of format byte, IV, tag and ciphertext).'
        : 'The value does not open under this key: the key file was replaced, or the value was moved.',
      options,
    );
  }
}

/** A key file that cannot be created, read, or is not 32 bytes. */
export class KeyFileError extends StoreError {
  override name = 'KeyFileError';
}

export class Sealer {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Uint8Array): Sealer {
    if (key.length !== KEY_BYTES) {
      throw new KeyFileError(`An AES-256 key has ${KEY_BYTES} bytes; this one has ${key.length}.`);
    }
    return new Sealer(Buffer.from(key));
  }

  /**
   * Reads the key at `path`, creating it (32 random bytes, mode 0600) when missing. It is never
   * overwritten: losing it loses everything sealed under it.
   */
  static async fromKeyFile(path: string): Promise<Sealer> {
    try {
      await writeFile(path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KeyFileError(`Cannot create the key file ${path}.`, { cause: error });
      }
    }
    const key = await readFile(path).catch((error: unknown) => {
      throw new KeyFileError(`Cannot read the key file ${path}.`, { cause: error });
    });
    if (key.length !== KEY_BYTES) {
      throw new KeyFileError(
        `The key file ${path} has ${key.length} bytes, not ${KEY_BYTES}: restore it from a backup, or delete it together with the data it sealed to start empty.`,
      );
    }
    // A key readable by others defeats encryption at rest; tighten it rather than refuse to start.
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
    return new Sealer(key);
  }

  /** The sealed value, base64. `context` must be given again to open it. */
  seal(clear: string, context = ''): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]).toString('base64');
  }

  /** Throws {@link SealedValueError}. */
  open(sealed: string, context = ''): string {
    const bytes = Buffer.from(sealed, 'base64');
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT) throw new SealedValueError('format');
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new SealedValueError('key', { cause: error });
    }
  }
}
