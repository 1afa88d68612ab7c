/**
 * The sign-up approval process end to end on the local cloud, through the real SDKs: Cognito's
 * SignUp runs the pre-sign-up trigger, the approval workflow emails the admins, the approval
 * page takes the admin's decision, and the user ends confirmed in the company group or removed.
 * Time is virtual: retries and the approval timeout advance the engine's clock, not the wall's.
 */
import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  ListUsersInGroupCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { decodeProtectedHeader, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../asl/index.ts';
import { type LocalApp, startLocalApp } from '../../local/app.ts';
import { addCompanyMember, registerCompany } from '../../local/companies.ts';
import type { StepFunctionsService } from '../../local/sfn/index.ts';
import { executionName, handler as preSignUp } from '../../tasks/pre-sign-up/handler.ts';
import { signupApproval } from '../../workflows/signup-approval/workflow.ts';

const PASSWORD = 'Passw0rd!-for-tests';
const SEVEN_DAYS = 7 * 24 * 3600 * 1000;

let dir: string;
let app: LocalApp;
let clock: VirtualClock;
let cognito: CognitoIdentityProviderClient;
let sfn: SFNClient;
let dynamodb: DynamoDBClient;
const logLines: string[] = [];
const transitions: Record<string, number> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'signup-'));
  clock = new VirtualClock({ start: Date.UTC(2026, 10, 23, 9) });
  app = await startLocalApp({ dataDir: dir, clock, log: (line) => logLines.push(line) });
  cognito = new CognitoIdentityProviderClient(app.cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
  sfn = new SFNClient(app.cloud.sdkConfig('SFN'));
  dynamodb = new DynamoDBClient(app.cloud.sdkConfig('DYNAMODB'));
}, 120_000);

afterAll(async () => {
  // The counts are part of the report (README): printed, and kept with the test artifacts.
  console.log(`State transitions per path: ${JSON.stringify(transitions)}`);
  await mkdir('test-artifacts', { recursive: true });
  await writeFile(
    'test-artifacts/signup-approval-transitions.json',
    `${JSON.stringify(transitions, null, 2)}\n`,
  );
  await app.close();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

/** Advances virtual time in small steps until `check` answers, letting real I/O run between steps. */
async function until<T>(check: () => Promise<T | undefined>, what: string, step = 500): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const found = await check();
    if (found !== undefined) return found;
    await clock.advance(step);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

const approvalArn = () => app.deployment.stateMachines['signup-approval'] ?? '';
const executionArn = (userName: string) =>
  `${approvalArn().replace(':stateMachine:', ':execution:')}:${executionName(userName)}`;

async function signUp(email: string, company?: string): Promise<string> {
  const result = await cognito.send(
    new SignUpCommand({
      ClientId: app.deployment.userPoolClientId,
      Username: email,
      Password: PASSWORD,
      UserAttributes: [
        { Name: 'email', Value: email },
        ...(company === undefined ? [] : [{ Name: 'custom:company_name', Value: company }]),
      ],
    }),
  );
  return result.UserSub ?? '';
}

async function finished(userName: string): Promise<DescribeExecutionCommandOutput> {
  return until(async () => {
    const execution = await sfn
      .send(new DescribeExecutionCommand({ executionArn: executionArn(userName) }))
      .catch(() => undefined);
    return execution && execution.status !== 'RUNNING' ? execution : undefined;
  }, `the execution of ${userName} to end`);
}

async function history(userName: string): Promise<HistoryEvent[]> {
  const out = await sfn.send(
    new GetExecutionHistoryCommand({ executionArn: executionArn(userName), maxResults: 1000 }),
  );
  return out.events ?? [];
}

/** The engine's count of state transitions as AWS bills them (each state entered, each retry). */
async function countTransitions(path: string, userName: string): Promise<number> {
  const sfnService = app.cloud.services.find((s) => s.id === 'SFN') as StepFunctionsService;
  const record = await sfnService.backend.store.getExecution(executionArn(userName));
  const count = record?.transitions ?? Number.NaN;
  transitions[path] = count;
  return count;
}

async function mailTo(address: string, subject: RegExp) {
  return until(async () => {
    const mail = (await app.cloud.outbox()).find((m) => m.to.includes(address) && subject.test(m.subject));
    return mail ?? undefined;
  }, `an email to ${address} about ${subject}`);
}

/** The address check link mailed to the new user. */
async function verificationLink(address: string): Promise<string> {
  const mail = await mailTo(address, /^Confirm your email address to join /);
  const link = /(http:\/\/\S+\/verify\/[0-9a-f-]{36})/.exec(mail.text ?? '')?.[1];
  if (!link) throw new Error(`no verification link in: ${mail.text}`);
  await opened(app.deployment.tables.verifications, 'verificationId', link);
  return link;
}

/** Waits until the workflow waits on the record (the link is mailed a moment before). */
async function opened(table: string, key: string, link: string): Promise<void> {
  await until(async () => {
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: table,
        Key: { [key]: { S: link.split('/').pop() ?? '' } },
        ConsistentRead: true,
      }),
    );
    return Item?.status?.S === 'PREPARING' ? undefined : true;
  }, `the record of ${link} to be open`);
}

