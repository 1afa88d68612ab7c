/**
 * The sign-up approval process end to end on the local cloud, through the real SDKs: Cognito's
 * SignUp runs the pre-sign-up trigger, the approval workflow emails the admins, the approval
 * page takes the admin's decision, and the user ends confirmed in the company group or removed.
 * Time is virtual: retries and the approval timeout advance the engine's clock, not the wall's.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../asl/index.ts';
import { type LocalApp, startLocalApp } from '../../local/app.ts';
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
});

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
});

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

async function approvalLink(newUser: string): Promise<string> {
  const admin = app.demo?.email ?? '';
  const mail = await mailTo(admin, new RegExp(`^${newUser.replace(/[.+]/g, '\\$&')} asks to join`));
  const link = /(http:\/\/\S+\/approvals\/[0-9a-f-]{36})/.exec(mail.text ?? '')?.[1];
  if (!link) throw new Error(`no approval link in: ${mail.text}`);
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
    const userName = await signUp(email, 'Acme');
    const link = await approvalLink(email);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`${email} asks to join Acme`);

    const decided = await decide(link, 'APPROVE', await adminToken());
    expect(decided).toMatchObject({ status: 200, body: { status: 'DECIDED', decision: 'APPROVED' } });

    const execution = await finished(userName);
    expect(execution.status, `${execution.error}: ${execution.cause}`).toBe('SUCCEEDED');
    expect(signupApproval.output.parse(JSON.parse(execution.output ?? 'null'))).toEqual({
      outcome: 'APPROVED',
      group: 'company-acme',
    });
    await mailTo(email, /^Welcome to Acme$/);
    const token = await idToken(email, PASSWORD);
    expect(claims(token)).toMatchObject({ email, email_verified: true, 'cognito:groups': ['company-acme'] });
    expect(await countTransitions('approve', userName)).toBeLessThanOrEqual(14);
  });

  it('deny: the user is removed and told, the approval reads DECIDED / DENIED', async () => {
    const email = 'stranger@acme.example';
    const userName = await signUp(email, 'Acme');
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

  it('no admin: a company nobody administers gets the user removed and told', async () => {
    const email = 'someone@nowhere.example';
    const userName = await signUp(email, 'Nowhere Ltd');
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'UNKNOWN_COMPANY' });
    expect(await userExists(userName)).toBe(false);
    expect((await mailTo(email, /^Your sign-up for Nowhere Ltd$/)).text).toContain(
      'could not find a company',
    );
    await countTransitions('unknown company', userName);
  });

  it('timeout: nobody decides within the window, the approval EXPIRES and the user is removed and told', async () => {
    const email = 'late@acme.example';
    const userName = await signUp(email, 'Acme');
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

  it('failure: when the admins cannot be emailed, the user is not left unconfirmed but removed and told', async () => {
    await dynamodb.send(
      new PutItemCommand({
        TableName: app.deployment.tables.companyMembers,
        Item: {
          companyId: { S: 'broken co' },
          userId: { S: 'admin-without-address' },
          email: { S: 'admin-without-address' },
          role: { S: 'admin' },
        },
      }),
    );
    const email = 'member@broken.example';
    const userName = await signUp(email, 'Broken Co');
    const execution = await finished(userName);
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ outcome: 'FAILED' });
    expect(await userExists(userName)).toBe(false);
    expect((await mailTo(email, /^Your sign-up for Broken Co$/)).text).toContain('sign up again later');
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
    userName = await signUp('candidate@acme.example', 'Acme');
    link = await approvalLink('candidate@acme.example');
  });

  it('GET and HEAD show the request and change nothing', async () => {
    const before = await approvalRecord(link);
    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const page = await fetch(link);
    const html = await page.text();
    expect(html).toContain('candidate@acme.example asks to join Acme');
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
    await finished(userName);
    const resumed = (await history(userName)).filter((e) => e.type === 'TaskSucceeded');
    const waits = resumed.filter((e) => e.taskSucceededEventDetails?.resource === 'putItem.waitForTaskToken');
    expect(waits).toHaveLength(1);
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
        const parameters = event.taskScheduledEventDetails?.parameters;
        const token = parameters
          ? (JSON.parse(parameters) as { Item?: { taskToken?: { S?: string } } }).Item?.taskToken?.S
          : undefined;
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
