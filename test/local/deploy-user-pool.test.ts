/** The user pool and web client deployLocally creates from workflows/user-pool.ts. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';
import { deployLocally, LocalDeployError, type LocalDeployment } from '../../local/deploy.ts';
import { USER_POOL } from '../../workflows/user-pool.ts';

describe('deployLocally: the user pool', () => {
  let dir: string;
  let cloud: LocalCloud;
  let deployment: LocalDeployment;
  let cognito: CognitoIdentityProviderClient;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deploy-pool-'));
    cloud = await startLocalCloud({ dataDir: dir });
    cognito = new CognitoIdentityProviderClient(cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
    deployment = await deployLocally(cloud);
  }, 120_000);
  afterAll(async () => {
    cognito.destroy();
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);

  it('creates the pool as workflows/user-pool.ts declares it', async () => {
    const { UserPool: pool } = await cognito.send(
      new DescribeUserPoolCommand({ UserPoolId: deployment.userPoolId }),
    );
    expect(pool).toMatchObject({
      Name: 'wf-users',
      UsernameAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      Policies: {
        PasswordPolicy: {
          MinimumLength: USER_POOL.passwordPolicy.minimumLength,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
          TemporaryPasswordValidityDays: USER_POOL.passwordPolicy.temporaryPasswordValidityDays,
        },
      },
    });
    expect(pool?.AutoVerifiedAttributes ?? []).toEqual([]);
    expect(pool?.SchemaAttributes?.find((a) => a.Name === 'custom:company_name')).toMatchObject({
      AttributeDataType: 'String',
      Mutable: false,
      StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
    });
  });

  it('creates the web client with its auth flows and write attributes, and no OAuth flows', async () => {
    const { UserPoolClient: web } = await cognito.send(
      new DescribeUserPoolClientCommand({
        UserPoolId: deployment.userPoolId,
        ClientId: deployment.userPoolClientId,
      }),
    );
    expect(web).toMatchObject({
      ClientName: 'wf-web',
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      WriteAttributes: ['email', 'custom:company_name'],
      IdTokenValidity: 60,
    });
    expect(web?.ClientSecret).toBeUndefined();
    expect(web?.AllowedOAuthFlows ?? []).toEqual([]);
    expect(web?.AllowedOAuthFlowsUserPoolClient ?? false).toBe(false);
  });

  it('deploys again onto the same pool and client, keeping the policy (UpdateUserPool resets what it is not given)', async () => {
    const again = await deployLocally(cloud);
    expect([again.userPoolId, again.userPoolClientId]).toEqual([
      deployment.userPoolId,
      deployment.userPoolClientId,
    ]);
    const { UserPool: pool } = await cognito.send(
      new DescribeUserPoolCommand({ UserPoolId: deployment.userPoolId }),
    );
    expect(pool?.Policies?.PasswordPolicy?.MinimumLength).toBe(USER_POOL.passwordPolicy.minimumLength);
  }, 60_000);

  it('refuses a pool made before with settings that cannot change, and says how to start over', async () => {
    await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'old-users',
        UsernameAttributes: ['email'],
        Schema: [{ Name: 'company_name', AttributeDataType: 'String', Mutable: true }],
      }),
    );
    const deploying = deployLocally(cloud, { prefix: 'old' });
    await expect(deploying).rejects.toThrow(LocalDeployError);
    await expect(deploying).rejects.toThrow(
      /user names case-sensitive, custom:company_name Mutable true, .*wf up --fresh/,
    );
  }, 60_000);
});