async function answer(link: string, action: 'CONFIRM' | 'CANCEL', password = PASSWORD) {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(action === 'CONFIRM' ? { action, password } : { action }),
  });
  return { status: response.status, body: (await response.json()) as { status?: string; message?: string } };
}

/** Signs up and proves the address, as the new user does. */
async function signUpAndVerify(email: string, company: string): Promise<string> {
  const userName = await signUp(email, company);
  expect(await answer(await verificationLink(email), 'CONFIRM')).toMatchObject({
    status: 200,
    body: { status: 'CONFIRMED' },
  });
  return userName;
}

const mailsTo = async (address: string) => (await app.cloud.outbox()).filter((m) => m.to.includes(address));

async function approvalLink(newUser: string): Promise<string> {
  const admin = app.demo?.email ?? '';
  const mail = await mailTo(admin, new RegExp(`^${newUser.replace(/[.+]/g, '\\$&')} asks to join`));
  const link = /(http:\/\/\S+\/approvals\/[0-9a-f-]{36})/.exec(mail.text ?? '')?.[1];
  if (!link) throw new Error(`no approval link in: ${mail.text}`);
  await opened(app.deployment.tables.approvals, 'approvalId', link);
  return link;
}

async function idToken(email: string, password: string): Promise<string> {
  const out = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: app.deployment.userPoolClientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );
  return out.AuthenticationResult?.IdToken ?? '';
}

const adminToken = () => idToken(app.demo?.email ?? '', app.demo?.password ?? '');
const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

async function decide(link: string, decision: 'APPROVE' | 'DENY', token?: string) {
  const response = await fetch(link, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ decision }),
  });
  return { status: response.status, body: (await response.json()) as { status?: string; message?: string } };
}

async function approvalRecord(link: string) {
  const approvalId = link.split('/').pop() ?? '';
  const { Item } = await dynamodb.send(
    new GetItemCommand({
      TableName: app.deployment.tables.approvals,
      Key: { approvalId: { S: approvalId } },
    }),
  );
  return Item;
}

async function userExists(userName: string): Promise<boolean> {
  return cognito
    .send(new AdminGetUserCommand({ UserPoolId: app.deployment.userPoolId, Username: userName }))
    .then(() => true)
    .catch(() => false);
}

