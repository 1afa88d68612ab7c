/** Real randomness for an engine environment ($uuid, $random, task tokens, jitter). */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Entropy } from './context.ts';

/**
 * Real randomness. Task tokens are an HMAC of the attempt's key under `tokenSecret`: keep the
 * secret (the local cloud stores it in its data directory) and a restarted engine hands out the
 * same tokens; without it, tokens are valid for this process only.
 */
export function createEntropy(tokenSecret: Uint8Array = randomBytes(32)): Entropy {
  return {
    uuid: () => randomUUID(),
    random: () => Math.random(),
    token: (key) =>
      createHmac('sha256', tokenSecret).update(key).digest('base64url') + randomSuffix(key, tokenSecret),
  };
}

/** A second, independent MAC so tokens are as long as AWS's (hundreds of characters are usual). */
function randomSuffix(key: string, secret: Uint8Array): string {
  return createHmac('sha512', secret).update(`suffix:${key}`).digest('base64url');
}

export const defaultEntropy: Entropy = createEntropy();
