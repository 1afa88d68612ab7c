/**
 * The provider as this app's client sees it, on openid-client (a certified OpenID Connect
 * relying party): discovery of the issuer's metadata, the authorization URL with PKCE S256, the
 * code exchange, the refresh grant and revocation. The client secret is read from SSM
 * (SecureString) when first needed and kept in memory only. Every failure is mapped to one of
 * the named errors of errors.ts, with the provider's error code and never a response body (it
 * may echo what was sent).
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import * as oidc from 'openid-client';
import { ProviderError, ProviderUnavailable, plainErrorCode, ReconnectRequired } from './errors.ts';
import { clientSecretParameter } from './names.ts';
import { isLoopback, type ProviderSettings } from './settings.ts';

/** What the token endpoint answered, as the app keeps it. */
export interface GrantedTokens {
  readonly accessToken: string;
  /** Absent when the provider did not rotate it (refresh) or issued none. */
  readonly refreshToken?: string;
  /** Epoch milliseconds. */
  readonly accessTokenExpiresAt: number;
  readonly scopes: readonly string[];
  /** The ID token's claims (code exchange only; verified by openid-client). */
  readonly claims?: { readonly sub: string; readonly name?: string; readonly email?: string };
}

/** Seconds a provider call may take before it counts as unavailable. */
const TIMEOUT_SECONDS = 8;

export class ProviderClient {
  private configured: Promise<oidc.Configuration> | undefined;
  private secret: Promise<string> | undefined;

  constructor(
    readonly settings: ProviderSettings,
    private readonly ssm: Pick<SSMClient, 'send'>,
  ) {}

  /** The issuer's metadata and this client, discovered once (again after a failure). */
  configuration(): Promise<oidc.Configuration> {
    this.configured ??= this.discover().catch((error: unknown) => {
      this.configured = undefined;
      throw mapFailure(error, 'discovery');
    });
    return this.configured;
  }

  /** The client secret, read from SSM once (again after a failure) and kept in memory only. */
  private clientSecret(): Promise<string> {
    this.secret ??= (async () => {
      const name = clientSecretParameter(this.settings.parameterPath);
      const { Parameter } = await this.ssm.send(
        new GetParameterCommand({ Name: name, WithDecryption: true }),
      );
      if (!Parameter?.Value) throw new ProviderError(`The client secret parameter ${name} is empty.`);
      return Parameter.Value;
    })().catch((error: unknown) => {
      this.secret = undefined;
      throw error;
    });
    return this.secret;
  }

  /** HTTP Basic client authentication (RFC 6749 §2.3.1: id and secret form-encoded first). */
  async basicAuthorization(): Promise<string> {
    const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
    const pair = `${encode(this.settings.clientId)}:${encode(await this.clientSecret())}`;
    return `Basic ${Buffer.from(pair).toString('base64')}`;
  }

  private async discover(): Promise<oidc.Configuration> {
    const { settings } = this;
    const secret = await this.clientSecret();
    const configuration = await oidc.discovery(
      new URL(settings.issuer),
      settings.clientId,
      undefined,
      oidc.ClientSecretBasic(secret),
      {
        timeout: TIMEOUT_SECONDS,
        ...(isLoopback(settings.issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    configuration.timeout = TIMEOUT_SECONDS;
    return configuration;
  }

  /** Where to send the browser: code flow, PKCE S256, the state, the configured scopes. */
  async authorizationUrl(state: string, codeChallenge: string): Promise<URL> {
    const configuration = await this.configuration();
    return oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      code_challenge: codeChallenge,
      code_challenge_method: 'S256',
      state,
      // A refresh token (offline_access) is issued only with consent asked for.
      prompt: 'consent',
    });
  }

  /**
   * The code exchanged, once: openid-client checks the state and the issuer of the response
   * against what was sent, and the ID token. Never retried (a code is single-use; a second try
   * would be refused and could revoke what the first one got).
   */
  async exchange(callbackQuery: string, codeVerifier: string, state: string): Promise<GrantedTokens> {
    const configuration = await this.configuration();
    const current = new URL(this.settings.redirectUri);
    current.search = callbackQuery;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: codeVerifier,
        expectedState: state,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new ProviderError('The provider sent no ID token.');
      return {
        ...granted(tokens),
        claims: {
          sub: claims.sub,
          ...(typeof claims.name === 'string' ? { name: claims.name } : {}),
          ...(typeof claims.email === 'string' ? { email: claims.email } : {}),
        },
      };
    } catch (error) {
      throw mapFailure(error, 'code exchange');
    }
  }

  /** A new access token (and, when the provider rotates it, a new refresh token). */
  async refresh(refreshToken: string): Promise<GrantedTokens> {
    const configuration = await this.configuration();
    try {
      return granted(await oidc.refreshTokenGrant(configuration, refreshToken));
    } catch (error) {
      throw mapFailure(error, 'refresh');
    }
  }

  /** Revokes a token at the provider (RFC 7009: an unknown token is not an error). */
  async revoke(token: string, hint: 'refresh_token' | 'access_token'): Promise<void> {
    const configuration = await this.configuration();
    try {
      await oidc.tokenRevocation(configuration, token, { token_type_hint: hint });
    } catch (error) {
      throw mapFailure(error, 'revocation');
    }
  }
}

function granted(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): GrantedTokens {
  const expiresIn = tokens.expiresIn();
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    // A provider that does not say keeps it an hour by convention; refreshed early rather than late.
    accessTokenExpiresAt: Date.now() + (expiresIn ?? 3600) * 1000,
    scopes: (tokens.scope ?? '').split(' ').filter(Boolean),
  };
}

/** A library failure as one of the app's errors: the OAuth error code and HTTP status only. */
export function mapFailure(error: unknown, during: string): Error {
  if (
    error instanceof ProviderError ||
    error instanceof ReconnectRequired ||
    error instanceof ProviderUnavailable
  ) {
    return error;
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === 'invalid_grant') {
      return new ReconnectRequired(`The provider refused the ${during} (invalid_grant): connect again.`);
    }
    if (error.status >= 500) {
      return new ProviderUnavailable(`The provider failed the ${during} (HTTP ${error.status}).`);
    }
    // The provider chose this string: only a plain OAuth error code is repeated (it reaches logs and histories).
    const code = plainErrorCode(error.error) ?? 'an error';
    return new ProviderError(`The provider refused the ${during}: ${code} (HTTP ${error.status}).`);
  }
  if (error instanceof oidc.AuthorizationResponseError) {
    const code = plainErrorCode(error.error) ?? 'an error';
    return new ProviderError(`The provider's answer to the authorization was an error: ${code}.`);
  }
  const name = error instanceof Error ? error.name : 'Error';
  // fetch failures (refused, reset, DNS) and timeouts: the provider could not be reached in time.
  if (name === 'TypeError' || name === 'TimeoutError' || name === 'AbortError') {
    return new ProviderUnavailable(`The provider could not be reached for the ${during} (${name}).`);
  }
  if (error instanceof oidc.ClientError || name === 'OperationProcessingError') {
    return new ProviderError(
      `The provider's answer to the ${during} failed a check: ${(error as Error).message}`,
    );
  }
  return new ProviderError(`The ${during} failed (${name}).`);
}
