import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_CLIENT,
  type Fixture,
  failure,
  member,
  PASSWORD,
  POOL,
  signIn,
  signUp,
  startPool,
} from './fixture.ts';

describe('user names in a pool with UsernameConfiguration CaseSensitive false', () => {
  let fixture: Fixture;
  let sub: string | undefined;
  beforeAll(async () => {
    fixture = await startPool();
    ({ UserSub: sub } = await signUp(fixture, 'ADMIN@ACME.EXAMPLE'));
  });
  afterAll(() => fixture.close());

  it('refuses a second SignUp whose email differs only in case, with AWS’s message', async () => {
    const error = await failure(signUp(fixture, 'admin@acme.example'), 'UsernameExistsException');
    expect(error.message).toBe('An account with the given email already exists.');
    await failure(signUp(fixture, 'Admin@Acme.Example'), 'UsernameExistsException');
  });

  it('finds the user by any case in AdminGetUser, and refuses AdminCreateUser of the same name', async () => {
    const found = await fixture.client.send(
      new AdminGetUserCommand({ UserPoolId: fixture.poolId, Username: 'admin@acme.example' }),
    );
    expect(found.Username).toBe(sub);
    const error = await failure(
      fixture.client.send(
        new AdminCreateUserCommand({
          UserPoolId: fixture.poolId,
          Username: 'admin@ACME.example',
          MessageAction: 'SUPPRESS',
        }),
      ),
      'UsernameExistsException',
    );
    expect(error.message).toBe('User account already exists');
  });

  it('signs the user in whatever the case of the address typed', async () => {
    await member(fixture, 'Mixed.Case@Acme.Example');
    expect((await signIn(fixture, 'mixed.case@acme.example')).idToken).not.toBe('');
    expect((await signIn(fixture, 'MIXED.CASE@ACME.EXAMPLE')).idToken).not.toBe('');
  });
});

describe('user names in a pool without UsernameConfiguration (AWS’s default: case-sensitive)', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    const { UsernameConfiguration: _, ...sensitive } = POOL;
    fixture = await startPool();
    const created = await fixture.client.send(
      new CreateUserPoolCommand({ PoolName: 'sensitive', ...sensitive }),
    );
    const poolId = created.UserPool?.Id ?? '';
    const web = await fixture.client.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ...APP_CLIENT }),
    );
    Object.assign(fixture, { poolId, clientId: web.UserPoolClient?.ClientId ?? '' });
  });
  afterAll(() => fixture.close());

  it('keeps addresses that differ in case apart', async () => {
    await signUp(fixture, 'ADMIN@ACME.EXAMPLE');
    await signUp(fixture, 'admin@acme.example');
    await failure(
      fixture.client.send(
        new AdminGetUserCommand({ UserPoolId: fixture.poolId, Username: 'Admin@Acme.Example' }),
      ),
      'UserNotFoundException',
    );
    expect(
      await fixture.client.send(
        new SignUpCommand({
          ClientId: fixture.clientId,
          Username: 'other@acme.example',
          Password: PASSWORD,
          UserAttributes: [{ Name: 'custom:company_name', Value: 'Acme' }],
        }),
      ),
    ).toMatchObject({ UserConfirmed: false });
  });
});
