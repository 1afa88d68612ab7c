/**
 * A connection's tokens in SSM Parameter Store, SecureString only (encrypted with the
 * deployment's key when one is given, else SSM's default key). Nothing else in the app holds a
 * token at rest: DynamoDB keeps only that they exist and when the access token expires.
 */
import {
  DeleteParametersCommand,
  GetParametersCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { tokenParameters } from './names.ts';

export interface StoredTokens {
  readonly accessToken?: string;
  readonly refreshToken?: string;
}

export class TokenStore {
  constructor(
    private readonly ssm: Pick<SSMClient, 'send'>,
    private readonly root: string,
    /** The KMS key for SecureString (AWS: the deployment's key); absent: SSM's default key. */
    private readonly keyId?: string,
  ) {}

  /**
   * Writes what is given, the refresh token first: a crash between the two writes then leaves a
   * usable refresh token and an old access token (refreshed on next use), never the reverse
   * (a rotated-away refresh token, which the provider would treat as reuse).
   */
  async put(userId: string, connectionId: string, tokens: StoredTokens): Promise<void> {
    const names = tokenParameters(this.root, userId, connectionId);
    if (tokens.refreshToken) await this.write(names.refreshToken, tokens.refreshToken);
    if (tokens.accessToken) await this.write(names.accessToken, tokens.accessToken);
  }

  private async write(name: string, value: string): Promise<void> {
    await this.ssm.send(
      new PutParameterCommand({
        Name: name,
        Value: value,
        Type: 'SecureString',
        Overwrite: true,
        // Standard (free) while it fits in 4 KB; a longer token (a large JWT) goes Advanced.
        Tier: 'Intelligent-Tiering',
        ...(this.keyId ? { KeyId: this.keyId } : {}),
      }),
    );
  }

  async get(userId: string, connectionId: string): Promise<StoredTokens> {
    const names = tokenParameters(this.root, userId, connectionId);
    const { Parameters = [] } = await this.ssm.send(
      new GetParametersCommand({ Names: [names.accessToken, names.refreshToken], WithDecryption: true }),
    );
    const value = (name: string) => Parameters.find((p) => p.Name === name)?.Value;
    const accessToken = value(names.accessToken);
    const refreshToken = value(names.refreshToken);
    return { ...(accessToken ? { accessToken } : {}), ...(refreshToken ? { refreshToken } : {}) };
  }

  /** The refresh token gone (a new grant came without one: the old one must not be used with it). */
  async deleteRefreshToken(userId: string, connectionId: string): Promise<void> {
    const names = tokenParameters(this.root, userId, connectionId);
    await this.ssm.send(new DeleteParametersCommand({ Names: [names.refreshToken] }));
  }

  /** Both parameters gone (absent ones are no error). */
  async delete(userId: string, connectionId: string): Promise<void> {
    const names = tokenParameters(this.root, userId, connectionId);
    await this.ssm.send(new DeleteParametersCommand({ Names: [names.accessToken, names.refreshToken] }));
  }
}
