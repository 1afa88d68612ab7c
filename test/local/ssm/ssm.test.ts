import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, NOW, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

describe('local SSM endpoint: PutParameter and GetParameter, through the AWS SDK', () => {
  let dir: string;
  let running: Running;
  const put = (input: ConstructorParameters<typeof PutParameterCommand>[0]) =>
    running.ssm.send(new PutParameterCommand(input));
  const get = (Name: string, WithDecryption = false) =>
    running.ssm.send(new GetParameterCommand({ Name, WithDecryption }));

  beforeAll(async () => {
    dir = await tempDir();
    running = await start(dir);
  });
  afterAll(async () => {
    await stop(running);
    await removeDir(dir);
  });

  it('creates a parameter at version 1 and reads it back with ARN, date and data type', async () => {
    expect(await put({ Name: '/app/db/host', Value: 'db.local', Type: 'String' })).toMatchObject({
      Version: 1,
      Tier: 'Standard',
    });
    const { Parameter } = await get('/app/db/host');
    expect(Parameter).toEqual({
      Name: '/app/db/host',
      Type: 'String',
      Value: 'db.local',
      Version: 1,
      LastModifiedDate: new Date(NOW),
      ARN: 'arn:aws:ssm:us-east-1:111111111111:parameter/app/db/host',
      DataType: 'text',
    });
  });

  it('reports a root parameter ARN without a doubled slash', async () => {
    await put({ Name: 'plain-name', Value: 'v', Type: 'String' });
    expect((await get('plain-name')).Parameter?.ARN).toBe(
      'arn:aws:ssm:us-east-1:111111111111:parameter/plain-name',
    );
  });

  it('refuses to replace a parameter without Overwrite (ParameterAlreadyExists)', async () => {
    await put({ Name: '/app/once', Value: 'a', Type: 'String' });
    const error = await failure(
      put({ Name: '/app/once', Value: 'b', Type: 'String' }),
      'ParameterAlreadyExists',
    );
    expect(error).toBeInstanceOf(ParameterAlreadyExists);
    expect((await get('/app/once')).Parameter?.Value).toBe('a');
  });

  it('adds versions 2, 3, ... with Overwrite, keeping the type when the request omits it', async () => {
    await put({ Name: '/app/counter', Value: 'one', Type: 'String' });
    expect((await put({ Name: '/app/counter', Value: 'two', Overwrite: true })).Version).toBe(2);
    expect(
      (await put({ Name: '/app/counter', Value: 'three', Type: 'String', Overwrite: true })).Version,
    ).toBe(3);
    expect((await get('/app/counter')).Parameter).toMatchObject({
      Value: 'three',
      Version: 3,
      Type: 'String',
    });
  });

  it('gives concurrent overwrites distinct, consecutive versions', async () => {
    await put({ Name: '/app/race', Value: 'v0', Type: 'String' });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => put({ Name: '/app/race', Value: `v${i}`, Overwrite: true })),
    );
    expect(results.map((r) => r.Version).sort()).toEqual([2, 3, 4, 5, 6]);
    expect((await get('/app/race')).Parameter?.Version).toBe(6);
  });

  it('reads an older version with a name:version selector', async () => {
    const { Parameter } = await get('/app/counter:1');
    expect(Parameter).toMatchObject({ Name: '/app/counter', Value: 'one', Version: 1, Selector: ':1' });
    await failure(get('/app/counter:9'), 'ParameterVersionNotFound');
  });

  it('stores StringList values as given', async () => {
    await put({ Name: '/app/hosts', Value: 'a,b,c', Type: 'StringList' });
    expect((await get('/app/hosts')).Parameter).toMatchObject({ Type: 'StringList', Value: 'a,b,c' });
  });

  it('requires a type when creating', async () => {
    const error = await failure(put({ Name: '/app/untyped', Value: 'x' }), 'ValidationException');
    expect(error.message).toMatch(/type is required/);
  });

  it('answers ParameterNotFound, as the SDK exception class, with status 400', async () => {
    const error = await failure(get('/app/missing'), 'ParameterNotFound');
    expect(error).toBeInstanceOf(ParameterNotFound);
    expect(error.message).toContain('/app/missing');
  });

  it('validates names as AWS does', async () => {
    const cases: [string, string][] = [
      ['app/no-leading-slash', 'ValidationException'],
      ['/app/with space', 'ValidationException'],
      ['/app/bad@char', 'ValidationException'],
      ['/app//empty', 'ValidationException'],
      ['/app/trailing/', 'ValidationException'],
      ['ssm-prefixed', 'ValidationException'],
      ['/SSM/prefixed', 'ValidationException'],
      ['AWSthing', 'ValidationException'],
      ['/aws/reserved', 'AccessDeniedException'],
      [`/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, 'HierarchyLevelLimitExceededException'],
    ];
    for (const [Name, error] of cases) await failure(put({ Name, Value: 'v', Type: 'String' }), error);
    const fifteen = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`;
    expect((await put({ Name: fifteen, Value: 'v', Type: 'String' })).Version).toBe(1);
  });

  it('removes spaces around a name, as AWS does', async () => {
    await put({ Name: '  /app/trimmed  ', Value: 'v', Type: 'String' });
    expect((await get('/app/trimmed')).Parameter?.Name).toBe('/app/trimmed');
  });

  it('limits Standard values to 4096 characters and refuses an empty value', async () => {
    expect((await put({ Name: '/app/big', Value: 'x'.repeat(4096), Type: 'String' })).Version).toBe(1);
    const error = await failure(
      put({ Name: '/app/too-big', Value: 'x'.repeat(4097), Type: 'String' }),
      'ValidationException',
    );
    expect(error.message).toMatch(/maximum parameter value of 4096 characters/);
    await failure(put({ Name: '/app/empty', Value: '', Type: 'String' }), 'ValidationException');
  });

  it('accepts Tier Standard and refuses what only the advanced tier offers', async () => {
    expect((await put({ Name: '/app/std', Value: 'v', Type: 'String', Tier: 'Standard' })).Tier).toBe(
      'Standard',
    );
    await failure(
      put({ Name: '/app/adv', Value: 'v', Type: 'String', Tier: 'Advanced' }),
      'ValidationException',
    );
  });

  it('checks values against AllowedPattern', async () => {
    await put({ Name: '/app/port', Value: '8080', Type: 'String', AllowedPattern: '^\\d+$' });
    await failure(
      put({ Name: '/app/port', Value: 'http', Overwrite: true }),
      'ParameterPatternMismatchException',
    );
    await failure(
      put({ Name: '/app/bad-pattern', Value: 'v', Type: 'String', AllowedPattern: '(' }),
      'InvalidAllowedPatternException',
    );
  });

  it('returns found parameters and lists the others as InvalidParameters (GetParameters)', async () => {
    const result = await running.ssm.send(
      new GetParametersCommand({
        Names: ['/app/db/host', '/app/missing', '/app/counter:2', '/app/counter:7'],
      }),
    );
    expect(result.Parameters?.map((p) => [p.Name, p.Value])).toEqual([
      ['/app/db/host', 'db.local'],
      ['/app/counter', 'two'],
    ]);
    expect(result.InvalidParameters).toEqual(['/app/missing', '/app/counter:7']);
    const eleven = Array.from({ length: 11 }, (_, i) => `/n${i}`);
    await failure(running.ssm.send(new GetParametersCommand({ Names: eleven })), 'ValidationException');
  });

  it('rejects operations it does not offer with UnknownOperationException naming those it does', async () => {
    const error = await failure(
      running.ssm.send(new SendCommandCommand({ DocumentName: 'AWS-RunShellScript' })),
      'UnknownOperationException',
    );
    expect(error.message).toContain('AmazonSSM.SendCommand');
    expect(error.message).toContain('GetParametersByPath');
  });

  it('requires the X-Amz-Target header', async () => {
    const response = await fetch(`${running.service.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toMatch(/#UnknownOperationException$/);
    expect(body.message).toContain('no X-Amz-Target header');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await fetch(`${running.service.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'AmazonSSM.GetParameter' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toMatch(/SerializationException$/);
  });
});
