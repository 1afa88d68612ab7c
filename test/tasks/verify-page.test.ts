import { NotAuthorizedException, UserNotConfirmedException } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { type Dependencies, respond } from '../../tasks/verify-page/handler.ts';

const ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

function deps(
  answer: unknown,
  item?: Record<string, { S: string }>,
  signIn: () => Promise<unknown> = async () => {
    throw new UserNotConfirmedException({ message: 'User is not confirmed.', $metadata: {} });
  },
): Dependencies & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    cognito: { send: signIn } as never,
    clientId: 'client',
    dynamodb: {
      send: async (command: { input: unknown }) => {
        calls.push(command.input);
        return item ? { Item: item } : {};
      },
    } as never,
    sfn: {
      send: async (command: { input: unknown }) => {
        calls.push(command.input);
        return answer;
      },
    } as never,
    verificationsTable: 'verifications',
    verificationStateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:verification',
  };
}

const request = (method: string, body?: string, id = ID) => ({
  requestContext: { http: { method } },
  pathParameters: { id },
  ...(body !== undefined ? { body } : {}),
});

describe('the address check page', () => {
  it('GET reads only the attributes it shows and renders them made safe; it starts nothing', async () => {
    const d = deps(undefined, {
      email: { S: 'x\u202Eelpmaxe@a.example' },
      company: { S: 'Acme' },
      status: { S: 'PENDING' },
    });
    const page = await respond(request('GET'), d);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Yes, this is my address');
    expect(page.body).toContain('type="password"');
    expect(page.body).not.toContain('\u202E');
    expect(d.calls).toHaveLength(1);
    expect(JSON.stringify(d.calls[0])).not.toContain('taskToken');
  });

  it('answers an id that is not a verification id with the not-found page, without reading', async () => {
    const d = deps(undefined);
    expect((await respond(request('GET', undefined, '../../etc'), d)).statusCode).toBe(404);
    expect(d.calls).toEqual([]);
  });

  it('POST runs the verification workflow with the action and maps its answer', async () => {
    const d = deps(
      { status: 'SUCCEEDED', output: JSON.stringify({ status: 'CONFIRMED' }) },
      { email: { S: 'a@x.example' }, status: { S: 'PENDING' } },
    );
    const answer = await respond(request('POST', '{"action":"CONFIRM","password":"Right-passw0rd!"}'), d);
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String((d.calls.at(-1) as { input: string }).input))).toEqual({
      verificationId: ID,
      action: 'CONFIRM',
    });
    const expired = deps({
      status: 'SUCCEEDED',
      output: JSON.stringify({ status: 'EXPIRED', answer: 'EXPIRED' }),
    });
    expect((await respond(request('POST', '{"action":"CANCEL"}'), expired)).statusCode).toBe(410);
  });

  it('confirms only with the sign-up password: the owner of the mailbox alone cannot confirm someone else’s sign-up', async () => {
    const d = deps(
      { status: 'SUCCEEDED', output: JSON.stringify({ status: 'CONFIRMED' }) },
      { email: { S: 'a@x.example' }, status: { S: 'PENDING' } },
      async () => {
        throw new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} });
      },
    );
    const answer = await respond(request('POST', '{"action":"CONFIRM","password":"guess"}'), d);
    expect(answer.statusCode).toBe(403);
    expect(d.calls.some((c) => JSON.stringify(c).includes('stateMachine'))).toBe(false);
    expect((await respond(request('POST', '{"action":"CONFIRM"}'), d)).statusCode).toBe(400);
  });

  it('refuses a body without an action (400) and a failed execution is a 502 that quotes nothing', async () => {
    expect((await respond(request('POST', '{"action":"DELETE"}'), deps(undefined))).statusCode).toBe(400);
    const failed = await respond(
      request('POST', '{"action":"CANCEL"}'),
      deps({ status: 'FAILED', error: 'States.Runtime', cause: 'secret detail' }),
    );
    expect(failed.statusCode).toBe(502);
    expect(failed.body).not.toContain('secret detail');
  });
});
