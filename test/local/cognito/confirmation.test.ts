import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  ResendConfirmationCodeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, failure, PASSWORD, signIn, signUp, startPool } from './fixture.ts';

interface StoredUser {
  Attributes: { Name: string; Value: string }[];
  ConfirmationCode?: string;
  UserStatus: string;
}

/** The pool's file, as cognito-local keeps it (only a test reads or writes it). */
function poolFile(fixture: Fixture): string {
  return join(fixture.dir, `${fixture.poolId}.json`);
}

async function storedUser(fixture: Fixture, email: string): Promise<StoredUser | undefined> {
  const pool = JSON.parse(await readFile(poolFile(fixture), 'utf8')) as { Users: Record<string, StoredUser> };
  return Object.values(pool.Users).find((user) => user.Attributes.some((a) => a.Value === email));
}

/** A code stored for the user as cognito-local stored one at every SignUp before this check. */
async function plantCode(fixture: Fixture, email: string, code: string): Promise<void> {
  await fixture.service.close();
  const pool = JSON.parse(await readFile(poolFile(fixture), 'utf8')) as { Users: Record<string, StoredUser> };
  for (const user of Object.values(pool.Users)) {
    if (user.Attributes.some((a) => a.Value === email)) user.ConfirmationCode = code;
  }
  await writeFile(poolFile(fixture), JSON.stringify(pool));
  await fixture.restart();
}

describe('a pool that verifies nothing (AutoVerifiedAttributes empty): nobody confirms themselves', () => {
  let fixture: Fixture;
  const email = 'requester@acme.example';
  beforeAll(async () => {
    fixture = await startPool();
  });
  afterAll(() => fixture.close());

  it('signs up without sending or storing a confirmation code', async () => {
    const answer = await signUp(fixture, email);
    expect(answer).toMatchObject({ UserConfirmed: false });
    expect(answer.CodeDeliveryDetails).toBeUndefined();
    const user = await storedUser(fixture, email);
    expect(user?.UserStatus).toBe('UNCONFIRMED');
    expect(user).not.toHaveProperty('ConfirmationCode');
  });

  it('refuses ConfirmSignUp whatever the code, also a code stored before', async () => {
    const confirm = (code: string) =>
      fixture.client.send(
        new ConfirmSignUpCommand({ ClientId: fixture.clientId, Username: email, ConfirmationCode: code }),
      );
    const error = await failure(confirm('123456'), 'ExpiredCodeException');
    expect(error.message).toBe('Invalid code provided, please request a code again.');
    await plantCode(fixture, email, '654321');
    await failure(confirm('654321'), 'ExpiredCodeException');
  });

  it('refuses ResendConfirmationCode as AWS does', async () => {
    const error = await failure(
      fixture.client.send(new ResendConfirmationCodeCommand({ ClientId: fixture.clientId, Username: email })),
      'InvalidParameterException',
    );
    expect(error.message).toBe('Cannot resend codes. Auto verification not turned on.');
  });

  it('does not sign in an unconfirmed user: UserNotConfirmedException with the right password only', async () => {
    await failure(signIn(fixture, email), 'UserNotConfirmedException');
    const wrong = await failure(signIn(fixture, email, 'Wrong-Password-1'), 'NotAuthorizedException');
    expect(wrong.message).toBe('Incorrect username or password.');
  });

  it('refuses ForgotPassword and ConfirmForgotPassword for an address nobody verified', async () => {
    const forgot = await failure(
      fixture.client.send(new ForgotPasswordCommand({ ClientId: fixture.clientId, Username: email })),
      'InvalidParameterException',
    );
    expect(forgot.message).toBe(
      'Cannot reset password for the user as there is no registered/verified email or phone_number',
    );
    const reset = (code: string | undefined) =>
      fixture.client.send(
        new ConfirmForgotPasswordCommand({
          ClientId: fixture.clientId,
          Username: email,
          ConfirmationCode: code,
          Password: 'A-New-Password-1',
        }),
      );
    await failure(reset('654321'), 'ExpiredCodeException');
    await failure(reset(undefined), 'ExpiredCodeException');
    const user = await fixture.client.send(
      new AdminGetUserCommand({ UserPoolId: fixture.poolId, Username: email }),
    );
    expect(user.UserStatus).toBe('UNCONFIRMED');
    await failure(signIn(fixture, email, 'A-New-Password-1'), 'NotAuthorizedException');
    await failure(signIn(fixture, email, PASSWORD), 'UserNotConfirmedException');
  });
});

describe('a pool that verifies email automatically', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startPool({ AutoVerifiedAttributes: ['email'] });
  });
  afterAll(() => fixture.close());

  it('stores the code it sends, and ConfirmSignUp with it confirms the user', async () => {
    await signUp(fixture, 'self@acme.example');
    const code = (await storedUser(fixture, 'self@acme.example'))?.ConfirmationCode ?? '';
    expect(code).toMatch(/^\d{6}$/);
    await fixture.client.send(
      new ConfirmSignUpCommand({
        ClientId: fixture.clientId,
        Username: 'self@acme.example',
        ConfirmationCode: code,
      }),
    );
    expect((await signIn(fixture, 'self@acme.example')).idToken).not.toBe('');
  });
});
