/** The app's side of OAuth onboarding, shared by the tasks that talk to the provider. */
export { type AccessDependencies, ConnectionAccess } from './access.ts';
export {
  type AuthorizationRequest,
  AuthorizationRequests,
  browserHash,
  REQUEST_LIFETIME_SECONDS,
} from './authorization-requests.ts';
export { type ConnectionMetadata, Connections, DISCOVERY_STALLED_MS, initialVersion } from './connections.ts';
export {
  bindingCookie,
  bindingCookieName,
  CALLBACK_PATH,
  clearedBindingCookie,
  readBindings,
} from './cookie.ts';
export {
  NotConnected,
  OAuthError,
  OAuthNotConfigured,
  ProviderError,
  ProviderUnavailable,
  plainErrorCode,
  ReconnectRequired,
  RefreshBusy,
} from './errors.ts';
export { ConnectionLock, type LockOptions } from './lock.ts';
export {
  CONNECTION_ID,
  clientSecretParameter,
  connectionIdOf,
  subjectSegment,
  tokenParameters,
} from './names.ts';
export { type GrantedTokens, mapFailure, ProviderClient } from './provider.ts';
export {
  isLoopback,
  PROVIDER_ENVIRONMENT_KEYS,
  type ProviderSettings,
  providerSettings,
} from './settings.ts';
export { type StoredTokens, TokenStore } from './token-store.ts';
