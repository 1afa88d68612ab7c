import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolCommand,
  ListUsersCommand,
  type ListUsersCommandInput,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCognito } from '../../../local/cognito/index.ts';
import type { LocalService } from '../../../local/service.ts';

let dir: string;
let service: LocalService;
let client: CognitoIdentityProviderClient;
/** A pool with email as the username attribute: the stored username is the user's sub. */
let emailPool: string;
/** A pool with plain usernames. */
let namePool: string;

const NAMES = ['erin', 'alice', 'dave', 'bob', 'carol'];

async function failure(call: Promise<unknown>): Promise<Error> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

async function createUser(UserPoolId: string, Username: string): Promise<void> {
  await client.send(new AdminCreateUserCommand({ UserPoolId, Username, MessageAction: 'SUPPRESS' }));
}

/** Every page of ListUsers, following PaginationToken. */
async function allPages(input: ListUsersCommandInput): Promise<UserType[][]> {
  const pages: UserType[][] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ ...input, PaginationToken: token }));
    pages.push(page.Users ?? []);
    token = page.PaginationToken;
  } while (token !== undefined && pages.length < 20);
  return pages;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cognito-paging-test-'));
  service = await startCognito({ dataDir: dir });
  client = new CognitoIdentityProviderClient({
    endpoint: service.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const byEmail = await client.send(
    new CreateUserPoolCommand({ PoolName: 'by-email', UsernameAttributes: ['email'] }),
  );
  emailPool = byEmail.UserPool?.Id ?? '';
  const byName = await client.send(new CreateUserPoolCommand({ PoolName: 'by-name' }));
  namePool = byName.UserPool?.Id ?? '';
  for (const name of NAMES) await createUser(namePool, name);
});

afterAll(async () => {
  client.destroy();
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

describe('AdminListGroupsForUser', () => {
  it('finds the user by its email where email is the username attribute, and by its username', async () => {
    await createUser(emailPool, 'frank@example.com');
    const user = await client.send(
      new AdminGetUserCommand({ UserPoolId: emailPool, Username: 'frank@example.com' }),
    );
    const username = user.Username ?? '';
    expect(username).not.toBe('frank@example.com'); // the sub, as on AWS
    for (const GroupName of ['readers', 'writers']) {
      await client.send(new CreateGroupCommand({ UserPoolId: emailPool, GroupName }));
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: emailPool, Username: 'frank@example.com', GroupName }),
      );
    }
    for (const name of ['frank@example.com', username]) {
      const groups = await client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: emailPool, Username: name }),
      );
      expect(groups.Groups?.map((group) => group.GroupName)).toEqual(['readers', 'writers']);
      expect(groups.Groups?.[0]?.UserPoolId).toBe(emailPool);
      expect(groups.NextToken).toBeUndefined();
    }
  });

  it('answers UserNotFoundException for an unknown user', async () => {
    const error = await failure(
      client.send(
        new AdminListGroupsForUserCommand({ UserPoolId: emailPool, Username: 'nobody@example.com' }),
      ),
    );
    expect(error.name).toBe('UserNotFoundException');
  });

  it('pages the groups by Limit and NextToken', async () => {
    for (const GroupName of ['g3', 'g1', 'g2']) {
      await client.send(new CreateGroupCommand({ UserPoolId: namePool, GroupName }));
      await client.send(
        new AdminAddUserToGroupCommand({ UserPoolId: namePool, Username: 'alice', GroupName }),
      );
    }
    await client.send(
      new AdminAddUserToGroupCommand({ UserPoolId: namePool, Username: 'bob', GroupName: 'g1' }),
    );
    const first = await client.send(
      new AdminListGroupsForUserCommand({ UserPoolId: namePool, Username: 'alice', Limit: 2 }),
    );
    expect(first.Groups?.map((group) => group.GroupName)).toEqual(['g1', 'g2']);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await client.send(
      new AdminListGroupsForUserCommand({
        UserPoolId: namePool,
        Username: 'alice',
        Limit: 2,
        NextToken: first.NextToken,
      }),
    );
    expect(second.Groups?.map((group) => group.GroupName)).toEqual(['g3']);
    expect(second.NextToken).toBeUndefined();
    // A token belongs to the listing it came from.
    const other = await failure(
      client.send(
        new AdminListGroupsForUserCommand({
          UserPoolId: namePool,
          Username: 'bob',
          NextToken: first.NextToken,
        }),
      ),
    );
    expect(other.name).toBe('InvalidParameterException');
  });
});

describe('ListUsers', () => {
  it('answers every user on one page without a token by default', async () => {
    const page = await client.send(new ListUsersCommand({ UserPoolId: namePool }));
    expect(page.Users?.map((user) => user.Username)).toEqual([...NAMES].sort());
    expect(page.PaginationToken).toBeUndefined();
  });

  it('answers at most Limit users and a PaginationToken for the rest', async () => {
    const pages = await allPages({ UserPoolId: namePool, Limit: 2 });
    expect(pages.map((page) => page.map((user) => user.Username))).toEqual([
      ['alice', 'bob'],
      ['carol', 'dave'],
      ['erin'],
    ]);
  });

  it('has no token when the last page is exactly full', async () => {
    const page = await client.send(new ListUsersCommand({ UserPoolId: namePool, Limit: NAMES.length }));
    expect(page.Users).toHaveLength(NAMES.length);
    expect(page.PaginationToken).toBeUndefined();
  });

  it('pages the users the Filter matches', async () => {
    const pages = await allPages({ UserPoolId: namePool, Filter: 'username ^= "e"', Limit: 1 });
    expect(pages.map((page) => page.map((user) => user.Username))).toEqual([['erin']]);
    const status = await allPages({
      UserPoolId: namePool,
      Filter: 'cognito:user_status = "FORCE_CHANGE_PASSWORD"',
      Limit: 3,
    });
    expect(status.map((page) => page.length)).toEqual([3, 2]);
  });

  it('rejects a Limit above 60 and a token it did not issue', async () => {
    const limit = await failure(client.send(new ListUsersCommand({ UserPoolId: namePool, Limit: 61 })));
    expect(limit.name).toBe('InvalidParameterException');
    const token = await failure(
      client.send(new ListUsersCommand({ UserPoolId: namePool, PaginationToken: 'not-a-token' })),
    );
    expect(token.name).toBe('InvalidParameterException');
    const first = await client.send(new ListUsersCommand({ UserPoolId: namePool, Limit: 1 }));
    const otherFilter = await failure(
      client.send(
        new ListUsersCommand({
          UserPoolId: namePool,
          Filter: 'username = "bob"',
          PaginationToken: first.PaginationToken,
        }),
      ),
    );
    expect(otherFilter.name).toBe('InvalidParameterException');
  });
});
