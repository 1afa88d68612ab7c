import {
  AdminAddUserToGroupCommand,
  CreateGroupCommand,
  GetGroupCommand,
  ListUsersInGroupCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, failure, signUp, startPool } from './fixture.ts';

describe('CreateGroup in the local Cognito', () => {
  let fixture: Fixture;
  const create = (GroupName: string, extra: { Description?: string; Precedence?: number } = {}) =>
    fixture.client.send(new CreateGroupCommand({ UserPoolId: fixture.poolId, GroupName, ...extra }));
  beforeAll(async () => {
    fixture = await startPool();
  });
  afterAll(() => fixture.close());

  it('refuses a name outside AWS’s pattern, with AWS’s validation message', async () => {
    const error = await failure(create('acme admins'), 'InvalidParameterException');
    expect(error.message).toBe(
      "1 validation error detected: Value 'acme admins' at 'groupName' failed to satisfy constraint: " +
        'Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+',
    );
    await failure(create('tab\there'), 'InvalidParameterException');
    // Letters, marks, symbols, numbers and punctuation of any script are allowed.
    await create('société-Ωμέγα_1+€');
  });

  it('refuses names longer than 128 characters and descriptions longer than 2048', async () => {
    const long = 'g'.repeat(129);
    const error = await failure(create(long), 'InvalidParameterException');
    expect(error.message).toBe(
      `1 validation error detected: Value '${long}' at 'groupName' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 128',
    );
    await create('g'.repeat(128));
    const described = await failure(
      create('described', { Description: 'd'.repeat(2049) }),
      'InvalidParameterException',
    );
    expect(described.message).toMatch(
      /^1 validation error detected: Value 'd+' at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048$/,
    );
    const both = await failure(create('a b', { Precedence: -1 }), 'InvalidParameterException');
    expect(both.message).toMatch(
      /^2 validation errors detected: Value 'a b' at 'groupName' .*; Value '-1' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0$/,
    );
  });

  it('answers GroupExistsException for a second CreateGroup and keeps the group and its members', async () => {
    await create('company-acme', { Description: 'Acme', Precedence: 1 });
    const { UserSub } = await signUp(fixture, 'member@acme.example');
    await fixture.client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: fixture.poolId,
        Username: 'member@acme.example',
        GroupName: 'company-acme',
      }),
    );
    const error = await failure(
      create('company-acme', { Description: 'taken over' }),
      'GroupExistsException',
    );
    expect(error.message).toBe('A group with the name already exists.');
    // Group names are unique regardless of case.
    await failure(create('Company-ACME'), 'GroupExistsException');

    const group = await fixture.client.send(
      new GetGroupCommand({ UserPoolId: fixture.poolId, GroupName: 'company-acme' }),
    );
    expect(group.Group).toMatchObject({ GroupName: 'company-acme', Description: 'Acme', Precedence: 1 });
    const members = await fixture.client.send(
      new ListUsersInGroupCommand({ UserPoolId: fixture.poolId, GroupName: 'company-acme' }),
    );
    expect(members.Users?.map((user) => user.Username)).toEqual([UserSub]);
  });
});
