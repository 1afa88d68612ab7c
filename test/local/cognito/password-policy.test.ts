import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, failure, member, PASSWORD, signIn, signUp, startPool } from './fixture.ts';

/** The reset code cognito-local stored for the user: only a test reads the pool's file. */
async function storedCode(fixture: Fixture, email: string): Promise<string> {
  const pool = JSON.parse(await readFile(join(fixture.dir, `${fixture.poolId}.json`), 'utf8')) as {
    Users: Record<string, { Attributes: { Name: string; Value: string }[]; ConfirmationCode?: string }>;
  };
  const user = Object.values(pool.Users).find((u) => u.Attributes.some((a) => a.Value === email));
  return user?.ConfirmationCode ?? '';
}

describe('the local Cognito applies the pool’s password policy', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startPool();
  });
  afterAll(() => fixture.close());

  it('refuses SignUp with the password "a", as AWS words it', async () => {
    const error = await failure(
      signUp(fixture, 'weak@acme.example', 'Acme', 'a'),
      'InvalidPasswordException',
    );
    expect(error.message).toBe('Password did not conform with policy: Password not long enough');
  });

  it('names the first rule a password breaks', async () => {
    const cases: [string, string][] = [
      ['alllowercase-1', 'Password must have uppercase characters'],
      ['ALLUPPERCASE-1', 'Password must have lowercase characters'],
      ['NoNumbers-here', 'Password must have numeric characters'],
      ['NoSymbols1here', 'Password must have symbol characters'],
      [' NoSymbols1ab ', 'Password must have symbol characters'],
    ];
    for (const [password, rule] of cases) {
      const error = await failure(
        signUp(fixture, 'weak@acme.example', 'Acme', password),
        'InvalidPasswordException',
      );
      expect(error.message, password).toBe(`Password did not conform with policy: ${rule}`);
    }
    // A space inside the password counts as a symbol, as on AWS.
    await signUp(fixture, 'spaced@acme.example', 'Acme', 'Has a space 123');
  });

  it('applies it to AdminCreateUser’s temporary password and to AdminSetUserPassword', async () => {
    const weak = await failure(
      fixture.client.send(
        new AdminCreateUserCommand({
          UserPoolId: fixture.poolId,
          Username: 'temp@acme.example',
          TemporaryPassword: 'short',
          MessageAction: 'SUPPRESS',
        }),
      ),
      'InvalidPasswordException',
    );
    expect(weak.message).toBe('Password did not conform with policy: Password not long enough');
    await signUp(fixture, 'set@acme.example');
    await failure(
      fixture.client.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: fixture.poolId,
          Username: 'set@acme.example',
          Password: 'password',
          Permanent: true,
        }),
      ),
      'InvalidPasswordException',
    );
  });

  it('applies it to ChangePassword, and keeps the old password when it refuses', async () => {
    const { accessToken } = await member(fixture, 'change@acme.example');
    await failure(
      fixture.client.send(
        new ChangePasswordCommand({
          AccessToken: accessToken,
          PreviousPassword: PASSWORD,
          ProposedPassword: 'abc',
        }),
      ),
      'InvalidPasswordException',
    );
    expect((await signIn(fixture, 'change@acme.example')).idToken).not.toBe('');
  });

  it('applies it to ConfirmForgotPassword, and a reset with a good password still works', async () => {
    await member(fixture, 'forgot@acme.example');
    await fixture.client.send(
      new ForgotPasswordCommand({ ClientId: fixture.clientId, Username: 'forgot@acme.example' }),
    );
    const reset = {
      ClientId: fixture.clientId,
      Username: 'forgot@acme.example',
      ConfirmationCode: await storedCode(fixture, 'forgot@acme.example'),
    };
    await failure(
      fixture.client.send(new ConfirmForgotPasswordCommand({ ...reset, Password: 'weak' })),
      'InvalidPasswordException',
    );
    await fixture.client.send(new ConfirmForgotPasswordCommand({ ...reset, Password: 'A-new-Password-2' }));
    expect((await signIn(fixture, 'forgot@acme.example', 'A-new-Password-2')).idToken).not.toBe('');
  });

  it('applies it to the NEW_PASSWORD_REQUIRED answer, and the challenge stays open for a good one', async () => {
    await fixture.client.send(
      new AdminCreateUserCommand({
        UserPoolId: fixture.poolId,
        Username: 'invited@acme.example',
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'custom:company_name', Value: 'Acme' }],
      }),
    );
    const challenge = await fixture.client.send(
      new InitiateAuthCommand({
        ClientId: fixture.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'invited@acme.example', PASSWORD: 'Temporary-Pass-1' },
      }),
    );
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    const answer = (password: string) =>
      fixture.client.send(
        new RespondToAuthChallengeCommand({
          ClientId: fixture.clientId,
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: challenge.Session,
          ChallengeResponses: { USERNAME: 'invited@acme.example', NEW_PASSWORD: password },
        }),
      );
    await failure(answer('password'), 'InvalidPasswordException');
    expect((await answer('A-Chosen-Password-3')).AuthenticationResult?.IdToken).toBeTruthy();
  });
});