describe('sign-up approval', () => {
  it('approve: the admin approves through the link, the user is confirmed, verified, in the company group, welcomed', async () => {
    const email = 'new.hire@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<bdi>${email}</bdi> asks to join <bdi>Acme</bdi>`);

    const decided = await decide(link, 'APPROVE', await adminToken());
    expect(decided).toMatchObject({ status: 200, body: { status: 'DECIDED', decision: 'APPROVED' } });

    const execution = await finished(userName);
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
    expect(signupApproval.output.parse(JSON.parse(execution.output ?? 'null'))).toEqual({
      outcome: 'APPROVED',
      group: 'company-acme',
      unreachedAdmins: [],
    });
    await mailTo(email, /^Welcome to Acme$/);
    const token = await idToken(email, PASSWORD);
    expect(claims(token)).toMatchObject({ email, email_verified: true, 'cognito:groups': ['company-acme'] });
    expect(await countTransitions('approve', userName)).toBeLessThanOrEqual(16);
  });

  it('deny: the user is removed and told, the approval reads DECIDED / DENIED', async () => {
    const email = 'stranger@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    expect((await decide(link, 'DENY', await adminToken())).body).toMatchObject({
      status: 'DECIDED',
      decision: 'DENIED',
    });
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'DENIED' });
    expect(await userExists(userName)).toBe(false);
    expect((await mailTo(email, /^Your sign-up for Acme$/)).text).toContain('did not approve');
    expect(await approvalRecord(link)).toMatchObject({ status: { S: 'DECIDED' }, decision: { S: 'DENIED' } });
    await countTransitions('deny', userName);
  });

  it('an unknown company: the sign-up is refused at once, and nothing is mailed', async () => {
    const email = 'someone@nowhere.example';
    await expect(signUp(email, 'Nowhere Ltd')).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: expect.stringMatching(/No company by that name uses this service/),
    });
    expect(await mailsTo(email)).toEqual([]);
  });

  it('no admin: a registered company nobody administers gets the user removed and told, without repeating what they typed', async () => {
    await registerCompany(app.cloud, app.deployment, 'Nowhere Ltd');
    const email = 'someone@nowhere.example';
    const userName = await signUp(email, 'Nowhere Ltd');
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'UNKNOWN_COMPANY' });
    expect(await userExists(userName)).toBe(false);
    const mail = await mailTo(email, /^Your sign-up was not completed$/);
    expect(mail.text).toContain('could not find a company');
    expect(JSON.stringify(mail)).not.toContain('Nowhere');
    await countTransitions('unknown company', userName);
  });

  it('timeout: nobody decides within the window, the approval EXPIRES and the user is removed and told', async () => {
    const email = 'late@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    await clock.advance(SEVEN_DAYS);
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'EXPIRED' });
    expect(await userExists(userName)).toBe(false);
    expect((await mailTo(email, /^Your sign-up for Acme$/)).text).toContain('in time');
    expect(await approvalRecord(link)).toMatchObject({ status: { S: 'EXPIRED' } });
    expect((await approvalRecord(link))?.taskToken).toBeUndefined();
    // A late click reads "expired" and resumes nothing.
    expect(await decide(link, 'APPROVE', await adminToken())).toMatchObject({
      status: 410,
      body: { status: 'EXPIRED' },
    });
    await countTransitions('timeout', userName);
  });

  it('failure: when no admin can be emailed, the user is not left unconfirmed but removed and told', async () => {
    const companyId = await registerCompany(app.cloud, app.deployment, 'Broken Co');
    await addCompanyMember(app.cloud, app.deployment, {
      companyId,
      userId: 'admin-without-address',
      email: 'admin-without-address',
      role: 'admin',
    });
    const email = 'member@broken.example';
    const userName = await signUpAndVerify(email, 'Broken Co');
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'FAILED' });
    expect(await userExists(userName)).toBe(false);
    expect((await mailTo(email, /^Your sign-up for Broken Co$/)).text).toContain('sign up again later');
  });

  it('one undeliverable admin address: the request stands with the admins reached, the rest reported', async () => {
    const companyId = await registerCompany(app.cloud, app.deployment, 'Half Co');
    await addCompanyMember(app.cloud, app.deployment, {
      companyId,
      userId: 'bad-admin',
      email: 'bad-admin-no-domain',
      role: 'admin',
    });
    const admin = app.demo?.email ?? '';
    const sub = String(claims(await adminToken()).sub);
    await addCompanyMember(app.cloud, app.deployment, {
      companyId,
      userId: sub,
      email: admin,
      role: 'admin',
    });
    const email = 'joiner@half.example';
    const userName = await signUpAndVerify(email, 'Half Co');
    const link = await approvalLink(email);
    expect((await decide(link, 'APPROVE', await adminToken())).body).toMatchObject({ status: 'DECIDED' });
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({
      outcome: 'APPROVED',
      group: 'company-half-co',
      unreachedAdmins: ['bad-admin-no-domain'],
    });
  });

  it('refuses a sign-up without a company name with a message that says what to enter', async () => {
    await expect(signUp('nocompany@acme.example')).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: expect.stringMatching(/^PreSignUp failed with error A company name is required/),
    });
  });

  it('starts one execution when Cognito calls the trigger three times, which ends cleanly when the user never appears', async () => {
    const userName = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const event = {
      version: '1',
      triggerSource: 'PreSignUp_SignUp',
      region: 'us-east-1',
      userPoolId: app.deployment.userPoolId,
      userName,
      callerContext: { awsSdkVersion: 'test', clientId: app.deployment.userPoolClientId },
      request: { userAttributes: { email: 'ghost@acme.example', 'custom:company_name': 'Acme' } },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    };
    for (let i = 0; i < 3; i++) await preSignUp(event);
    const listed = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: approvalArn(), maxResults: 1000 }),
    );
    expect(listed.executions?.filter((e) => e.name === executionName(userName))).toHaveLength(1);
    const execution = await finished(userName);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'USER_NEVER_CREATED' });
    await countTransitions('user never created', userName);
  });
});

