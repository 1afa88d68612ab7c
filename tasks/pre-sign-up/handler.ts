/**
 * The Cognito pre-sign-up trigger. Cognito cannot make a custom attribute required, so a sign-up
 * without `custom:company_name` is refused here with a message the user sees. Otherwise it starts
 * the signup-approval execution under a name derived from the user name: Cognito may call the
 * trigger up to three times for one sign-up, and a second StartExecution with the same name and
 * input starts nothing new. It never confirms anyone (autoConfirmUser stays false).
 */
import { createHash } from 'node:crypto';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { requiredEnv } from '../shared/env.ts';

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

export interface Dependencies {
  readonly sfn: Pick<SFNClient, 'send'>;
  readonly stateMachineArn: string;
}

/** The approval's input, or the refusal. Admin-created and federated users need no approval. */
export async function startApproval(
  event: PreSignUpEvent,
  deps: Dependencies,
): Promise<'started' | 'skipped'> {
  if (event.triggerSource !== 'PreSignUp_SignUp') return 'skipped';
  const attributes = event.request.userAttributes;
  const companyName = attributes['custom:company_name']?.trim() ?? '';
  if (companyName === '') {
    throw new SignUpRefused(
      'A company name is required: enter the name of the company you work for (attribute custom:company_name).',
    );
  }
  const email = attributes.email ?? '';
  if (email === '') throw new SignUpRefused('An email address is required.');
  try {
    await deps.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: deps.stateMachineArn,
        name: executionName(event.userName),
        input: JSON.stringify({ userName: event.userName, email, companyName }),
      }),
    );
  } catch (error) {
    // A retry of the trigger after the first execution already ended: it was started once.
    if (!(error instanceof ExecutionAlreadyExists)) throw error;
  }
  return 'started';
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

let client: SFNClient | undefined;

export async function handler(event: unknown): Promise<unknown> {
  const parsed = PreSignUpEvent.parse(event);
  const stateMachineArn = requiredEnv('APPROVAL_STATE_MACHINE_ARN');
  // Built once, on first use; short timeouts keep the trigger inside Cognito's 5 s.
  client ??= new SFNClient({ maxAttempts: 2, requestHandler: { requestTimeout: 1500 } });
  await startApproval(parsed, { sfn: client, stateMachineArn });
  return event;
}
