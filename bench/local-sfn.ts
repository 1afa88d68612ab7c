/**
 * The local Step Functions service under load, through the AWS SDK v3 client on 127.0.0.1,
 * with its durable store on a temporary data directory (every event on disk before it is
 * acknowledged), against the engine run in process (runExecution: no HTTP, no store) on the
 * same executions, measured in the same run.
 *
 * Workloads (counts bounded, medians over BENCH_ROUNDS rounds, default 5):
 * - starts: BENCH_STARTS StartExecution calls (default 1,500) on a Standard machine of one Pass
 *   state, BENCH_IN_FLIGHT in flight (default 16). The executions run meanwhile, as they would.
 * - transitions: BENCH_EXECUTIONS executions (default 1,000) of a Standard machine of 20 Pass
 *   states, started through the API with BENCH_IN_FLIGHT in flight; timed until the last one's
 *   end is stored. The same executions through runExecution at the same concurrency are the
 *   baseline of api_overhead_ratio.
 * - sync: BENCH_SYNC sequential StartSyncExecution calls (default 400) of a 10-state Express
 *   machine; p50 latency, and the same executions through runExecution for sync_overhead_ratio.
 *
 * Last lines: starts_per_s, transitions_per_s, sync_p50_ms, api_overhead_ratio.
 * Run with --expose-gc (npm run bench:local-sfn does) so each timed run starts from a collected heap.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
} from '@aws-sdk/client-sfn';
import { parseDefinition, RoutingRegistry, runExecution } from '../asl/index.ts';
import { type StepFunctionsService, startStepFunctions } from '../local/sfn/index.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const STARTS = Number(process.env.BENCH_STARTS ?? 1500);
const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 1000);
const SYNC_CALLS = Number(process.env.BENCH_SYNC ?? 400);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 16);
/** No phase may take longer than this: a hang is a failure, not a slow result. */
const PHASE_LIMIT_MS = Number(process.env.BENCH_PHASE_LIMIT_MS ?? 120_000);

const roleArn = 'arn:aws:iam::111111111111:role/bench';

/** A chain of `count` Pass states, each adding one to the input (JSONata). */
function passChain(count: number): string {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    states[`S${i}`] = {
      Type: 'Pass',
      Output: { n: '{% $states.input.n + 1 %}', id: '{% $states.input.id %}' },
      ...(i + 1 < count ? { Next: `S${i + 1}` } : { End: true }),
    };
  }
  return JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'S0', States: states });
}

/** The benchmark's own executions did not succeed: the service is broken, not slow. */
class BenchmarkFailed extends Error {
  override name = 'BenchmarkFailed';
}

const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs `op(i)` for i in [0, count) with `inFlight` in flight; answers the elapsed milliseconds. */
async function pool(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      await op(next++);
      if (performance.now() - started > PHASE_LIMIT_MS)
        throw new BenchmarkFailed(`a phase took over ${PHASE_LIMIT_MS} ms`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return performance.now() - started;
}

interface Machines {
  readonly starts: string;
  readonly chain: string;
  readonly express: string;
}

async function createMachines(sfn: SFNClient, texts: Record<keyof Machines, string>): Promise<Machines> {
  const create = async (name: string, definition: string, type: 'STANDARD' | 'EXPRESS') =>
    (await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn, type }))).stateMachineArn ??
    '';
  return {
    starts: await create('bench-starts', texts.starts, 'STANDARD'),
    chain: await create('bench-chain', texts.chain, 'STANDARD'),
    express: await create('bench-express', texts.express, 'EXPRESS'),
  };
}

