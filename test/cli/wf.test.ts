import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'cli', 'main.ts');

async function wf(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('wf', () => {
  let dir: string;
  let valid: string;
  let invalid: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wf-'));
    valid = join(dir, 'greet.asl.json');
    invalid = join(dir, 'bad.asl.json');
    await writeFile(
      valid,
      JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Greet',
        States: {
          Greet: { Type: 'Pass', Assign: { who: '{% $states.input.name %}' }, Next: 'Nap' },
          Nap: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
          Done: { Type: 'Succeed', Output: { greeting: "{% 'Hello, ' & $who %}" } },
        },
      }),
    );
    await writeFile(
      invalid,
      JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'A',
        States: { A: { Type: 'Pass', Parameters: { x: 1 }, End: true } },
      }),
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('validate accepts a valid definition', async () => {
    const { code, stdout } = await wf('validate', valid);
    expect(code).toBe(0);
    expect(stdout).toContain('valid (3 states, query language JSONata)');
  }, 60_000);

  it('validate exits non-zero naming the field and the fix', async () => {
    const { code, stderr } = await wf('validate', invalid);
    expect(code).toBe(1);
    expect(stderr).toContain(
      "/States/A/Parameters: The field 'Parameters' is not supported by the JSONata query language",
    );
    expect(stderr).toContain('Use Arguments instead.');
  }, 60_000);

  it('run --json prints status, output, transitions and the history in GetExecutionHistory shape', async () => {
    const { code, stdout } = await wf(
      'run',
      '--definition',
      valid,
      '--input',
      '{"name":"Ada"}',
      '--json',
      '--virtual-time',
    );
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as {
      status: string;
      output: unknown;
      error: null;
      cause: null;
      transitions: number;
      events: {
        type: string;
        id: number;
        previousEventId: number;
        timestamp: string;
        [k: string]: unknown;
      }[];
    };
    expect(printed).toMatchObject({
      status: 'SUCCEEDED',
      output: { greeting: 'Hello, Ada' },
      error: null,
      cause: null,
      transitions: 3,
    });
    expect(printed.events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    expect(printed.events[0]).toMatchObject({
      id: 1,
      previousEventId: 0,
      executionStartedEventDetails: { input: '{"name":"Ada"}' },
    });
    expect(
      Date.parse(printed.events[4]?.timestamp ?? '') - Date.parse(printed.events[3]?.timestamp ?? ''),
    ).toBe(3_600_000);
  }, 60_000);

  it('run reports bad input as a usage error', async () => {
    const { code, stderr } = await wf('run', '--definition', valid, '--input', '{not json');
    expect(code).toBe(2);
    expect(stderr).toContain('Input is not valid JSON');
  }, 60_000);
});
