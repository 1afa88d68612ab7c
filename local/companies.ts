/**
 * Companies on the local cloud, registered as an operator registers them on AWS: the company's
 * own item in `companyMembers` (display name, group, in the `admins` index) and its Cognito group,
 * its members (admins in the index), and the demo company `npm start` seeds with one admin.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  GroupExistsException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { type AttributeValue, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { COMPANY_ITEM, checkCompanyName, companyGroupName, companyKey } from '../workflows/index.ts';
import type { LocalCloud } from './cloud.ts';
import type { LocalDeployment } from './deploy.ts';

export interface DemoAdmin {
  readonly company: string;
  readonly email: string;
  readonly password: string;
}

/**
 * A demo company with one admin, so a new user can try the sign-up approval in the browser: the
 * admin's password is made once and kept in `<dataDir>/demo-admin.json` (mode 0600).
 */
export async function seedDemoCompany(cloud: LocalCloud, deployment: LocalDeployment): Promise<DemoAdmin> {
  const file = join(cloud.dataDir, 'demo-admin.json');
  const demo: DemoAdmin = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as DemoAdmin,
    async () => {
      const made = {
        company: 'Acme',
        email: 'admin@acme.example',
        password: `Demo-${randomBytes(9).toString('base64url')}1a`,
      };
      await writeFile(file, JSON.stringify(made), { mode: 0o600 });
      return made;
    },
  );
  const cognito = new CognitoIdentityProviderClient(cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
  try {
    const pool = { UserPoolId: deployment.userPoolId, Username: demo.email };
    let sub = await subOf(cognito, pool);
    if (sub === undefined) {
      await cognito.send(
        new AdminCreateUserCommand({
          ...pool,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: demo.email },
            { Name: 'email_verified', Value: 'true' },
            { Name: 'custom:company_name', Value: demo.company },
          ],
        }),
      );
      await cognito.send(
        new AdminSetUserPasswordCommand({ ...pool, Password: demo.password, Permanent: true }),
      );
      sub = await subOf(cognito, pool);
    }
    const companyId = companyKey(demo.company);
    await registerCompany(cloud, deployment, demo.company);
    await addCompanyMember(cloud, deployment, {
      companyId,
      userId: sub ?? '',
      email: demo.email,
      role: 'admin',
    });
    return demo;
  } finally {
    cognito.destroy();
  }
}

/**
 * Registers a company as an operator would: its own item in `companyMembers` (display name,
 * group) and its Cognito group. Answers the company's key. Idempotent.
 */
export async function registerCompany(
  cloud: LocalCloud,
  deployment: LocalDeployment,
  displayName: string,
): Promise<string> {
  const companyId = companyKey(checkCompanyName(displayName));
  const group = companyGroupName(companyId);
  await putCompanyItem(cloud, deployment, {
    companyId: { S: companyId },
    userId: { S: COMPANY_ITEM },
    adminOf: { S: companyId },
    displayName: { S: displayName },
    groupName: { S: group },
  });
  const cognito = new CognitoIdentityProviderClient(cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
  try {
    await cognito
      .send(
        new CreateGroupCommand({
          UserPoolId: deployment.userPoolId,
          GroupName: group,
          Description: `Members of ${displayName}`,
        }),
      )
      .catch((error: unknown) => {
        if (!(error instanceof GroupExistsException)) throw error;
      });
    return companyId;
  } finally {
    cognito.destroy();
  }
}

/** A member of a company (admins carry `adminOf`, which puts them in the `admins` index). */
export function addCompanyMember(
  cloud: LocalCloud,
  deployment: LocalDeployment,
  member: { companyId: string; userId: string; email: string; role: 'admin' | 'member' },
): Promise<void> {
  return putCompanyItem(cloud, deployment, {
    companyId: { S: member.companyId },
    userId: { S: member.userId },
    email: { S: member.email },
    role: { S: member.role },
    ...(member.role === 'admin' ? { adminOf: { S: member.companyId } } : {}),
  });
}

async function putCompanyItem(
  cloud: LocalCloud,
  deployment: LocalDeployment,
  item: Record<string, AttributeValue>,
): Promise<void> {
  const dynamodb = new DynamoDBClient(cloud.sdkConfig('DYNAMODB'));
  try {
    await dynamodb.send(new PutItemCommand({ TableName: deployment.tables.companyMembers, Item: item }));
  } finally {
    dynamodb.destroy();
  }
}

async function subOf(
  client: CognitoIdentityProviderClient,
  user: { UserPoolId: string; Username: string },
): Promise<string | undefined> {
  try {
    const found = await client.send(new AdminGetUserCommand(user));
    return found.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
  } catch (error) {
    if (error instanceof UserNotFoundException) return undefined;
    throw error;
  }
}
