/**
 * The slice of `oidc-provider`'s API this sandbox uses, typed here because the package ships no
 * type definitions (DefinitelyTyped's are not installed). Only what the sandbox calls is declared;
 * the configuration object is checked by oidc-provider itself at construction.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** What oidc-provider stores per model instance (tokens, sessions, grants, interactions). */
  export interface AdapterPayload {
    readonly [key: string]: unknown;
    readonly grantId?: string;
    readonly uid?: string;
    readonly userCode?: string;
    readonly jti?: string;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface StoredToken {
    readonly jti: string;
    readonly accountId: string;
    readonly clientId: string;
    readonly grantId: string;
    readonly scopes: Set<string>;
    readonly isExpired: boolean;
    readonly consumed?: number;
    readonly exp?: number;
  }

  export interface TokenModel {
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<StoredToken | undefined>;
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: readonly string[]): void;
    save(): Promise<string>;
  }

  export interface GrantModel {
    new (init: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  export interface Interaction {
    readonly uid: string;
    readonly prompt: {
      readonly name: string;
      readonly reasons: readonly string[];
      readonly details: Readonly<Record<string, unknown>>;
    };
    readonly params: Readonly<Record<string, unknown>>;
    readonly session?: { readonly accountId: string };
    readonly grantId?: string;
  }

  export interface ClientInfo {
    readonly clientId: string;
    readonly clientName?: string;
  }

  /** The koa context oidc-provider hands to configuration functions and event listeners. */
  export interface ProviderContext {
    readonly oidc?: { readonly route?: string; readonly params?: Readonly<Record<string, unknown>> };
    type: string;
    body: unknown;
    set(name: string, value: string): void;
  }

  export class Provider {
    constructor(issuer: string, configuration: Readonly<Record<string, unknown>>);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Readonly<Record<string, unknown>>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    on(event: string, listener: (ctx: ProviderContext, ...rest: unknown[]) => void): this;
    readonly AccessToken: TokenModel;
    readonly RefreshToken: TokenModel;
    readonly Grant: GrantModel;
    readonly Client: { find(id: string): Promise<ClientInfo | undefined> };
  }

  export default Provider;
}