describe('the approval link', () => {
  let link: string;
  let userName: string;
  beforeAll(async () => {
    userName = await signUpAndVerify('candidate@acme.example', 'Acme');
    link = await approvalLink('candidate@acme.example');
  }, 60_000);

  it('GET and HEAD show the request and change nothing', async () => {
    const before = await approvalRecord(link);
    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const page = await fetch(link);
    const html = await page.text();
    expect(html).toContain('<bdi>candidate@acme.example</bdi> asks to join <bdi>Acme</bdi>');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await approvalRecord(link)).toEqual(before);
    expect(
      (await sfn.send(new DescribeExecutionCommand({ executionArn: executionArn(userName) }))).status,
    ).toBe('RUNNING');
  });

  it('an unknown id gets a clear page', async () => {
    const unknown = link.replace(/[0-9a-f-]{36}$/, '00000000-0000-4000-8000-000000000000');
    const page = await fetch(unknown);
    expect(page.status).toBe(404);
    expect(await page.text()).toContain('This approval link is not valid');
  });

  it('POST without a session is 401, with a token of another company’s admin 403', async () => {
    expect((await decide(link, 'APPROVE')).status).toBe(401);
    expect((await decide(link, 'APPROVE', 'not-a-jwt')).status).toBe(401);
    const other = { email: 'admin@globex.example', company: 'globex' };
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: app.deployment.userPoolId,
        Username: other.email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: other.email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: app.deployment.userPoolId,
        Username: other.email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const token = await idToken(other.email, PASSWORD);
    await dynamodb.send(
      new PutItemCommand({
        TableName: app.deployment.tables.companyMembers,
        Item: {
          companyId: { S: other.company },
          userId: { S: String(claims(token).sub) },
          email: { S: other.email },
          role: { S: 'admin' },
        },
      }),
    );
    expect(await decide(link, 'APPROVE', token)).toMatchObject({
      status: 403,
      body: { status: 'FORBIDDEN' },
    });
    expect(await approvalRecord(link)).toMatchObject({ status: { S: 'PENDING' } });
  });

  it('a second decision reads "already decided" and the execution is resumed once', async () => {
    const token = await adminToken();
    const [first, second] = await Promise.all([decide(link, 'APPROVE', token), decide(link, 'DENY', token)]);
    const statuses = [first.body.status, second.body.status].sort();
    expect(statuses).toEqual(['ALREADY_DECIDED', 'DECIDED']);
    const again = await decide(link, 'DENY', token);
    expect(again).toMatchObject({ status: 409, body: { status: 'ALREADY_DECIDED' } });
    expect(again.body.message).toMatch(/^Already decided/);
    const ended = await finished(userName);
    const events = await history(userName);
    const waits = events.filter(
      (e) =>
        e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource === 'updateItem.waitForTaskToken',
    );
    // One for the address check, one for the decision.
    expect(
      waits,
      `${ended.status} ${ended.error ?? ''}: ${events.map((e) => `${e.id} ${e.type}`).join(', ')}`,
    ).toHaveLength(2);
  });
});

