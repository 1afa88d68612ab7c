import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSsm } from '../../../local/ssm/index.ts';
import { NOW, type Running, removeDir, start, stop, tempDir } from './fixture.ts';

describe('local SSM endpoint: data survives a restart', () => {
  let dir: string;
  let running: Running | undefined;

  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await stop(running);
    await removeDir(dir);
  });

  it('keeps parameters, versions and SecureStrings across close and start on the same data dir', async () => {
    running = await start(dir);
    const put = (input: ConstructorParameters<typeof PutParameterCommand>[0]) =>
      (running as Running).ssm.send(new PutParameterCommand(input));
    await put({ Name: '/keep/plain', Value: 'first', Type: 'String', Description: 'kept' });
    await put({ Name: '/keep/plain', Value: 'second', Overwrite: true });
    await put({ Name: '/keep/secret', Value: 'client-secret-123', Type: 'SecureString' });
    const before = await running.ssm.send(new GetParameterCommand({ Name: '/keep/secret' }));
    await stop(running);
    // close() twice is harmless.
    await running.service.close();

    running = await start(dir);
    const plain = await running.ssm.send(new GetParameterCommand({ Name: '/keep/plain' }));
    expect(plain.Parameter).toMatchObject({ Value: 'second', Version: 2, LastModifiedDate: new Date(NOW) });
    const history = await running.ssm.send(new GetParameterHistoryCommand({ Name: '/keep/plain' }));
    expect(history.Parameters?.map((p) => [p.Version, p.Value, p.Description])).toEqual([
      [1, 'first', 'kept'],
      [2, 'second', 'kept'],
    ]);
    const secret = await running.ssm.send(
      new GetParameterCommand({ Name: '/keep/secret', WithDecryption: true }),
    );
    expect(secret.Parameter?.Value).toBe('client-secret-123');
    const sealed = await running.ssm.send(new GetParameterCommand({ Name: '/keep/secret' }));
    expect(sealed.Parameter?.Value).toBe(before.Parameter?.Value);
    expect((await put({ Name: '/keep/plain', Value: 'third', Overwrite: true })).Version).toBe(3);
  });

  it('refuses to start on a data file it cannot read, rather than starting empty', async () => {
    await stop(running);
    running = undefined;
    const file = join(dir, 'parameters.json');
    const original = await readFile(file);
    await writeFile(file, '{"format": 99}');
    await expect(startSsm({ dataDir: dir })).rejects.toMatchObject({ name: 'SsmDataError' });
    await writeFile(file, original);
  });
});
