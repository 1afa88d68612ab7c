/**
 * The sandbox's long-lived secrets, created on first start and kept in the data directory (owner
 * only, sealed with AES-256-GCM under the sandbox's key file, as the local SSM keeps SecureStrings)
 * so a restart keeps them: the client secret (the app stored it), the cookie signing keys
 * (sign-ins in flight survive), and the ID token signing key (tokens issued before still verify).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { z } from 'zod';
import type { Sealer } from '../../../asl/store/index.ts';
import { replaceFileDurably } from '../../files.ts';
import { SandboxProviderError } from './errors.ts';

const secretsSchema = z.object({
  clientSecret: z.string().min(43),
  cookieKeys: z.array(z.string().min(32)).min(1),
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }),
});

export type SandboxSecrets = z.infer<typeof secretsSchema>;

export const SECRETS_FILE = 'oauth-provider-secrets.json';
const KEY_NOTE = 'the key in oauth-provider.key';

export async function loadOrCreateSecrets(dataDir: string, sealer: Sealer): Promise<SandboxSecrets> {
  const file = join(dataDir, SECRETS_FILE);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new SandboxProviderError(
        `Cannot read the sandbox provider secrets file ${file}: check its permissions.`,
        {
          cause: error,
        },
      );
    }
  }
  if (text !== undefined) {
    const parsed = secretsSchema.safeParse(safeJson(openSealed(sealer, text, SECRETS_FILE) ?? ''));
    if (parsed.success) return parsed.data;
    throw new SandboxProviderError(
      `The sandbox provider secrets file ${file} is not valid (or not sealed with ${KEY_NOTE}); delete it to start over (the app must then store the new client secret).`,
    );
  }
  const secrets = await createSecrets();
  await replaceFileDurably(file, sealer.seal(JSON.stringify(secrets), SECRETS_FILE));
  return secrets;
}

async function createSecrets(): Promise<SandboxSecrets> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return {
    // 256 random bits, base64url.
    clientSecret: randomBytes(32).toString('base64url'),
    cookieKeys: [randomBytes(32).toString('base64url'), randomBytes(32).toString('base64url')],
    jwks: { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A sealed file's text opened, or undefined when it does not open (another key, or tampered). */
export function openSealed(sealer: Sealer, text: string, context: string): string | undefined {
  try {
    return sealer.open(text.trim(), context);
  } catch {
    return undefined;
  }
}