/** The task token a waiting state stored (`:token` of its updateItem), from its TaskScheduled event. */
function scheduledToken(event: HistoryEvent): string | undefined {
  const parameters = event.taskScheduledEventDetails?.parameters;
  if (!parameters) return undefined;
  const parsed = JSON.parse(parameters) as { ExpressionAttributeValues?: { ':token'?: { S?: string } } };
  return parsed.ExpressionAttributeValues?.[':token']?.S;
}

describe('attacks on the sign-up, refused', () => {
  it("someone else's address: no admin is asked until the owner confirms; the owner can say it was not them", async () => {
    const victim = 'ceo@acme.example';
    const userName = await signUp(victim, 'Acme');
    const link = await verificationLink(victim);
    // The page shows the request and changes nothing.
    const page = await fetch(link);
    expect(await page.text()).toContain('Confirm your email address');
    await clock.advance(60_000);
    expect((await mailsTo(app.demo?.email ?? '')).some((m) => m.subject.startsWith(victim))).toBe(false);
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: app.deployment.userPoolId, Username: userName }),
    );
    expect(user.UserStatus).toBe('UNCONFIRMED');
    expect(user.UserAttributes?.find((a) => a.Name === 'email_verified')?.Value).not.toBe('true');
    await expect(idToken(victim, PASSWORD)).rejects.toMatchObject({ name: 'UserNotConfirmedException' });
    // The owner of the mailbox, not knowing the password the attacker chose, cannot confirm it.
    expect(await answer(link, 'CONFIRM', 'The-0wner-guesses!')).toMatchObject({ status: 403 });

    expect(await answer(link, 'CANCEL')).toMatchObject({ status: 200, body: { status: 'CANCELLED' } });
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'CANCELLED' });
    expect(await userExists(userName)).toBe(false);
    expect((await mailsTo(app.demo?.email ?? '')).some((m) => m.subject.startsWith(victim))).toBe(false);
    expect(await answer(link, 'CONFIRM')).toMatchObject({
      status: 409,
      body: { status: 'ALREADY_ANSWERED' },
    });
  });

  it('an address nobody confirms: the sign-up is removed after a day and no admin was mailed', async () => {
    const email = 'squatted@acme.example';
    const userName = await signUp(email, 'Acme');
    await verificationLink(email);
    await clock.advance(24 * 3600 * 1000);
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'UNVERIFIED' });
    expect(await userExists(userName)).toBe(false);
    const { Item } = await dynamodb.send(
      new GetItemCommand({
        TableName: app.deployment.tables.verifications,
        Key: { verificationId: { S: (await verificationLink(email)).split('/').pop() ?? '' } },
      }),
    );
    expect(Item?.status?.S).toBe('EXPIRED');
    expect(Item?.taskToken).toBeUndefined();
    expect((await mailsTo(app.demo?.email ?? '')).some((m) => m.subject.startsWith(email))).toBe(false);
  });

  it('emails show the registered company name, never what the requester typed', async () => {
    const email = 'lowercase@acme.example';
    const userName = await signUp(email, 'ACME');
    const mail = await mailTo(email, /^Confirm your email address to join Acme$/);
    expect(JSON.stringify(mail)).not.toContain('ACME');
    await answer(await verificationLink(email), 'CANCEL');
    await finished(userName);
  });

  it('caps: an address gets at most 3 sign-ups a day, refused past it with when to try again', async () => {
    const email = 'again@acme.example';
    for (let i = 0; i < 3; i++) {
      const userName = await signUp(email, 'Acme');
      const mail = await until(
        async () => {
          const links = (await mailsTo(email)).filter((m) => /^Confirm/.test(m.subject));
          return links.length > i ? links[i] : undefined;
        },
        `confirmation mail ${i + 1}`,
      );
      const link = /(http:\/\/\S+\/verify\/[0-9a-f-]{36})/.exec(mail.text ?? '')?.[1] ?? '';
      await opened(app.deployment.tables.verifications, 'verificationId', link);
      expect(await answer(link, 'CANCEL')).toMatchObject({ status: 200 });
      await finished(userName);
    }
    await expect(signUp(email, 'Acme')).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: expect.stringMatching(
        /3 sign-ups in the last 24 hours.*try again after \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
      ),
    });
  });

  it('caps: a company has at most 20 sign-ups pending; the 21st is refused with a clear message', async () => {
    const flood = await registerCompany(app.cloud, app.deployment, 'Flood Co');
    await addCompanyMember(app.cloud, app.deployment, {
      companyId: flood,
      userId: 'flood-admin',
      email: 'admin@flood.example',
      role: 'admin',
    });
    const started = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signUp(`flood${i}@flood.example`, 'Flood Co')),
    );
    expect(started.every(Boolean)).toBe(true);
    await expect(signUp('flood20@flood.example', 'Flood Co')).rejects.toMatchObject({
      name: 'UserLambdaValidationException',
      message: expect.stringMatching(/already has 20 sign-ups waiting for approval/),
    });
  });

  it('a company name with a space becomes a valid group, and a second approval keeps the first member', async () => {
    const companyId = await registerCompany(app.cloud, app.deployment, 'Acme Corp');
    const sub = String(claims(await adminToken()).sub);
    await addCompanyMember(app.cloud, app.deployment, {
      companyId,
      userId: sub,
      email: app.demo?.email ?? '',
      role: 'admin',
    });
    const users: string[] = [];
    for (const email of ['first@corp.example', 'second@corp.example']) {
      const userName = await signUpAndVerify(email, 'Acme Corp');
      await decide(await approvalLink(email), 'APPROVE', await adminToken());
      const execution = await finished(userName);
      expect(JSON.parse(execution.output ?? 'null')).toMatchObject({
        outcome: 'APPROVED',
        group: 'company-acme-corp',
      });
      users.push(userName);
    }
    const members = await cognito.send(
      new ListUsersInGroupCommand({ UserPoolId: app.deployment.userPoolId, GroupName: 'company-acme-corp' }),
    );
    expect(members.Users?.map((u) => u.Username).sort()).toEqual(users.sort());
  });

  it('a decision racing the timeout: the admin hears "expired", and the record and the user agree', async () => {
    const email = 'photo.finish@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    const waiting = (await approvalRecord(link))?.taskToken?.S ?? '';
    expect(waiting).not.toBe('');
    await clock.advance(SEVEN_DAYS);
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'EXPIRED' });
    // The decision read the record just before the timeout closed it: put it back as it was then.
    await dynamodb.send(
      new PutItemCommand({
        TableName: app.deployment.tables.approvals,
        Item: { ...(await approvalRecord(link)), status: { S: 'PENDING' }, taskToken: { S: waiting } },
      }),
    );
    expect(await decide(link, 'APPROVE', await adminToken())).toMatchObject({
      status: 410,
      body: { status: 'EXPIRED' },
    });
    expect(await approvalRecord(link)).toMatchObject({ status: { S: 'EXPIRED' } });
    expect((await approvalRecord(link))?.decision).toBeUndefined();
    expect(await userExists(userName)).toBe(false);
  });

  it('a decision on a stopped execution: the record says ABANDONED, the user is removed and told', async () => {
    const email = 'stopped@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    await sfn.send(
      new StopExecutionCommand({ executionArn: executionArn(userName), error: 'Operator.Stopped' }),
    );
    expect(await decide(link, 'APPROVE', await adminToken())).toMatchObject({
      status: 410,
      body: { status: 'ABANDONED' },
    });
    expect(await approvalRecord(link)).toMatchObject({ status: { S: 'ABANDONED' } });
    expect(await userExists(userName)).toBe(false);
    expect((await mailTo(email, /^Your sign-up for Acme$/)).text).toContain('sign up again');
  });

  it('a user confirmed by other means: the approval still completes', async () => {
    const email = 'early@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    await cognito.send(
      new AdminConfirmSignUpCommand({ UserPoolId: app.deployment.userPoolId, Username: userName }),
    );
    await decide(link, 'APPROVE', await adminToken());
    const execution = await finished(userName);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toMatchObject({ outcome: 'APPROVED' });
  });

  it('a failure after the decision: the execution fails (alarm) and the record says the account is incomplete', async () => {
    const email = 'vanished@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    await cognito.send(
      new AdminDeleteUserCommand({ UserPoolId: app.deployment.userPoolId, Username: userName }),
    );
    await decide(link, 'APPROVE', await adminToken());
    const execution = await finished(userName);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('SignUp.Incomplete');
    expect(await approvalRecord(link)).toMatchObject({
      status: { S: 'DECIDED' },
      decision: { S: 'APPROVED' },
      outcome: { S: 'INCOMPLETE' },
    });
    expect((await approvalRecord(link))?.accountHeld).toBeDefined();
    // AWS answers UserNotFoundException at ConfirmUser; the local Cognito may get one step further.
    expect((await approvalRecord(link))?.failedState?.S).toMatch(/^(ConfirmUser|VerifyEmail)$/);
    expect(await (await fetch(link)).text()).toContain('Completing the account then failed');
  });

  it('admins are found whatever the company size: members are not read, and admins over many pages are', async () => {
    const companyId = await registerCompany(app.cloud, app.deployment, 'Big Co');
    const padding = 'x'.repeat(380_000);
    // Three admin items near DynamoDB's 400 KB item limit: the index answers them in pages of 1 MB.
    for (let i = 0; i < 3; i++) {
      await dynamodb.send(
        new PutItemCommand({
          TableName: app.deployment.tables.companyMembers,
          Item: {
            companyId: { S: companyId },
            userId: { S: `admin-${i}` },
            adminOf: { S: companyId },
            role: { S: 'admin' },
            email: { S: `admin${i}@big.example` },
            padding: { S: padding },
          },
        }),
      );
    }
    const email = 'newcomer@big.example';
    const userName = await signUpAndVerify(email, 'Big Co');
    for (let i = 0; i < 3; i++)
      await mailTo(`admin${i}@big.example`, /^newcomer@big\.example asks to join Big Co$/);
    const scheduled = (await history(userName)).filter((e) => e.type === 'TaskStateEntered');
    expect(
      scheduled.filter((e) => e.stateEnteredEventDetails?.name === 'FindMoreAdmins').length,
    ).toBeGreaterThan(0);
  });

  it('user names are case-insensitive: ADMIN@ACME.EXAMPLE is the existing admin', async () => {
    await expect(signUp('ADMIN@ACME.EXAMPLE', 'Acme')).rejects.toMatchObject({
      name: 'UsernameExistsException',
    });
  });
});

