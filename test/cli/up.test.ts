import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOWS } from '../../workflows/index.ts';

const cli = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

describe('wf up', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wf-up-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('starts the local cloud, deploys workflows/ into it, prints each endpoint and what to export, and stops cleanly on Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cli, 'up', '--data-dir', dir, '--quiet', '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Up to 150 s: starting PostgreSQL and every service takes seconds, many on a loaded machine.
    for (let i = 0; i < 3000 && !stdout.includes('Ctrl-C stops it'); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain('Local cloud ready');
    const endpoint = /export AWS_ENDPOINT_URL_SFN=(\S+)/.exec(stdout)?.[1];
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(stdout).toMatch(/export AWS_ENDPOINT_URL_LAMBDA=http:\/\/127\.0\.0\.1:\d+/);
    // The one export first: the edge endpoint that routes every SDK request.
    const edge = /export AWS_ENDPOINT_URL=(\S+)/.exec(stdout)?.[1];
    expect(stdout.indexOf('export AWS_ENDPOINT_URL=')).toBeLessThan(
      stdout.indexOf('export AWS_ENDPOINT_URL_'),
    );
    const viaEdge = new SFNClient({
      region: 'us-east-1',
      endpoint: edge,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect((await viaEdge.send(new ListStateMachinesCommand({}))).stateMachines?.length).toBe(
      WORKFLOWS.length,
    );

    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const listed = await sfn.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.name)).toEqual(WORKFLOWS.map((w) => `wf-${w.name}`));
    expect(stdout).toContain(
      'state machine  arn:aws:states:us-east-1:111111111111:stateMachine:wf-smoke-check',
    );
    expect(stdout).toMatch(/table {10}wf-approvals {2}\(approvals\)/);
    expect(stdout).toMatch(/email {5}admin@acme\.example\n {7}password {2}\S+/);
    expect(stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/signup/);
    expect(stdout).toMatch(/HTTP routes +http:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toMatch(/OAuth provider +http:\/\/127\.0\.0\.1:\d+ +\(the sandbox provider/);
    expect(stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\/connections\n/);
    expect(stdout).toContain('alice / sandbox-alice');

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Stopped.');
  }, 180_000);
});
