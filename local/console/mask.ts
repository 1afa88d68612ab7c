/**
 * Secrets kept out of the console's pages: values under names that hold secrets (task tokens,
 * access and refresh tokens, passwords, client secrets, verifiers, cookies) and strings shaped
 * like a task token or a JWT are replaced by a mask that says what was there and how long it
 * was. The local console can reveal them on an operator's explicit request; against AWS never.
 */

/**
 * Names of members whose values are secrets, whatever their shape, matched on the name's last
 * words (camelCase, snake_case and kebab-case alike: `dbPassword`, `refresh_token`, `Api-Key`).
 * A verification id is a bearer capability (holding it acts on a sign-up), so it is one too.
 */
const SECRET_NAME =
  /(^|_)(token|secret|password|passwd|passphrase|authorization|verifier|cookie|credentials?|api_?key|secret_?string|private_?key|signing_?key|secret_?access_?key|verification_?id)$/i;

/** Deeper than this, a value is summarised rather than walked (a hostile input can nest thousands deep). */
const MAX_DEPTH = 64;

/** A JWT: three base64url parts, the first two JSON objects (`eyJ`). */
const JWT = /^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*$/;
/** A task token as AWS and the local engine issue them: long, one run of base64 characters. */
const OPAQUE = /^[A-Za-z0-9+/_=-]{120,}$/;

export const MASK_PREFIX = '•••••• masked';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s.]/g, '_'));
}

export function looksSecret(value: string): boolean {
  return JWT.test(value) || OPAQUE.test(value);
}

function mask(value: unknown): string {
  const length = typeof value === 'string' ? value.length : JSON.stringify(value ?? null).length;
  return `${MASK_PREFIX} (${length} characters)`;
}

/** A copy of `value` with every secret masked. */
export function maskSecrets(value: unknown, name = '', depth = 0): unknown {
  if (depth > MAX_DEPTH && value !== null && typeof value === 'object') {
    return `(nested deeper than ${MAX_DEPTH} levels: not shown)`;
  }
  if (
    name !== '' &&
    isSecretName(name) &&
    value !== null &&
    typeof value !== 'boolean' &&
    typeof value !== 'number'
  )
    return mask(value);
  if (typeof value === 'string') {
    if (looksSecret(value)) return mask(value);
    // JSON inside a string (a history event's input, output or task parameters) hides its
    // secrets from the checks above: mask inside it, and keep it a string.
    const inner = embeddedJson(value);
    if (inner === undefined) return maskText(value);
    const masked = maskSecrets(inner, '', depth + 1);
    return JSON.stringify(masked) === JSON.stringify(inner) ? value : JSON.stringify(masked);
  }
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, '', depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, maskSecrets(item, key, depth + 1)]),
    );
  }
  return value;
}

/** A JSON member `"name": "value"` inside free text. */
const MEMBER = /"([^"\\]{1,100})"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
/** A token- or JWT-shaped run inside free text. */
const SHAPED = /eyJ[\w-]+\.eyJ[\w-]+\.[\w-]*|[A-Za-z0-9+/_=-]{120,}/g;

/**
 * Free text (an error's cause, which AWS fills with the input it could not use) with the secrets
 * in it masked: the values of secret-named JSON members, and token- or JWT-shaped runs.
 */
export function maskText(text: string): string {
  return text
    .replace(MEMBER, (whole, name: string, value: string) =>
      isSecretName(name) ? `"${name}": "${mask(value)}"` : whole,
    )
    .replace(SHAPED, (run) => mask(run));
}

/** The object or array a string holds as JSON text, else undefined. */
function embeddedJson(value: string): unknown {
  const start = value.trimStart()[0];
  if (start !== '{' && start !== '[') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Whether maskSecrets would change anything (the page then offers a reveal, locally). */
export function hasSecrets(value: unknown): boolean {
  return JSON.stringify(maskSecrets(value)) !== JSON.stringify(value);
}