describe('the local gate, as strong as AWS', () => {
  it('refuses a weak password by the pool policy', async () => {
    await expect(
      cognito.send(
        new SignUpCommand({
          ClientId: app.deployment.userPoolClientId,
          Username: 'weak@acme.example',
          Password: 'a',
          UserAttributes: [
            { Name: 'email', Value: 'weak@acme.example' },
            { Name: 'custom:company_name', Value: 'Acme' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidPasswordException' });
  });

  it('an approved member cannot move to another company: custom:company_name is immutable', async () => {
    const email = 'mover@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    await decide(await approvalLink(email), 'APPROVE', await adminToken());
    await finished(userName);
    const out = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: app.deployment.userPoolClientId,
        AuthParameters: { USERNAME: email, PASSWORD: PASSWORD },
      }),
    );
    await expect(
      cognito.send(
        new UpdateUserAttributesCommand({
          AccessToken: out.AuthenticationResult?.AccessToken ?? '',
          UserAttributes: [{ Name: 'custom:company_name', Value: 'Globex' }],
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    expect(claims(await idToken(email, PASSWORD))['custom:company_name']).toBe('Acme');
  });

  it('an admin token minted with the key shipped in cognito-local, or without exp, decides nothing', async () => {
    const email = 'forged@acme.example';
    const userName = await signUpAndVerify(email, 'Acme');
    const link = await approvalLink(email);
    const real = claims(await adminToken());
    const shipped = createRequire(import.meta.url)('cognito-local/lib/keys/cognitoLocal.private.json') as {
      pem: string;
    };
    const forged = await new SignJWT(real)
      .setProtectedHeader({ alg: 'RS256', kid: 'CognitoLocal' })
      .sign(createPrivateKey(shipped.pem));
    expect((await decide(link, 'APPROVE', forged)).status).toBe(401);
    const { exp: _exp, ...withoutExp } = real;
    const key = createPrivateKey(await readFile(join(dir, 'cognito', 'signing-key.pem'), 'utf8'));
    const kid = decodeProtectedHeader(await adminToken()).kid ?? '';
    const noExpiry = await new SignJWT(withoutExp).setProtectedHeader({ alg: 'RS256', kid }).sign(key);
    expect((await decide(link, 'APPROVE', noExpiry)).status).toBe(401);
    expect(await approvalRecord(link)).toMatchObject({ status: { S: 'PENDING' } });
    expect(await userExists(userName)).toBe(true);
  });

  it('keeps the data directory readable by its owner only (passwords, codes and task tokens live there)', async () => {
    const exposed: string[] = [];
    const walk = async (at: string): Promise<void> => {
      for (const entry of await readdir(at, { withFileTypes: true })) {
        const path = join(at, entry.name);
        if (entry.isDirectory() && entry.name === 'postgres') continue; // the postgres user's own, 0700
        const mode = (await stat(path)).mode & 0o077;
        if (entry.isDirectory() ? mode & 0o066 : mode) exposed.push(`${path} ${(mode).toString(8)}`);
        if (entry.isDirectory()) await walk(path);
      }
    };
    await walk(dir);
    expect(exposed).toEqual([]);
  });
});

describe('secrets', () => {
  it('no task token appears in any email, link or log line', async () => {
    const tokens: string[] = [];
    const executions = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: approvalArn(), maxResults: 1000 }),
    );
    for (const execution of executions.executions ?? []) {
      const out = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn: execution.executionArn, maxResults: 1000 }),
      );
      for (const event of out.events ?? []) {
        const token = scheduledToken(event);
        if (token) tokens.push(token);
      }
    }
    expect(tokens.length).toBeGreaterThan(0);
    const mails = JSON.stringify(await app.cloud.outbox());
    for (const token of tokens) {
      expect(mails).not.toContain(token);
      expect(logLines.join('\n')).not.toContain(token);
    }
  });
});
