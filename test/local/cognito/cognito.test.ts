import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognito } from '../../../local/cognito/index.ts';
import type { LambdaHandler } from '../../../local/lambda/index.ts';
import type { LocalService } from '../../../local/service.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const PASSWORD = 'Correct-Horse-9';

/** The trigger records its events and rejects a sign-up whose company is "blocked". */
const events: Record<string, unknown>[] = [];
const preSignUp: LambdaHandler = (event) => {
  const typed = event as { request: { userAttributes: Record<string, string> } };
  events.push(typed as unknown as Record<string, unknown>);
  if (typed.request.userAttributes['custom:company_name'] === 'blocked') {
    throw new Error('company blocked is not accepted');
  }
  return event;
};

const logs: string[] = [];
let dir: string;
let service: LocalService;
let client: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;

async function start(): Promise<void> {
  service = await startCognito({
    dataDir: dir,
    triggers: { 'pre-sign-up': preSignUp },
    log: (line) => logs.push(line),
  });
  // maxAttempts 1: an error must come back as the endpoint sent it, not after retries.
  client = new CognitoIdentityProviderClient({
    endpoint: service.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
}

async function stop(): Promise<void> {
  client.destroy();
  await service.close();
}

async function failure(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

function signUp(username: string, company: string, extra: { Name: string; Value: string }[] = []) {
  return client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: `${username}@example.com` },
        { Name: 'custom:company_name', Value: company },
        ...extra,
      ],
    }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cognito-test-'));
  await start();
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'users',
      Schema: [{ Name: 'company_name', AttributeDataType: 'String', Mutable: true }],
      LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:111111111111:function:pre-sign-up' },
    }),
  );
  poolId = pool.UserPool?.Id ?? '';
  const appClient = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: 'web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    }),
  );
  clientId = appClient.UserPoolClient?.ClientId ?? '';
});

afterAll(async () => {
  await stop();
  await rm(dir, { recursive: true, force: true });
});

describe('local Cognito', () => {
  it('calls the PreSignUp trigger named in the pool with the sign-up attributes', async () => {
    const answer = await signUp('alice', 'acme');
    expect(answer.UserConfirmed).toBe(false);
    const event = events.at(-1) as {
      triggerSource: string;
      userPoolId: string;
      region: string;
      request: unknown;
    };
    expect(event.triggerSource).toBe('PreSignUp_SignUp');
    expect(event.userPoolId).toBe(poolId);
    expect(event.region).toBe('us-east-1');
    expect(event.request).toMatchObject({
      userAttributes: { email: 'alice@example.com', 'custom:company_name': 'acme' },
    });
  });

  it('rejects the sign-up when the trigger throws, with the message as AWS words it', async () => {
    const error = await failure(signUp('mallory', 'blocked'));
    expect(error.name).toBe('UserLambdaValidationException');
    expect(error.message).toBe('PreSignUp failed with error company blocked is not accepted.');
  });

  it('rejects attributes the schema does not declare, in SignUp and AdminCreateUser', async () => {
    const error = await failure(signUp('bob', 'acme', [{ Name: 'custom:undeclared', Value: 'x' }]));
    expect(error.name).toBe('InvalidParameterException');
    expect(error.message).toBe(
      'Attributes did not conform to the schema: custom:undeclared: Attribute does not exist in the schema.\n',
    );
    const admin = await failure(
      client.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'carol',
          UserAttributes: [{ Name: 'custom:company', Value: 'acme' }],
          MessageAction: 'SUPPRESS',
        }),
      ),
    );
    expect(admin.name).toBe('InvalidParameterException');
  });

  it('confirms, groups and signs in a user whose ID token carries the groups', async () => {
    await client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'alice' }));
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'acme-admins' }));
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'alice', GroupName: 'acme-admins' }),
    );
    const groups = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'alice' }),
    );
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['acme-admins']);

    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'alice', PASSWORD },
      }),
    );
    const idToken = auth.AuthenticationResult?.IdToken ?? '';
    expect(auth.AuthenticationResult?.AccessToken).toBeTruthy();
    const claims = JSON.parse(
      Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as Record<string, unknown>;
    expect(claims['cognito:groups']).toEqual(['acme-admins']);
    expect(claims['custom:company_name']).toBe('acme');
    expect(claims.iss).toBe(`${service.endpoint}/${poolId}`);
  });

  it('keeps pools, clients, users and groups across a restart', async () => {
    await stop();
    await start();
    const groups = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'alice' }),
    );
    expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['acme-admins']);
    const auth = await client.send(
      new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: 'alice', PASSWORD },
      }),
    );
    expect(auth.AuthenticationResult?.IdToken).toBeTruthy();
    // The trigger configuration survived too: a blocked company is still rejected.
    expect((await failure(signUp('eve', 'blocked'))).name).toBe('UserLambdaValidationException');
  });

  it('logs failures without passwords or tokens', () => {
    expect(logs.some((line) => line.includes('company blocked is not accepted'))).toBe(true);
    expect(logs.filter((line) => line.includes(PASSWORD) || /eyJ[\w-]+\./.test(line))).toEqual([]);
  });
});
