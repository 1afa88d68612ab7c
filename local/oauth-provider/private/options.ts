/**
 * The sandbox provider's start options, checked once (zod) into a resolved form: defaults filled
 * in, each redirect URI an absolute http(s) URL without a fragment, TTLs positive whole seconds.
 * A bad option is a SandboxProviderError saying which option, the value, and the fix.
 */
import { z } from 'zod';
import { SandboxProviderError } from './errors.ts';

const redirectUri = z.string().refine((value) => {
  const url = URL.parse(value);
  return url !== null && (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '';
}, 'must be an absolute http(s) URL without a fragment');

const optionsSchema = z.object({
  dataDir: z.string().min(1, 'must name a directory'),
  port: z.number().int().min(0).max(65535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  log: z
    .custom<(line: string) => void>((value) => typeof value === 'function', 'must be a function')
    .default(() => () => undefined),
  redirectUris: z.array(redirectUri).min(1, 'must list at least one callback URL of the app'),
  accessTokenTtlSeconds: z.number().int().positive().default(3600),
  refreshTokenTtlSeconds: z
    .number()
    .int()
    .positive()
    .default(30 * 24 * 60 * 60),
});

export type ResolvedOptions = z.infer<typeof optionsSchema>;

export function resolveOptions(options: unknown): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
  throw new SandboxProviderError(`Invalid sandbox provider options: ${problems}.`);
}
