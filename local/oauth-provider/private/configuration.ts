/**
 * The oidc-provider configuration of the sandbox: one confidential client, the four scopes,
 * PKCE S256 required, refresh tokens for `offline_access` rotated on every use (oidc-provider
 * detects reuse of a consumed one and revokes the grant), opaque access tokens (resource
 * indicators off), userinfo and revocation on, its own interaction pages (devInteractions off),
 * and every function oidc-provider would otherwise default with a development notice.
 */
import type { Adapter, ProviderContext } from 'oidc-provider';
import { escapeHtml, renderPage } from './html.ts';
import { SANDBOX_SCOPES, userBySub } from './sandbox-data.ts';
import type { SandboxSecrets } from './secrets.ts';

export const CLIENT_ID = 'wf-app';
const DAY = 24 * 60 * 60;

export interface ConfigurationInput {
  readonly secrets: SandboxSecrets;
  readonly redirectUris: readonly string[];
  readonly formActionOrigins: readonly string[];
  readonly adapter: (model: string) => Adapter;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
}

interface ClientLike {
  readonly clientId: string;
  grantTypeAllowed(grantType: string): boolean;
}
interface TokenLike {
  readonly scopes: Set<string>;
  readonly clientId?: string;
}

export function sandboxConfiguration(input: ConfigurationInput): Record<string, unknown> {
  return {
    adapter: input.adapter,
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: input.secrets.clientSecret,
        client_name: 'Workflows app (local)',
        redirect_uris: [...input.redirectUris],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: SANDBOX_SCOPES.join(' '),
      },
    ],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    // The code flow only, as OAuth 2.1 and the Security BCP recommend: no implicit or hybrid flows.
    responseTypes: ['code'],
    clientBasedCORS: () => false,
    jwks: input.secrets.jwks,
    cookies: {
      keys: input.secrets.cookieKeys,
      // Plain HTTP on loopback: oidc-provider marks cookies `secure` only when the request is.
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    scopes: [...SANDBOX_SCOPES],
    claims: { openid: ['sub', 'name', 'email'] },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = userBySub(sub);
      if (!user) return undefined;
      return {
        accountId: user.sub,
        claims: async () => ({ sub: user.sub, name: user.name, email: user.email }),
      };
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx: unknown, client: ClientLike, code: TokenLike) =>
      client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    expiresWithSession: async (_ctx: unknown, code: TokenLike) => !code.scopes.has('offline_access'),
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: ClientLike, token: TokenLike) =>
          token.clientId === client.clientId,
      },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: {
      AccessToken: input.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: input.refreshTokenTtlSeconds,
      // The user's authorization outlives each rotated refresh token; revocation ends it.
      Grant: Math.max(input.refreshTokenTtlSeconds, 365 * DAY),
      Interaction: 3600,
      Session: DAY,
    },
    renderError: async (ctx: ProviderContext, out: Readonly<Record<string, unknown>>) => {
      const items = Object.entries(out)
        .map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`)
        .join('');
      const page = renderPage(
        'The sandbox provider refused the request',
        `<dl>${items}</dl>`,
        input.formActionOrigins,
      );
      for (const [name, value] of Object.entries(page.headers)) ctx.set(name, value);
      ctx.type = 'html';
      ctx.body = page.body;
    },
  };
}
