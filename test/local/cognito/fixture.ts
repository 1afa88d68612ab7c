/**
 * Starts the local Cognito in a temporary data dir with a user pool and web client declared as
 * workflows/user-pool.ts declares them (as local/deploy.ts creates them), and signs users up.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  type CreateUserPoolCommandInput,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { expect } from 'vitest';
import { startCognito } from '../../../local/cognito/index.ts';
import type { LocalService } from '../../../local/service.ts';
import { USER_POOL } from '../../../workflows/user-pool.ts';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** Meets USER_POOL's policy: 12+ characters, upper, lower, number, symbol. */
export const PASSWORD = 'Correct-Horse-9-Battery';

/** CreateUserPool as local/deploy.ts builds it from USER_POOL. */
export const POOL: Omit<CreateUserPoolCommandInput, 'PoolName'> = {
  UsernameAttributes: [...USER_POOL.usernameAttributes],
  UsernameConfiguration: { CaseSensitive: USER_POOL.caseSensitive },
  AutoVerifiedAttributes: [...USER_POOL.autoVerifiedAttributes],
  Policies: {
    PasswordPolicy: {
      MinimumLength: USER_POOL.passwordPolicy.minimumLength,
      RequireLowercase: USER_POOL.passwordPolicy.requireLowercase,
      RequireUppercase: USER_POOL.passwordPolicy.requireUppercase,
      RequireNumbers: USER_POOL.passwordPolicy.requireNumbers,
      RequireSymbols: USER_POOL.passwordPolicy.requireSymbols,
      TemporaryPasswordValidityDays: USER_POOL.passwordPolicy.temporaryPasswordValidityDays,
    },
  },
  Schema: [
    {
      Name: 'company_name',
      AttributeDataType: 'String',
      Mutable: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
    },
  ],
};

export const APP_CLIENT: Omit<CreateUserPoolClientCommandInput, 'UserPoolId' | 'ClientName'> = {
  ExplicitAuthFlows: [...USER_POOL.client.explicitAuthFlows],
  WriteAttributes: [...USER_POOL.client.writeAttributes],
};

export interface Fixture {
  readonly dir: string;
  service: LocalService;
  client: CognitoIdentityProviderClient;
  readonly poolId: string;
  readonly clientId: string;
  /** Stops and starts the endpoint on the same data dir and port (the issuer names the port). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPool(
  pool: Partial<CreateUserPoolCommandInput> = {},
  appClient: Partial<CreateUserPoolClientCommandInput> = {},
): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-test-'));
  const open = async (port?: number) => {
    const service = await startCognito({ dataDir: dir, ...(port === undefined ? {} : { port }) });
    // maxAttempts 1: an error must come back as the endpoint sent it, not after retries.
    const client = new CognitoIdentityProviderClient({
      endpoint: service.endpoint,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    return { service, client };
  };
  const opened = await open();
  const created = await opened.client.send(
    new CreateUserPoolCommand({ PoolName: 'users', ...POOL, ...pool }),
  );
  const poolId = created.UserPool?.Id ?? '';
  const web = await opened.client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ...APP_CLIENT, ...appClient }),
  );
  const fixture: Fixture = {
    dir,
    ...opened,
    poolId,
    clientId: web.UserPoolClient?.ClientId ?? '',
    async restart() {
      fixture.client.destroy();
      await fixture.service.close();
      Object.assign(fixture, await open(Number(new URL(fixture.service.endpoint).port)));
    },
    async close() {
      fixture.client.destroy();
      await fixture.service.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Signs `email` up as a member of `company`, with PASSWORD unless another is given. */
export function signUp(fixture: Fixture, email: string, company = 'Acme', password = PASSWORD) {
  return fixture.client.send(
    new SignUpCommand({
      ClientId: fixture.clientId,
      Username: email,
      Password: password,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'custom:company_name', Value: company },
      ],
    }),
  );
}

/** Signs up, confirms and verifies `email` as the approval workflow does; answers its tokens. */
export async function member(fixture: Fixture, email: string, company = 'Acme') {
  await signUp(fixture, email, company);
  const user = { UserPoolId: fixture.poolId, Username: email };
  await fixture.client.send(new AdminConfirmSignUpCommand(user));
  await fixture.client.send(
    new AdminUpdateUserAttributesCommand({
      ...user,
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  return signIn(fixture, email);
}

export async function signIn(fixture: Fixture, email: string, password = PASSWORD) {
  const answer = await fixture.client.send(
    new InitiateAuthCommand({
      ClientId: fixture.clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  return {
    idToken: answer.AuthenticationResult?.IdToken ?? '',
    accessToken: answer.AuthenticationResult?.AccessToken ?? '',
  };
}

/** Awaits a call expected to fail and returns the SDK exception after checking its name. */
export async function failure(call: Promise<unknown>, name: string): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${name}`).toBeInstanceOf(Error);
  expect((error as Error).name, (error as Error).message).toBe(name);
  return error as Error;
}
