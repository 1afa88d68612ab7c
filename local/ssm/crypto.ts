/**
 * SecureString encryption at rest. AWS encrypts a SecureString under a KMS key and keeps only
 * the ciphertext; locally one AES-256-GCM key in `<dataDir>/ssm.key` (mode 0600, created on
 * first start) stands in for KMS. Each value gets a fresh 96-bit IV; the parameter name is
 * bound as additional data so a ciphertext copied onto another parameter does not decrypt.
 * https://docs.aws.amazon.com/kms/latest/developerguide/services-parameter-store.html
 */
import { join } from 'node:path';
import { KeyFileError, SealedValueError, Sealer } from '../../asl/store/index.ts';
import { SsmDataError } from './errors.ts';

const KEY_FILE = 'ssm.key';

export class SecureStringKey {
  private constructor(private readonly sealer: Sealer) {}

  /** Reads `<dataDir>/ssm.key`, creating it (32 random bytes, mode 0600) when it is missing. */
  static async load(dataDir: string): Promise<SecureStringKey> {
    const path = join(dataDir, KEY_FILE);
    try {
      return new SecureStringKey(await Sealer.fromKeyFile(path));
    } catch (error) {
      if (!(error instanceof KeyFileError)) throw error;
      throw new SsmDataError(
        `The SecureString key is unusable: ${error.message} Deleting it means deleting parameters.json too.`,
        path,
        { cause: error },
      );
    }
  }

  /** The ciphertext blob, base64, as stored and as GetParameter returns it without decryption. */
  seal(name: string, clear: string): string {
    return this.sealer.seal(clear, name);
  }

  open(name: string, blob: string, dataFile: string): string {
    try {
      return this.sealer.open(blob, name);
    } catch (error) {
      if (!(error instanceof SealedValueError)) throw error;
      const problem =
        error.problem === 'format'
          ? `The SecureString ${name} in ${dataFile} is not a ciphertext blob.`
          : `The SecureString ${name} in ${dataFile} does not decrypt under ${KEY_FILE}: the key file was replaced.`;
      throw new SsmDataError(problem, dataFile, { cause: error });
    }
  }
}
