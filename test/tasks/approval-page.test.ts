import { describe, expect, it } from 'vitest';
import { type Dependencies, respond } from '../../tasks/approval-page/handler.ts';
import { approvalPage } from '../../tasks/approval-page/page.ts';
import { displayText, escapeHtml } from '../../tasks/shared/html.ts';

const ID = '3f1e9a52-6c1b-4f7e-9a0d-2b8c4d5e6f70';
const config = { cognitoEndpoint: 'http://127.0.0.1:9229/', clientId: 'client' };

function deps(overrides: Partial<Dependencies> = {}): Dependencies & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    dynamodb: { send: async () => ({}) } as never,
    sfn: {
      send: async (command: { input: unknown }) => {
        calls.push(command.input);
        return { status: 'SUCCEEDED', output: JSON.stringify({ status: 'DECIDED', decision: 'APPROVED' }) };
      },
    } as never,
    approvalsTable: 'approvals',
    decisionStateMachineArn: 'arn:aws:states:us-east-1:111111111111:stateMachine:decision',
    cognitoEndpoint: config.cognitoEndpoint,
    clientId: config.clientId,
    ...overrides,
  };
}

const post = (body: string, claims?: Record<string, unknown>) => ({
  requestContext: {
    http: { method: 'POST' },
    ...(claims ? { authorizer: { jwt: { claims } } } : {}),
  },
  pathParameters: { id: ID },
  body,
});
const admin = { sub: 'admin-sub', email: 'admin@acme.example', token_use: 'id' };

describe('the approval page', () => {
  it('escapes what the user typed', () => {
    const page = approvalPage(
      { approvalId: ID, email: '<script>alert(1)</script>@x.example', company: 'A & "B"', status: 'PENDING' },
      config,
    );
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;@x.example');
    expect(page.body).toContain('A &amp; &quot;B&quot;');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('shows a right-to-left override or a zero-width character as a visible mark, and bounds long text', () => {
    const spoof = 'elpmaxe.emca@\u202Eoec';
    const page = approvalPage(
      { approvalId: ID, email: spoof, company: `Acme\u200B${'x'.repeat(300)}`, status: 'PENDING' },
      config,
    );
    expect(page.body).not.toContain('\u202E');
    expect(page.body).not.toContain('\u200B');
    expect(page.body).toContain('<bdi>elpmaxe.emca@\uFFFDoec</bdi>');
    expect(page.body).not.toContain('x'.repeat(100));
    expect(displayText('ab\u2066cd\u0007', 10)).toBe('ab\uFFFDcd\uFFFD');
    expect(displayText('abcdefghijkl', 5)).toBe('abcd…');
  });

  it('is sent with HSTS, a same-origin opener policy, no referrer and no caching', () => {
    const page = approvalPage(
      { approvalId: ID, email: 'a@x.example', company: 'X', status: 'PENDING' },
      config,
    );
    expect(page.headers).toMatchObject({
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'cross-origin-opener-policy': 'same-origin',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
  });

  it('tells what happened to a request no longer open, including an approval whose completion failed', () => {
    const view = { approvalId: ID, email: 'a@x.example', company: 'X' };
    expect(approvalPage({ ...view, status: 'ABANDONED' }, config).body).toContain('its workflow was stopped');
    expect(
      approvalPage({ ...view, status: 'DECIDED', decision: 'APPROVED', outcome: 'INCOMPLETE' }, config).body,
    ).toContain('an operator has been alerted');
    expect(approvalPage({ ...view, status: 'EXPIRED' }, config).body).not.toContain('<script');
  });

  it('runs its one script under a per-response nonce and talks only to itself and Cognito', () => {
    const page = approvalPage(
      { approvalId: ID, email: 'a@x.example', company: 'X', status: 'PENDING' },
      config,
    );
    const csp = page.headers['content-security-policy'] ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(page.body).toContain(`<script nonce="${nonce}">`);
    expect(csp).toContain("connect-src 'self' http://127.0.0.1:9229");
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('answers an id that is not an approval id with the not-found page, without reading', async () => {
    const d = deps({
      dynamodb: {
        send: async () => {
          throw new Error('must not read');
        },
      } as never,
    });
    const page = await respond(
      { requestContext: { http: { method: 'GET' } }, pathParameters: { id: '../x' } },
      d,
    );
    expect(page.statusCode).toBe(404);
  });
});

describe('the decision (POST)', () => {
  it('runs the decision workflow with the admin from the token claims, never from the body', async () => {
    const d = deps();
    const answer = await respond(
      post(JSON.stringify({ decision: 'APPROVE', admin: { sub: 'forged' } }), admin),
      d,
    );
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(String((d.calls[0] as { input: string }).input))).toEqual({
      approvalId: ID,
      decision: 'APPROVE',
      admin: { sub: 'admin-sub', email: 'admin@acme.example' },
    });
  });

  it('refuses a request without ID-token claims (401) and a body without a decision (400)', async () => {
    expect((await respond(post('{"decision":"APPROVE"}'), deps())).statusCode).toBe(401);
    expect(
      (await respond(post('{"decision":"APPROVE"}', { ...admin, token_use: 'access' }), deps())).statusCode,
    ).toBe(401);
    const bad = await respond(post('{"decision":"MAYBE"}', admin), deps());
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).message).toContain('{"decision": "APPROVE"}');
  });

  it('maps each answer of the workflow to its status code, and a failed execution to 502', async () => {
    const answers = { ALREADY_DECIDED: 409, EXPIRED: 410, UNKNOWN: 404, FORBIDDEN: 403 } as const;
    for (const [status, code] of Object.entries(answers)) {
      const d = deps({
        sfn: { send: async () => ({ status: 'SUCCEEDED', output: JSON.stringify({ status }) }) } as never,
      });
      expect((await respond(post('{"decision":"DENY"}', admin), d)).statusCode).toBe(code);
    }
    const failed = deps({
      sfn: { send: async () => ({ status: 'FAILED', error: 'States.Runtime' }) } as never,
    });
    expect((await respond(post('{"decision":"DENY"}', admin), failed)).statusCode).toBe(502);
  });
});
