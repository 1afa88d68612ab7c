/**
 * The console under volume, on a local Step Functions service with its durable store on a
 * temporary data directory, measured against the bare API calls a page is built from, in the
 * same run:
 * - executions: BENCH_EXECUTIONS executions (default 10,000) of a one-state machine; the first
 *   page of /executions (50, newest first) against one ListExecutions call of 50.
 * - history: one execution of a Map over BENCH_ITEMS items (default 2,500: 10,000+ events); its
 *   page (graph and selected state; the event history, first and a middle page) against reading
 *   the whole history through GetExecutionHistory. The first render reads the history; later ones
 *   use the console's copy of a closed execution's history (it never changes).
 *
 * - the same execution's pages in Debian's chromium (when installed): request to the load event.
 *
 * Last lines: history_browser_ms, first_page_ms, first_page_ratio, history_render_ms (cold),
 * history_render_ratio.
 * Medians over BENCH_ROUNDS rounds (default 15).
 */

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { chromium } from 'playwright-core';
import { startConsole } from '../local/console/index.ts';
import { startStepFunctions } from '../local/sfn/index.ts';

const EXECUTIONS = Number(process.env.BENCH_EXECUTIONS ?? 10_000);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 2_500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const IN_FLIGHT = 16;
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const roleArn = 'arn:aws:iam::111111111111:role/bench';

class BenchmarkFailed extends Error {
  override name = 'BenchmarkFailed';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed(op: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await op();
  return performance.now() - started;
}

async function rounds(op: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) times.push(await timed(op));
  return median(times);
}

async function page(url: string): Promise<string> {
  const response = await fetch(url);
  const body = await response.text();
  if (response.status !== 200)
    throw new BenchmarkFailed(`${url} answered ${response.status}: ${body.slice(-400)}`);
  return body;
}

const dir = await mkdtemp(join(tmpdir(), 'bench-console-'));
const sfnService = await startStepFunctions({ dataDir: join(dir, 'sfn') });
const config = {
  region: 'us-east-1',
  endpoint: sfnService.endpoint,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
};
const sfn = new SFNClient(config);
const consoleServer = await startConsole({
  mode: 'local',
  region: 'us-east-1',
  prefix: 'bench-',
  // Only Step Functions is read by the pages measured here.
  services: () => config,
});
try {
  const one = await sfn.send(
    new CreateStateMachineCommand({
      name: 'bench-one',
      roleArn,
      definition: JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Only',
        States: { Only: { Type: 'Pass', End: true } },
      }),
    }),
  );
  const machineArn = one.stateMachineArn ?? '';
  let next = 0;
  const seeding = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < EXECUTIONS) {
        const i = next++;
        await sfn.send(
          new StartExecutionCommand({
            stateMachineArn: machineArn,
            name: `run-${String(i).padStart(6, '0')}`,
          }),
        );
      }
    }),
  );
  process.stdout.write(`seeded ${EXECUTIONS} executions in ${Math.round(performance.now() - seeding)} ms\n`);

  const listBaseline = await rounds(() =>
    sfn.send(new ListExecutionsCommand({ stateMachineArn: machineArn, maxResults: 50 })),
  );
  const firstPage = await rounds(() =>
    page(`${consoleServer.endpoint}/executions?machine=${encodeURIComponent(machineArn)}`),
  );
  const allMachines = await rounds(() => page(`${consoleServer.endpoint}/executions`));
  const prefixed = await rounds(() => page(`${consoleServer.endpoint}/executions?prefix=run-0099`));
  process.stdout.write(
    `executions: ListExecutions(50) ${listBaseline.toFixed(1)} ms; console first page ${firstPage.toFixed(1)} ms (one machine), ${allMachines.toFixed(1)} ms (all machines), ${prefixed.toFixed(1)} ms (name prefix run-0099: scans)\n`,
  );

  const map = await sfn.send(
    new CreateStateMachineCommand({
      name: 'bench-map',
      roleArn,
      definition: JSON.stringify({
        QueryLanguage: 'JSONata',
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map',
            Items: `{% [1..${ITEMS}] %}`,
            ItemProcessor: {
              ProcessorConfig: { Mode: 'INLINE' },
              StartAt: 'Double',
              States: { Double: { Type: 'Pass', Output: '{% $states.input * 2 %}', End: true } },
            },
            Output: '{% $count($states.result) %}',
            End: true,
          },
        },
      }),
    }),
  );
  const started = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: map.stateMachineArn ?? '', name: 'big' }),
  );
  const executionArn = started.executionArn ?? '';
  for (let i = 0; ; i++) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status === 'SUCCEEDED') break;
    if (described.status !== 'RUNNING' || i > 1200)
      throw new BenchmarkFailed(`the Map execution is ${described.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  let events = 0;
  const historyBaseline = await rounds(async () => {
    events = 0;
    let nextToken: string | undefined;
    do {
      const answer = await sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
      );
      events += answer.events?.length ?? 0;
      nextToken = answer.nextToken;
    } while (nextToken);
  });
  const url = `${consoleServer.endpoint}/execution?arn=${encodeURIComponent(executionArn)}`;
  const cold = await timed(() => page(url));
  const graphTab = await rounds(() => page(url));
  const eventsTab = await rounds(() => page(`${url}&tab=events`));
  const middle = await rounds(() => page(`${url}&tab=events&events=50`));
  process.stdout.write(
    `history: ${events} events; GetExecutionHistory (all pages) ${historyBaseline.toFixed(1)} ms; execution page first render ${cold.toFixed(1)} ms, then ${graphTab.toFixed(1)} ms (graph and state), events tab ${eventsTab.toFixed(1)} ms, events page 50 ${middle.toFixed(1)} ms\n`,
  );
  // The same pages in Debian's chromium, when it is installed: request to the load event.
  if (existsSync(CHROMIUM)) {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const load = async (target: string) => {
        const started = performance.now();
        const response = await tab.goto(target, { waitUntil: 'load' });
        if (response?.status() !== 200) throw new BenchmarkFailed(`${target} answered ${response?.status()}`);
        return performance.now() - started;
      };
      const graphInBrowser = await rounds(() => load(url));
      const eventsInBrowser = await rounds(() => load(`${url}&tab=events`));
      const timelineInBrowser = await rounds(() => load(`${url}&tab=timeline`));
      process.stdout.write(
        `in chromium (request to load event): graph and state ${graphInBrowser.toFixed(1)} ms, events tab ${eventsInBrowser.toFixed(1)} ms, timeline ${timelineInBrowser.toFixed(1)} ms\n`,
      );
      process.stdout.write(`history_browser_ms ${Math.max(graphInBrowser, eventsInBrowser).toFixed(1)}\n`);
    } finally {
      await browser.close();
    }
  }
  process.stdout.write(`first_page_ms ${firstPage.toFixed(1)}\n`);
  process.stdout.write(`first_page_ratio ${(firstPage / listBaseline).toFixed(2)}\n`);
  process.stdout.write(`history_render_ms ${cold.toFixed(1)}\n`);
  process.stdout.write(`history_render_ratio ${(cold / historyBaseline).toFixed(2)}\n`);
} finally {
  await consoleServer.close();
  sfn.destroy();
  await sfnService.close();
  await rm(dir, { recursive: true, force: true });
}
