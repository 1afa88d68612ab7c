import {
  AdminUpdateUserAttributesCommand,
  CreateUserPoolCommand,
  DeleteUserAttributesCommand,
  GetUserCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, failure, member, PASSWORD, POOL, startPool } from './fixture.ts';

describe('attributes a request may write in the local Cognito', () => {
  let fixture: Fixture;
  let accessToken: string;
  beforeAll(async () => {
    fixture = await startPool();
    ({ accessToken } = await member(fixture, 'member@acme.example', 'Acme'));
  });
  afterAll(() => fixture.close());

  const companyOf = async () =>
    (await fixture.client.send(new GetUserCommand({ AccessToken: accessToken }))).UserAttributes?.find(
      (attribute) => attribute.Name === 'custom:company_name',
    )?.Value;

  it('refuses a pool that keeps original values until verified without verifying them itself, as AWS does', async () => {
    const error = await failure(
      fixture.client.send(
        new CreateUserPoolCommand({
          ...POOL,
          PoolName: 'keeps-original',
          UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
        }),
      ),
      'InvalidParameterException',
    );
    expect(error.message).toBe(
      'All attributes in AttributesRequireVerificationBeforeUpdate must exist in AutoVerifiedAttributes',
    );
  });

  it('a signed-in member cannot move to another company: custom:company_name is immutable', async () => {
    const error = await failure(
      fixture.client.send(
        new UpdateUserAttributesCommand({
          AccessToken: accessToken,
          UserAttributes: [{ Name: 'custom:company_name', Value: 'Globex' }],
        }),
      ),
      'InvalidParameterException',
    );
    expect(error.message).toBe(
      'user.custom:company_name: Attribute cannot be updated. (changing an immutable attribute)',
    );
    await failure(
      fixture.client.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: fixture.poolId,
          Username: 'member@acme.example',
          UserAttributes: [{ Name: 'custom:company_name', Value: 'Globex' }],
        }),
      ),
      'InvalidParameterException',
    );
    expect(await companyOf()).toBe('Acme');
  });

  it('refuses attributes outside the client’s WriteAttributes, in UpdateUserAttributes and SignUp', async () => {
    for (const attribute of [
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: 'Mallory' },
    ]) {
      const error = await failure(
        fixture.client.send(
          new UpdateUserAttributesCommand({ AccessToken: accessToken, UserAttributes: [attribute] }),
        ),
        'NotAuthorizedException',
      );
      expect(error.message).toBe('A client attempted to write unauthorized attribute');
    }
    await failure(
      fixture.client.send(
        new DeleteUserAttributesCommand({ AccessToken: accessToken, UserAttributeNames: ['name'] }),
      ),
      'NotAuthorizedException',
    );
    const signUp = (extra: { Name: string; Value: string }) =>
      fixture.client.send(
        new SignUpCommand({
          ClientId: fixture.clientId,
          Username: 'eve@acme.example',
          Password: PASSWORD,
          UserAttributes: [{ Name: 'custom:company_name', Value: 'Acme' }, extra],
        }),
      );
    // Choosing one's own `sub` (another user's, say) or verifying one's own address.
    await failure(
      signUp({ Name: 'sub', Value: '00000000-0000-0000-0000-000000000000' }),
      'NotAuthorizedException',
    );
    await failure(signUp({ Name: 'email_verified', Value: 'true' }), 'NotAuthorizedException');
  });

  it('refuses a forged access token (cognito-local only decoded it)', async () => {
    const [header, payload] = accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(342)}`;
    const error = await failure(
      fixture.client.send(
        new UpdateUserAttributesCommand({
          AccessToken: forged,
          UserAttributes: [{ Name: 'email', Value: 'member@acme.example' }],
        }),
      ),
      'NotAuthorizedException',
    );
    expect(error.message).toBe('Invalid Access Token');
    await failure(fixture.client.send(new GetUserCommand({ AccessToken: forged })), 'NotAuthorizedException');
  });
});
