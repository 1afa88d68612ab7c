/**
 * The Cognito pre-sign-up trigger. Cognito cannot make a custom attribute required, so a sign-up
 * without a valid `custom:company_name` is refused here with a message the user sees, as is one
 * for a company nobody registered (no mail is sent for it) and an address that is not plain
 * ASCII. Then it takes the sign-up's holds against the
 * caps (pending sign-ups per company, sign-ups per address a day; past either the sign-up is
 * refused with when to try again), and starts the signup-approval execution under a name derived
 * from the user name: Cognito may call the trigger up to three times for one sign-up, and a second
 * StartExecution with the same name and input starts nothing new. It never confirms anyone
 * (autoConfirmUser stays false).
 */
import { createHash } from 'node:crypto';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { COMPANY_ITEM, CompanyNameError, checkCompanyName, companyKey } from '../../workflows/companies.ts';
import { requiredEnv } from '../shared/env.ts';
import { takeHold } from './quota.ts';

const PreSignUpEvent = z.looseObject({
  triggerSource: z.string(),
  userPoolId: z.string(),
  userName: z.string().min(1),
  request: z.looseObject({ userAttributes: z.record(z.string(), z.string()) }),
  response: z.looseObject({}),
});
export type PreSignUpEvent = z.infer<typeof PreSignUpEvent>;

/** Thrown to refuse a sign-up: Cognito shows "PreSignUp failed with error <message>." */
export class SignUpRefused extends Error {
  override name = 'SignUpRefused';
}

export interface Limits {
  /** Sign-ups of one company pending (address check or approval) at once. */
  readonly pendingPerCompany: number;
  /** Sign-ups with one address in 24 hours. */
  readonly perAddressPerDay: number;
  /** The longest a sign-up can be pending: the address check and the approval windows. */
  readonly pendingSeconds: number;
}

export interface Dependencies {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly dynamodb: Pick<DynamoDBClient, 'send'>;
  readonly stateMachineArn: string;
  readonly quotasTable: string;
  readonly companyMembersTable: string;
  readonly limits: Limits;
  /** Epoch milliseconds (injected in tests). */
  readonly now?: () => number;
}

/**
 * A conservative plain-ASCII address: letters, digits and `. _ % + -` before the `@`, a domain of
 * dot-separated labels (internationalised domains in their punycode `xn--` form). No control or
 * format characters (bidi overrides, zero-width), no look-alike letters from other scripts: an
 * admin reads this address when deciding.
 */
const ADDRESS = /^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const EMAIL_MAX = 254;

/** The approval's input, or the refusal. Admin-created and federated users need no approval. */
export async function startApproval(
  event: PreSignUpEvent,
  deps: Dependencies,
): Promise<'started' | 'skipped'> {
  if (event.triggerSource !== 'PreSignUp_SignUp') return 'skipped';
  const attributes = event.request.userAttributes;
  let companyName: string;
  try {
    companyName = checkCompanyName(attributes['custom:company_name'] ?? '');
  } catch (error) {
    if (error instanceof CompanyNameError) throw new SignUpRefused(error.message);
    throw error;
  }
  const email = attributes.email ?? '';
  if (email === '') throw new SignUpRefused('An email address is required.');
  if (!ADDRESS.test(email) || email.length > EMAIL_MAX) {
    throw new SignUpRefused(
      `The email address must be plain ASCII (letters, digits and . _ % + - before the @; an international domain in its xn-- form), at most ${EMAIL_MAX} characters, with no invisible or control characters: type it again as plain text.`,
    );
  }
  const name = executionName(event.userName);
  const companyId = companyKey(companyName);
  if (!(await companyExists(deps, companyId))) {
    throw new SignUpRefused(
      'No company by that name uses this service: check the name with your administrator (it is the name your company registered).',
    );
  }
  await holdOrRefuse(deps, name, email, companyId);
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name,
        input: JSON.stringify({ userName: event.userName, email, companyName, companyId }),
      }),
    );
  } catch (error) {
    // A retry of the trigger after the first execution already ended: it was started once.
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
  }
  return 'started';
}

