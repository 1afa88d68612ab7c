import { describe, expect, it } from 'vitest';
import {
  executionName,
  type PreSignUpEvent,
  SignUpRefused,
  startApproval,
} from '../../tasks/pre-sign-up/handler.ts';

const event = (attributes: Record<string, string>, triggerSource = 'PreSignUp_SignUp'): PreSignUpEvent => ({
  triggerSource,
  userPoolId: 'pool',
  userName: 'b0c1d2e3-f405-4a6b-8c7d-9e0f1a2b3c4d',
  request: { userAttributes: attributes },
  response: {},
});

function sfn() {
  const inputs: Record<string, unknown>[] = [];
  return {
    inputs,
    client: {
      send: async (command: { input: Record<string, unknown> }) => {
        inputs.push(command.input);
        return {};
      },
    } as never,
  };
}

describe('the pre-sign-up trigger', () => {
  it('refuses a sign-up without a company name, saying what to enter', async () => {
    const { client } = sfn();
    await expect(
      startApproval(event({ email: 'a@x.example' }), { sfn: client, stateMachineArn: 'arn' }),
    ).rejects.toThrow(SignUpRefused);
    await expect(
      startApproval(event({ email: 'a@x.example', 'custom:company_name': '  ' }), {
        sfn: client,
        stateMachineArn: 'arn',
      }),
    ).rejects.toThrow(/company name is required.*custom:company_name/);
  });

  it('starts the approval under a name derived from the user name, with the trimmed company', async () => {
    const { client, inputs } = sfn();
    await startApproval(event({ email: 'a@x.example', 'custom:company_name': ' Acme ' }), {
      sfn: client,
      stateMachineArn: 'arn',
    });
    expect(inputs[0]).toMatchObject({
      name: 'signup-b0c1d2e3-f405-4a6b-8c7d-9e0f1a2b3c4d',
      stateMachineArn: 'arn',
    });
    expect(JSON.parse(String(inputs[0]?.input))).toEqual({
      userName: 'b0c1d2e3-f405-4a6b-8c7d-9e0f1a2b3c4d',
      email: 'a@x.example',
      companyName: 'Acme',
    });
  });

  it('leaves admin-created users alone', async () => {
    const { client, inputs } = sfn();
    const outcome = await startApproval(event({}, 'PreSignUp_AdminCreateUser'), {
      sfn: client,
      stateMachineArn: 'arn',
    });
    expect(outcome).toBe('skipped');
    expect(inputs).toEqual([]);
  });

  it('names executions deterministically, hashing user names that are not valid execution names', () => {
    expect(executionName('user@example.com')).toBe(executionName('user@example.com'));
    expect(executionName('user@example.com')).toMatch(/^signup-[0-9a-f]{40}$/);
    expect(executionName('plain_name-1')).toBe('signup-plain_name-1');
  });
});
