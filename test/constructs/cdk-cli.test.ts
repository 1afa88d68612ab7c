import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('npx cdk synth', () => {
  it('synthesizes both stacks offline, with no AWS account or credentials', async () => {
    // Without credentials or a profile: what a fresh clone on a machine without AWS access has.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
    );
    const cli = join('node_modules', 'aws-cdk', 'bin', 'cdk');
    const { stdout, stderr } = await run(process.execPath, [cli, 'synth', '--quiet', '--output', outdir], {
      env: { ...env, AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', AWS_CONFIG_FILE: '/nonexistent' },
      timeout: 120_000,
    });
    // The CLI writes its messages to stderr, or to stdout when CI=true.
    expect(`${stdout}${stderr}`).toContain('Successfully synthesized');
    for (const stack of ['wf-data', 'wf-workflows']) {
      expect(existsSync(join(outdir, `${stack}.template.json`))).toBe(true);
    }
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { conclusion: string }[];
    };
    expect(report.pluginReports.map((p) => p.conclusion)).toEqual(['success']);
  }, 120_000);
});
