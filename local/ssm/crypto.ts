/**
 * SecureString encryption at rest. AWS encrypts a SecureString under a KMS key and keeps only
 * the ciphertext; locally one AES-256-GCM key in `<dataDir>/ssm.key` (mode 0600, created on
 * first start) stands in for KMS. Each value gets a fresh 96-bit IV; the parameter name is
 * bound as additional data so a ciphertext copied onto another parameter does not decrypt.
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SsmDataError } from './errors.ts';

const KEY_FILE = 'ssm.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** First byte of every blob, so the format can change without misreading old data. */
const FORMAT = 1;

export class SecureStringKey {
  private constructor(private readonly key: Buffer) {}

  /** Reads `<dataDir>/ssm.key`, creating it (32 random bytes, mode 0600) when it is missing. */
  static async load(dataDir: string): Promise<SecureStringKey> {
    const path = join(dataDir, KEY_FILE);
    try {
      // `wx`: never overwrite a key that exists, or every stored SecureString is lost.
      await writeFile(path, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new SsmDataError(`Cannot create the SecureString key ${path}.`, path, { cause: error });
      }
    }
    const key = await readFile(path).catch((error: unknown) => {
      throw new SsmDataError(`Cannot read the SecureString key ${path}.`, path, { cause: error });
    });
    if (key.length !== KEY_BYTES) {
      throw new SsmDataError(
        `The SecureString key ${path} has ${key.length} bytes, not ${KEY_BYTES}: restore it from a backup, ` +
          'or delete it together with parameters.json to start empty.',
        path,
      );
    }
    // A key readable by others defeats encryption at rest; tighten it rather than refuse to start.
    if (((await stat(path)).mode & 0o077) !== 0) await chmod(path, 0o600);
    return new SecureStringKey(key);
  }

  /** The ciphertext blob, base64, as stored and as GetParameter returns it without decryption. */
  seal(name: string, clear: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([FORMAT]), iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(name: string, blob: string, dataFile: string): string {
    const bytes = Buffer.from(blob, 'base64');
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT) {
      throw new SsmDataError(`The SecureString ${name} in ${dataFile} is not a ciphertext blob.`, dataFile);
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([
        decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (error) {
      throw new SsmDataError(
        `The SecureString ${name} in ${dataFile} does not decrypt under ${KEY_FILE}: the key file was replaced.`,
        dataFile,
        { cause: error },
      );
    }
  }
}