/** The company's own item exists (a company is registered before its members sign up). */
async function companyExists(deps: Dependencies, companyId: string): Promise<boolean> {
  const { Item } = await deps.dynamodb.send(
    new GetItemCommand({
      TableName: deps.companyMembersTable,
      Key: { companyId: { S: companyId }, userId: { S: COMPANY_ITEM } },
      ProjectionExpression: 'companyId',
    }),
  );
  return Item !== undefined;
}

/**
 * The sign-up's holds: one of the address's sign-ups of the day (kept a day, so a refused or
 * cancelled sign-up still counts: that bounds the mail anyone can send to an address), and one of
 * the company's pending requests (released when the request ends).
 */
async function holdOrRefuse(deps: Dependencies, holder: string, email: string, companyId: string) {
  const now = Math.floor((deps.now?.() ?? Date.now()) / 1000);
  const address = await takeHold(
    deps.dynamodb,
    {
      table: deps.quotasTable,
      key: `address#${email.toLowerCase()}`,
      holder,
      until: now + 24 * 3600,
      cap: deps.limits.perAddressPerDay,
    },
    now,
  );
  if (!address.taken) {
    throw new SignUpRefused(
      `This email address was used for ${deps.limits.perAddressPerDay} sign-ups in the last 24 hours, the most allowed: try again after ${when(address.freeAt)}.`,
    );
  }
  const company = await takeHold(
    deps.dynamodb,
    {
      table: deps.quotasTable,
      key: `company#${companyId}`,
      holder,
      until: now + deps.limits.pendingSeconds + 3600,
      cap: deps.limits.pendingPerCompany,
    },
    now,
  );
  if (!company.taken) {
    throw new SignUpRefused(
      `This company already has ${deps.limits.pendingPerCompany} sign-ups waiting for approval, the most allowed: ask an administrator to decide on them, or try again later.`,
    );
  }
}

function when(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const UNSAFE = /[^A-Za-z0-9_-]/;

/**
 * `signup-<userName>` when the user name is a valid execution name (Cognito uses a UUID when
 * email is the username), else `signup-` and a hash of it: the same user name, the same name.
 */
export function executionName(userName: string): string {
  if (!UNSAFE.test(userName) && userName.length <= 70) return `signup-${userName}`;
  return `signup-${createHash('sha256').update(userName).digest('hex').slice(0, 40)}`;
}

let deps: Dependencies | undefined;

/** Clients and settings, built once on first use from the function's environment. */
function dependencies(): Dependencies {
  // Short timeouts keep the trigger inside Cognito's 5 s.
  const quick = { maxAttempts: 2, requestHandler: { requestTimeout: 1000 } };
  deps ??= {
    sfn: new SFNClient(quick),
    dynamodb: new DynamoDBClient(quick),
    stateMachineArn: requiredEnv('APPROVAL_STATE_MACHINE_ARN'),
    quotasTable: requiredEnv('SIGNUP_QUOTAS_TABLE'),
    companyMembersTable: requiredEnv('COMPANY_MEMBERS_TABLE'),
    limits: {
      pendingPerCompany: positiveInteger('PENDING_SIGN_UPS_PER_COMPANY'),
      perAddressPerDay: positiveInteger('SIGN_UPS_PER_ADDRESS_PER_DAY'),
      pendingSeconds:
        positiveInteger('VERIFICATION_TIMEOUT_SECONDS') + positiveInteger('APPROVAL_TIMEOUT_SECONDS'),
    },
  };
  return deps;
}

function positiveInteger(name: string): number {
  const value = Number(requiredEnv(name));
  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`${name} must be a positive whole number, not '${process.env[name]}'.`);
  }
  return value;
}

export async function handler(event: unknown): Promise<unknown> {
  await startApproval(PreSignUpEvent.parse(event), dependencies());
  return event;
}
