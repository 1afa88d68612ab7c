/**
 * The local sandbox OAuth 2.0 / OpenID Connect provider (on oidc-provider) with its two resource
 * APIs, started by the local cloud so the OAuth onboarding process runs offline.
 */

export { SandboxProviderError } from './private/errors.ts';
export type { SandboxStats, SandboxSwitches } from './private/switches.ts';
export {
  type SandboxProvider,
  type SandboxProviderOptions,
  startSandboxProvider,
} from './provider.ts';
