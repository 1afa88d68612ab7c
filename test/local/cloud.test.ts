import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalCloud, startLocalCloud } from '../../local/cloud.ts';

describe('startLocalCloud', () => {
  let dir: string;
  let cloud: LocalCloud;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cloud-'));
    cloud = await startLocalCloud({ dataDir: dir });
  });
  afterAll(async () => {
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives SDK clients their configuration in one call', async () => {
    const sfn = new SFNClient(cloud.sdkConfig('SFN'));
    expect((await sfn.send(new ListStateMachinesCommand({}))).stateMachines).toEqual([]);
    expect(cloud.environment.AWS_ENDPOINT_URL_SFN).toBe(cloud.sdkConfig('SFN').endpoint);
  });

  it('keeps a SecureString encrypted at rest and decrypts it for WithDecryption', async () => {
    const ssm = new SSMClient(cloud.sdkConfig('SSM'));
    await ssm.send(
      new PutParameterCommand({ Name: '/oauth/alice/refresh', Value: 'r-123', Type: 'SecureString' }),
    );
    const read = await ssm.send(
      new GetParameterCommand({ Name: '/oauth/alice/refresh', WithDecryption: true }),
    );
    expect(read.Parameter?.Value).toBe('r-123');
  });

  it('names the services it has when asked for one it lacks', () => {
    expect(() => cloud.sdkConfig('NOPE')).toThrow(/has no service 'NOPE'. It has: LAMBDA, SSM, SFN/);
  });
});