/** Waits until every execution started through the API has ended and its end is stored. */
async function ended(service: StepFunctionsService, arns: readonly string[]): Promise<void> {
  const { executions, store } = service.backend;
  for (const arn of arns) {
    await executions.get(arn)?.done;
    const record = await store.getExecution(arn);
    if (record?.status !== 'SUCCEEDED')
      throw new BenchmarkFailed(`execution ${arn} is ${record?.status}: ${record?.error} ${record?.cause}`);
  }
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-local-sfn-'));
  const service = await startStepFunctions({ dataDir, tasks: new RoutingRegistry() });
  const sfn = new SFNClient({
    region: 'us-east-1',
    endpoint: service.endpoint,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
    // StartSyncExecution goes to a `sync-` host name, which loopback does not have.
    disableHostPrefix: true,
  });
  try {
    const texts = { starts: passChain(1), chain: passChain(20), express: passChain(10) };
    const machines = await createMachines(sfn, texts);
    const chain = parseDefinition(texts.chain);
    const express = parseDefinition(texts.express);
    const tasks = new RoutingRegistry();
    let serial = 0;

    const startRound = async (round: number) => {
      const arns: string[] = [];
      const ms = await pool(STARTS, IN_FLIGHT, async (i) => {
        const { executionArn } = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: machines.starts,
            name: `s${round}-${i}-${serial++}`,
            input: JSON.stringify({ n: i, id: `start-${i}` }),
          }),
        );
        arns.push(executionArn ?? '');
      });
      await ended(service, arns);
      return STARTS / (ms / 1000);
    };

    let transitionsPerExecution = 0;
    const inProcessChain = () =>
      pool(EXECUTIONS, IN_FLIGHT, async (i) => {
        const result = await runExecution({ tasks, definition: chain, input: { n: i, id: `chain-${i}` } });
        if (result.status !== 'SUCCEEDED') throw new BenchmarkFailed(`in process: ${result.status}`);
        transitionsPerExecution = result.transitions;
      });
    let apiChainCpu = 0;
    const apiChain = async (round: number) => {
      const arns: string[] = [];
      const cpu = process.cpuUsage();
      const started = performance.now();
      await pool(EXECUTIONS, IN_FLIGHT, async (i) => {
        const { executionArn } = await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: machines.chain,
            name: `c${round}-${i}-${serial++}`,
            input: JSON.stringify({ n: i, id: `chain-${i}` }),
          }),
        );
        arns.push(executionArn ?? '');
      });
      await ended(service, arns);
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpu);
      apiChainCpu = (used.user + used.system) / 1000;
      return elapsed;
    };

    const syncLatencies = async (via: 'api' | 'engine') => {
      const latencies: number[] = [];
      for (let i = 0; i < SYNC_CALLS; i++) {
        const input = { n: i, id: `sync-${i}` };
        const started = performance.now();
        if (via === 'api') {
          const out = await sfn.send(
            new StartSyncExecutionCommand({
              stateMachineArn: machines.express,
              input: JSON.stringify(input),
            }),
          );
          if (out.status !== 'SUCCEEDED') throw new BenchmarkFailed(`sync: ${out.status} ${out.cause}`);
        } else {
          const result = await runExecution({ tasks, definition: express, input, type: 'EXPRESS' });
          if (result.status !== 'SUCCEEDED') throw new BenchmarkFailed(`sync in process: ${result.status}`);
        }
        latencies.push(performance.now() - started);
      }
      return median(latencies);
    };

    // Warm up every path so the JIT has seen the code.
    await startRound(-1);
    await inProcessChain();
    await apiChain(-1);
    await syncLatencies('api');
    await syncLatencies('engine');

    const starts: number[] = [];
    const transitions: number[] = [];
    const overhead: number[] = [];
    const syncP50: number[] = [];
    const syncOverhead: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      collect();
      const s = await startRound(round);
      collect();
      const engineMs = await inProcessChain();
      collect();
      const apiMs = await apiChain(round);
      collect();
      const syncApi = await syncLatencies('api');
      collect();
      const syncEngine = await syncLatencies('engine');
      const t = (EXECUTIONS * transitionsPerExecution) / (apiMs / 1000);
      starts.push(s);
      transitions.push(t);
      overhead.push(apiMs / engineMs);
      syncP50.push(syncApi);
      syncOverhead.push(syncApi / syncEngine);
      process.stdout.write(
        `round ${round + 1}: starts ${s.toFixed(0)}/s; ${EXECUTIONS} x ${transitionsPerExecution} transitions ` +
          `API ${apiMs.toFixed(0)} ms (process CPU ${apiChainCpu.toFixed(0)} ms) / in process ${engineMs.toFixed(0)} ms; ` +
          `sync p50 API ${syncApi.toFixed(2)} ms / in process ${syncEngine.toFixed(2)} ms\n`,
      );
    }
    const listed = await sfn.send(
      new ListExecutionsCommand({
        stateMachineArn: machines.chain,
        statusFilter: 'SUCCEEDED',
        maxResults: 1,
      }),
    );
    if (!listed.executions?.length) throw new BenchmarkFailed('no SUCCEEDED execution listed');
    process.stdout.write(`sync_overhead_ratio=${median(syncOverhead).toFixed(3)}\n`);
    process.stdout.write(`starts_per_s=${median(starts).toFixed(0)}\n`);
    process.stdout.write(`transitions_per_s=${median(transitions).toFixed(0)}\n`);
    process.stdout.write(`sync_p50_ms=${median(syncP50).toFixed(2)}\n`);
    process.stdout.write(`api_overhead_ratio=${median(overhead).toFixed(3)}\n`);
  } finally {
    sfn.destroy();
    await service.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
