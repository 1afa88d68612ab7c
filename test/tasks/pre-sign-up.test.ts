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

/**
 * Every company is registered and every hold granted (the caps and the company check themselves
 * are tested on the local DynamoDB in test/process).
 */
const granting = { send: async () => ({ Item: { companyId: { S: 'x' } } }) } as never;
const deps = (client: never) => ({
  sfn: client,
  dynamodb: granting,
  stateMachineArn: 'arn',
  quotasTable: 'quotas',
  companyMembersTable: 'members',
  limits: { pendingPerCompany: 20, perAddressPerDay: 3, pendingSeconds: 8 * 86400 },
});

describe('the pre-sign-up trigger', () => {
  it('refuses a sign-up without a company name, saying what to enter', async () => {
    const { client } = sfn();
    await expect(startApproval(event({ email: 'a@x.example' }), deps(client))).rejects.toThrow(SignUpRefused);
    await expect(
      startApproval(event({ email: 'a@x.example', 'custom:company_name': '  ' }), deps(client)),
    ).rejects.toThrow(/company name is required.*custom:company_name/);
  });

  it('refuses company names that are too long or carry links, markup or invisible characters', async () => {
    const { client, inputs } = sfn();
    for (const name of [
      'A'.repeat(65),
      'ACME IT: your mailbox is full, verify at https://evil.example',
      'Acme <b>Corp</b>',
      'Acme\u202Eelpmaxe',
      'Acme\nSubject: hi',
      '---',
    ]) {
      await expect(
        startApproval(event({ email: 'a@x.example', 'custom:company_name': name }), deps(client)),
      ).rejects.toThrow(SignUpRefused);
    }
    expect(inputs).toEqual([]);
  });

  it('refuses an address with a bidi override or another invisible character', async () => {
    const { client, inputs } = sfn();
    for (const email of [
      'elpmaxe.emca@\u202Eoec',
      'ceo\u200B@acme.example',
      `${'a'.repeat(250)}@x.example`,
    ]) {
      await expect(
        startApproval(event({ email, 'custom:company_name': 'Acme' }), deps(client)),
      ).rejects.toThrow(/must be plain ASCII/);
    }
    expect(inputs).toEqual([]);
  });

  it('starts the approval under a name derived from the user name, with the trimmed company and its key', async () => {
    const { client, inputs } = sfn();
    await startApproval(
      event({ email: 'a@x.example', 'custom:company_name': ' Acme  Corp. ' }),
      deps(client),
    );
    expect(inputs[0]).toMatchObject({
      name: 'signup-b0c1d2e3-f405-4a6b-8c7d-9e0f1a2b3c4d',
      stateMachineArn: 'arn',
    });
    expect(JSON.parse(String(inputs[0]?.input))).toEqual({
      userName: 'b0c1d2e3-f405-4a6b-8c7d-9e0f1a2b3c4d',
      email: 'a@x.example',
      companyName: 'Acme Corp.',
      companyId: 'acme-corp',
    });
  });

  it('leaves admin-created users alone', async () => {
    const { client, inputs } = sfn();
    const outcome = await startApproval(event({}, 'PreSignUp_AdminCreateUser'), deps(client));
    expect(outcome).toBe('skipped');
    expect(inputs).toEqual([]);
  });

  it('names executions deterministically, hashing user names that are not valid execution names', () => {
    expect(executionName('user@example.com')).toBe(executionName('user@example.com'));
    expect(executionName('user@example.com')).toMatch(/^signup-[0-9a-f]{40}$/);
    expect(executionName('plain_name-1')).toBe('signup-plain_name-1');
  });
});
