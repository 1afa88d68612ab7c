/**
 * Crash safety of the local Step Functions service: a workload of executions with Task, Wait,
 * Map, Parallel and task-token states runs in a child process that is killed with SIGKILL at
 * many points and restarted on the same data directory. Afterwards every execution has ended as
 * its definition says, every history is whole (contiguous ids, one outcome per scheduled task,
 * nothing after the end), and the only calls made twice are calls that were in flight when the
 * process was killed (at-least-once for that one call).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wholeHistory } from './fixture.ts';

const EXECUTIONS = 200;
const KILLS = 12;
const fixture = join(import.meta.dirname, 'fixtures', 'crash-server.ts');

const work = (key: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::crashtest:work',
  Arguments: {
    key: `{% $states.context.Execution.Name & '/${key}/' & $string($states.context.State.RetryCount) %}`,
  },
  Output: '{% $states.result.n %}',
});

const DEFINITION = {
  QueryLanguage: 'JSONata',
  StartAt: 'Prepare',
  States: {
    Prepare: { ...work('prepare'), Assign: { first: '{% $states.result.n %}' }, Next: 'Pause' },
    Pause: { Type: 'Wait', Seconds: 1, Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { ...work('left'), End: true } } },
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              Items: [1, 2, 3],
              // The iteration's index reaches its states through the selector, as on AWS.
              ItemSelector: { index: '{% $states.context.Map.Item.Index %}' },
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Item',
                States: {
                  Item: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::crashtest:work',
                    Arguments: {
                      key: "{% $states.context.Execution.Name & '/item' & $string($states.input.index) & '/' & $string($states.context.State.RetryCount) %}",
                    },
                    Output: '{% $states.result.n %}',
                    End: true,
                  },
                },
              },
              End: true,
            },
          },
        },
      ],
      Next: 'Approve',
    },
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::crashtest:work.waitForTaskToken',
      Arguments: {
        key: "{% $states.context.Execution.Name & '/approve/0' %}",
        token: '{% $states.context.Task.Token %}',
      },
      TimeoutSeconds: 600,
      Next: 'Done',
    },
    Done: { Type: 'Succeed', Output: '{% {"approved": $states.input.approved, "first": $first} %}' },
  },
};

interface Call {
  readonly key: string;
  readonly epoch: number;
}

describe('the local Step Functions service killed at random moments', () => {
  let dir: string;
  let recorder: Server;
  let recorderUrl: string;
  let port: number;
  const calls: Call[] = [];
  /** Task tokens handed to the recorder, not yet answered. */
  const tokens = new Map<string, string>();
  let epoch = 0;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crash-'));
    recorder = createHttpServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        const { arguments: args, taskToken } = JSON.parse(body) as {
          arguments: { key: string };
          taskToken?: string;
        };
        calls.push({ key: args.key, epoch });
        if (taskToken) tokens.set(args.key, taskToken);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ n: calls.length }));
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    recorderUrl = `http://127.0.0.1:${(recorder.address() as { port: number }).port}`;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));
  }, 30_000);

  afterAll(async () => {
    await new Promise((resolve) => recorder.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** The service in a child process; resolves once it answers. */
  async function startServer(): Promise<{ child: ChildProcess; sfn: SFNClient }> {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
      env: { ...process.env, CRASH_DATA_DIR: dir, CRASH_RECORDER_URL: recorderUrl, CRASH_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /ready (\S+)/.exec(out);
        if (ready?.[1]) resolve(ready[1]);
      });
      child.on('exit', (code) => reject(new Error(`the service exited with ${code} before it was ready`)));
    });
    const sfn = new SFNClient({
      region: 'us-east-1',
      endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    return { child, sfn };
  }

  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  const machineArn = 'arn:aws:states:us-east-1:111111111111:stateMachine:crash';
  const names = Array.from({ length: EXECUTIONS }, (_, i) => `run-${i}`);

  /** Starts the executions until `stop` (StartExecution is idempotent by name and input). */
  async function startAll(sfn: SFNClient, stop: () => boolean): Promise<void> {
    await sfn
      .send(
        new CreateStateMachineCommand({
          name: 'crash',
          definition: JSON.stringify(DEFINITION),
          roleArn: 'arn:aws:iam::111111111111:role/crash',
        }),
      )
      .catch(() => undefined); // it exists after the first epoch
    for (const name of names) {
      if (stop()) return;
      await sfn
        .send(new StartExecutionCommand({ stateMachineArn: machineArn, name, input: '{}' }))
        .catch(() => undefined);
    }
  }

  /** Answers the task tokens handed out so far; a token whose task is over is dropped. */
  async function answerTokens(sfn: SFNClient): Promise<void> {
    for (const [key, token] of [...tokens]) {
      const answered = await sfn
        .send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approved: key }) }))
        .then(
          () => true,
          (error: { name?: string }) => error.name === 'TaskTimedOut' || error.name === 'InvalidToken',
        );
      if (answered) tokens.delete(key);
    }
  }

  it(`${EXECUTIONS} executions survive ${KILLS} kills: every history whole, no recorded call made again`, async () => {
    for (epoch = 0; epoch < KILLS; epoch++) {
      const { child, sfn } = await startServer();
      const killAt = Date.now() + 150 + Math.floor(Math.random() * 900);
      const killed = () => Date.now() >= killAt;
      await startAll(sfn, killed);
      while (!killed()) {
        await answerTokens(sfn).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await kill(child);
    }
    const { child, sfn } = await startServer();
    try {
      const running = async () =>
        (await sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' })))
          .executions?.length ?? 0;
      const deadline = Date.now() + 120_000;
      let left = 1;
      await startAll(sfn, () => false);
      const poll = async () => {
        while (Date.now() < deadline) {
          left = await running();
          if (left === 0) return;
          await answerTokens(sfn);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      await poll();
      if (left > 0) {
        const stuck = await sfn.send(
          new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }),
        );
        const arn = stuck.executions?.[0]?.executionArn ?? '';
        const tail = await sfn.send(
          new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 6 }),
        );
        const key = `${arn.split(':').at(-1)}/approve/0`;
        expect.fail(
          `${left} still running, e.g. ${arn}: ${JSON.stringify(tail.events?.map((e) => [e.id, e.type, e.previousEventId]))}; approve calls ${JSON.stringify(calls.filter((c) => c.key === key))}, token pending ${tokens.has(key)}`,
        );
      }

      const seen = new Map<string, number[]>();
      for (const call of calls) seen.set(call.key, [...(seen.get(call.key) ?? []), call.epoch]);
      for (const name of names) {
        const arn = `arn:aws:states:us-east-1:111111111111:execution:crash:${name}`;
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
        expect(execution.status, `${name}: ${execution.error} ${execution.cause}`).toBe('SUCCEEDED');
        expect(JSON.parse(execution.output ?? '{}')).toMatchObject({ approved: `${name}/approve/0` });
        const events = await wholeHistory(sfn, arn);
        expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
        expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
        for (const event of events) expect(event.previousEventId ?? 0).toBeLessThan(event.id ?? 0);
        const scheduled = events.filter((e) => e.type === 'TaskScheduled').length;
        const ended = events.filter((e) => e.type === 'TaskSucceeded' || e.type === 'TaskFailed').length;
        expect(ended, name).toBe(scheduled);
        // Six calls per execution (prepare, left, three items, approve), each made at least once,
        // never twice in one life of the service.
        for (const key of ['prepare', 'left', 'item0', 'item1', 'item2', 'approve']) {
          const made = seen.get(`${name}/${key}/0`) ?? [];
          expect(made.length, `${name}/${key}`).toBeGreaterThan(0);
          expect(new Set(made).size, `${name}/${key} called twice in one life of the service`).toBe(
            made.length,
          );
        }
        // The result in the history came from the last call of its key: once a result is
        // recorded, the call is not made again.
        const byId = new Map(events.map((e) => [e.id, e]));
        for (const succeeded of events.filter((e) => e.type === 'TaskSucceeded')) {
          let at = succeeded;
          while (at.type !== 'TaskScheduled') at = byId.get(at.previousEventId ?? 0) ?? at;
          const { key } = JSON.parse(at.taskScheduledEventDetails?.parameters ?? '{}') as { key: string };
          if (key.includes('/approve/')) continue; // its result is the token's answer, not the call's
          const n = (JSON.parse(succeeded.taskSucceededEventDetails?.output ?? '{}') as { n: number }).n;
          const last = calls
            .map((c, i) => ({ ...c, n: i + 1 }))
            .filter((c) => c.key === key)
            .at(-1);
          expect(last?.n, `${key}: the recorded result is not from its last call`).toBe(n);
        }
      }
      const repeated = [...seen.values()].filter((epochs) => epochs.length > 1).length;
      console.log(
        `crash test: ${EXECUTIONS} executions, ${KILLS} kill points, ${calls.length} calls, ${repeated} made again after a kill`,
      );
    } finally {
      await kill(child);
    }
  }, 600_000);
});
