/** What the console masks (local/console/mask.ts) and how it checks a start's input (pages/start.ts). */
import { describe, expect, it } from 'vitest';
import { jsonBlock } from '../../../local/console/html.ts';
import { hasSecrets, isSecretName, MASK_PREFIX, maskSecrets, maskText } from '../../../local/console/mask.ts';
import { inputProblems } from '../../../local/console/pages/start.ts';
import { signupApproval } from '../../../workflows/signup-approval/workflow.ts';

const TOKEN = `AQB${'x9_-'.repeat(60)}`;
const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJl';

describe('maskSecrets', () => {
  it('masks values under secret names, whatever their shape, and says how long they were', () => {
    const masked = maskSecrets({
      taskToken: 'short',
      TaskToken: 'x',
      refresh_token: 'r',
      accessToken: { nested: true },
      clientSecret: 's',
      password: 'p',
      Authorization: 'Bearer abc',
      codeVerifier: 'v',
      cookie: 'c=1',
      SecretString: '{"password":"p"}',
      count: 3,
      tokenCount: 4,
      enabled: true,
    }) as Record<string, unknown>;
    for (const key of [
      'taskToken',
      'TaskToken',
      'refresh_token',
      'accessToken',
      'clientSecret',
      'password',
      'Authorization',
      'codeVerifier',
      'cookie',
      'SecretString',
    ])
      expect(String(masked[key]), key).toMatch(new RegExp(`^${MASK_PREFIX} \\(\\d+ characters\\)$`));
    expect(masked.count).toBe(3);
    expect(masked.tokenCount).toBe(4);
    expect(masked.enabled).toBe(true);
  });

  it('masks strings shaped like a task token or a JWT anywhere, in arrays and nested objects', () => {
    const value = { items: [{ note: TOKEN }, JWT, 'plain text'], deep: { S: TOKEN } };
    const masked = JSON.stringify(maskSecrets(value));
    expect(masked).not.toContain(TOKEN);
    expect(masked).not.toContain(JWT);
    expect(masked).toContain('plain text');
    expect(hasSecrets(value)).toBe(true);
    expect(hasSecrets({ a: 'b' })).toBe(false);
  });

  it('keeps secrets out of the HTML unless revealed, and escapes what it shows', () => {
    const html = jsonBlock({ taskToken: TOKEN, name: '<script>alert(1)</script>\u202Egnp.exe' });
    expect(html).not.toContain(TOKEN);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('\u202E');
    expect(html).toContain('&lt;script&gt;');
    expect(jsonBlock({ taskToken: TOKEN }, { reveal: true })).toContain(TOKEN);
  });
});

describe('secret names and free text', () => {
  it('reads names in camelCase, snake_case and kebab-case by their last words', () => {
    for (const name of [
      'dbPassword',
      'newPassword',
      'apiToken',
      'bearerToken',
      'SecretAccessKey',
      'privateKey',
      'pkceVerifier',
      'x-api-key',
      'verificationId',
      'ID_TOKEN',
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of [
      'tokenCount',
      'tokenType',
      'secretName',
      'passwordPolicy',
      'verified',
      'approvalId',
      'name',
    ])
      expect(isSecretName(name), name).toBe(false);
  });

  it('masks the secrets an error cause quotes, and token-shaped runs in any text', () => {
    const cause = `The JSONata expression could not be evaluated: input '{"user":"ada","password":"hunter2","taskToken":"${TOKEN}"}'`;
    const masked = maskText(cause);
    expect(masked).not.toContain('hunter2');
    expect(masked).not.toContain(TOKEN);
    expect(masked).toContain('"user":"ada"');
    expect(maskSecrets({ cause })).not.toContain('hunter2');
    expect(JSON.stringify(maskSecrets({ note: `see ${JWT} here` }))).not.toContain(JWT);
  });

  it('summarises a value nested deeper than it walks, instead of overflowing the stack', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(JSON.stringify(maskSecrets(deep))).toContain('nested deeper than');
  });
});

describe('inputProblems', () => {
  it('lists each problem with its path against the declared schema', () => {
    const { problems } = inputProblems(signupApproval, '{"userName": "", "email": "not-an-email"}', '');
    expect(problems.some((p) => p.startsWith('userName:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('email:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('companyName:'))).toBe(true);
  });

  it('says when the input is not JSON, too large, or the name breaks AWS rules', () => {
    expect(inputProblems(undefined, '{oops', '').problems[0]).toMatch(/not JSON/);
    expect(inputProblems(undefined, `"${'x'.repeat(300_000)}"`, '').problems[0]).toMatch(/256 KiB/);
    expect(inputProblems(undefined, '{}', 'has space').problems[0]).toMatch(/^Name/);
    expect(inputProblems(undefined, '{}', 'a'.repeat(81)).problems[0]).toMatch(/^Name/);
    expect(inputProblems(undefined, '{}', 'ok-name_1').problems).toEqual([]);
  });
});
