import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, failure, member, signIn, startPool } from './fixture.ts';

const TEMPORARY = 'Temporary-Pass-1';

describe('signing in to the local Cognito', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startPool();
    await member(fixture, 'admin@acme.example');
    for (const Username of ['invited@acme.example', 'other@acme.example']) {
      await fixture.client.send(
        new AdminCreateUserCommand({
          UserPoolId: fixture.poolId,
          Username,
          TemporaryPassword: TEMPORARY,
          MessageAction: 'SUPPRESS',
          UserAttributes: [{ Name: 'custom:company_name', Value: 'Acme' }],
        }),
      );
    }
  });
  afterAll(() => fixture.close());

  const initiate = (USERNAME: string, PASSWORD: string) =>
    fixture.client.send(
      new InitiateAuthCommand({
        ClientId: fixture.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME, PASSWORD },
      }),
    );
  const respond = (Session: string | undefined, USERNAME: string, NEW_PASSWORD = 'Taken-Over-Pass-1') =>
    fixture.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: fixture.clientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session,
        ChallengeResponses: { USERNAME, NEW_PASSWORD },
      }),
    );

  it('refuses an auth flow the app client does not allow', async () => {
    const srpOnly = await fixture.client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: fixture.poolId,
        ClientName: 'srp-only',
        ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      }),
    );
    const error = await failure(
      fixture.client.send(
        new InitiateAuthCommand({
          ClientId: srpOnly.UserPoolClient?.ClientId,
          AuthFlow: 'USER_PASSWORD_AUTH',
          AuthParameters: { USERNAME: 'admin@acme.example', PASSWORD: 'anything' },
        }),
      ),
      'InvalidParameterException',
    );
    expect(error.message).toBe('USER_PASSWORD_AUTH flow not enabled for this client');
  });

  it('gives the NEW_PASSWORD_REQUIRED challenge only to who knows the temporary password', async () => {
    const error = await failure(initiate('invited@acme.example', 'Guessed-Pass-1'), 'NotAuthorizedException');
    expect(error.message).toBe('Incorrect username or password.');
    expect((await initiate('invited@acme.example', TEMPORARY)).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('refuses a challenge answer with a made-up session, so nobody sets another user’s password', async () => {
    for (const username of ['admin@acme.example', 'invited@acme.example']) {
      const error = await failure(respond('made-up-session-0123456789', username), 'NotAuthorizedException');
      expect(error.message).toBe('Invalid session for the user.');
    }
    expect((await signIn(fixture, 'admin@acme.example')).idToken).not.toBe('');
  });

  it('binds a session to its user and accepts it once', async () => {
    const { Session } = await initiate('invited@acme.example', TEMPORARY);
    await failure(respond(Session, 'other@acme.example'), 'NotAuthorizedException');
    const fresh = await initiate('invited@acme.example', TEMPORARY);
    expect(
      (await respond(fresh.Session, 'invited@acme.example', 'Chosen-Password-2')).AuthenticationResult
        ?.IdToken,
    ).toBeTruthy();
    const again = await failure(respond(fresh.Session, 'invited@acme.example'), 'NotAuthorizedException');
    expect(again.message).toBe('Invalid session for the user, session can only be used once.');
    expect((await signIn(fixture, 'invited@acme.example', 'Chosen-Password-2')).idToken).not.toBe('');
  });

  it('refuses a disabled user, and an unknown one', async () => {
    await member(fixture, 'leaver@acme.example');
    await fixture.client.send(
      new AdminDisableUserCommand({ UserPoolId: fixture.poolId, Username: 'leaver@acme.example' }),
    );
    const disabled = await failure(signIn(fixture, 'leaver@acme.example'), 'NotAuthorizedException');
    expect(disabled.message).toBe('User is disabled.');
    await failure(signIn(fixture, 'nobody@acme.example'), 'UserNotFoundException');
  });
});
