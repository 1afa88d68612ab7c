import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

/** Looks like an OAuth refresh token: the kind of value that must never be readable at rest. */
const SECRET = 'rt_9f8e7d6c5b4a-refresh-token-QWERTY';
const SECRET_V2 = 'rt_0a1b2c3d4e5f-rotated-token-ASDFGH';

describe('local SSM endpoint: SecureString, through the AWS SDK', () => {
  let dir: string;
  let running: Running;
  const get = (Name: string, WithDecryption: boolean) =>
    running.ssm.send(new GetParameterCommand({ Name, WithDecryption }));

  beforeAll(async () => {
    dir = await tempDir();
    running = await start(dir);
    await running.ssm.send(
      new PutParameterCommand({ Name: '/oauth/refresh', Value: SECRET, Type: 'SecureString' }),
    );
    await running.ssm.send(
      new PutParameterCommand({ Name: '/oauth/refresh', Value: SECRET_V2, Overwrite: true }),
    );
  });
  afterAll(async () => {
    await stop(running);
    await removeDir(dir);
  });

  it('returns the clear value with WithDecryption', async () => {
    expect((await get('/oauth/refresh', true)).Parameter).toMatchObject({
      Type: 'SecureString',
      Value: SECRET_V2,
      Version: 2,
    });
    expect((await get('/oauth/refresh:1', true)).Parameter?.Value).toBe(SECRET);
  });

  it('returns the ciphertext blob (base64), not the value, without WithDecryption', async () => {
    const first = (await get('/oauth/refresh', false)).Parameter?.Value ?? '';
    expect(first).not.toContain(SECRET_V2);
    expect(first).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(first, 'base64').toString('latin1')).not.toContain(SECRET_V2);
    // The stored blob, as AWS returns it: the same on every read.
    expect((await get('/oauth/refresh', false)).Parameter?.Value).toBe(first);
  });

  it('keeps the value encrypted in every read that does not ask for decryption', async () => {
    const many = await running.ssm.send(new GetParametersCommand({ Names: ['/oauth/refresh'] }));
    const listed = await running.ssm.send(new GetParametersByPathCommand({ Path: '/oauth' }));
    const history = await running.ssm.send(new GetParameterHistoryCommand({ Name: '/oauth/refresh' }));
    const text = JSON.stringify([many.Parameters, listed.Parameters, history.Parameters]);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET_V2);
    const decrypted = await running.ssm.send(
      new GetParameterHistoryCommand({ Name: '/oauth/refresh', WithDecryption: true }),
    );
    expect(decrypted.Parameters?.map((p) => p.Value)).toEqual([SECRET, SECRET_V2]);
    expect(decrypted.Parameters?.[0]?.KeyId).toBe('alias/aws/ssm');
  });

  it('never writes the value in clear to any file of the data dir, nor to the log', async () => {
    const files = await filesUnder(dir);
    expect([...files.keys()].map((path) => path.slice(dir.length + 1)).sort()).toEqual([
      'parameters.json',
      'ssm.key',
    ]);
    for (const [path, bytes] of files) {
      for (const secret of [SECRET, SECRET_V2]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${path}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} in ${path}`).toBe(false);
      }
    }
    expect(running.logs.length).toBeGreaterThan(0);
    expect(running.logs.join('\n')).not.toContain(SECRET.slice(0, 12));
  });

  it('keeps the key in a 32-byte file only its owner can read', async () => {
    const key = join(dir, 'ssm.key');
    expect((await stat(key)).mode & 0o777).toBe(0o600);
    expect((await stat(key)).size).toBe(32);
  });

  it('encrypts each value under a fresh IV', async () => {
    await running.ssm.send(
      new PutParameterCommand({ Name: '/oauth/same-a', Value: SECRET, Type: 'SecureString' }),
    );
    await running.ssm.send(
      new PutParameterCommand({ Name: '/oauth/same-b', Value: SECRET, Type: 'SecureString' }),
    );
    const a = (await get('/oauth/same-a', false)).Parameter?.Value;
    const b = (await get('/oauth/same-b', false)).Parameter?.Value;
    expect(a).not.toBe(b);
  });
});
