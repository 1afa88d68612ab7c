/**
 * The operator console in a real browser (Debian's chromium, driven by playwright-core), as an
 * operator uses it: state machines and a machine's graph; executions filtered, paged and
 * refreshed; a failed execution found from the list, its failing Map iteration opened and its
 * error read; the event history filtered, paged and expanded; starting (a rejected input first),
 * stopping, redriving, and answering a real sign-up's waiting tasks, each through its
 * confirmation page; the data views; the CSP, CSRF and Host checks; axe (no serious or critical
 * violation on any page kind) and keyboard navigation. Screenshots: test-artifacts/console/.
 *
 * The test deploys two state machines of its own through the local Step Functions API:
 * `wf-console-demo` (Assign, a Choice to a Wait, a Parallel holding a Map whose iteration can
 * reach a Fail state and a Task with Retry and Catch) and `wf-console-cheap` (a Map of Pass
 * states: many executions for paging, a long history for the events pager).
 */
import { mkdir } from 'node:fs/promises';
import { request } from 'node:http';
import { CognitoIdentityProviderClient, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  type HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalApp } from '../../local/app.ts';
import { executionName } from '../../tasks/pre-sign-up/handler.ts';
import { wholeHistory } from '../local/sfn/fixture.ts';
import type { BrowserRig } from './fixture.ts';

const ARTIFACTS = 'test-artifacts/console';
/** Lambdas, Cognito and the engine on a loaded 2-core machine: generous. */
const SLOW_MS = 45_000;
const ROLE = 'arn:aws:iam::111111111111:role/x';
const DEMO = 'wf-console-demo';
const CHEAP = 'wf-console-cheap';
const TABLE = 'wf-console-demo-items';
const MISSING_TABLE = 'wf-console-demo-never-created';

const DEMO_DEFINITION = {
  QueryLanguage: 'JSONata',
  Comment: 'The console test: a Map, a Parallel, a Retry and Catch, Assign, a Wait to stop.',
  StartAt: 'Setup',
  States: {
    Setup: {
      Type: 'Pass',
      Assign: { table: '{% $states.input.table %}', label: "{% 'run of ' & $count($states.input.items) %}" },
      Next: 'ShouldHold',
    },
    ShouldHold: {
      Type: 'Choice',
      Choices: [{ Condition: '{% $states.input.hold > 0 %}', Next: 'Hold' }],
      Default: 'Work',
    },
    Hold: { Type: 'Wait', Seconds: '{% $states.input.hold %}', Next: 'Work' },
    Work: {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Items',
          States: {
            Items: {
              Type: 'Map',
              Items: '{% $states.input.items %}',
              ItemSelector: { n: '{% $states.context.Map.Item.Value %}', table: '{% $table %}' },
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'NeedsLookup',
                States: {
                  NeedsLookup: {
                    Type: 'Choice',
                    Choices: [{ Condition: '{% $states.input.n = 2 %}', Next: 'Fetch' }],
                    Default: 'Fine',
                  },
                  Fetch: {
                    Type: 'Task',
                    Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
                    Arguments: {
                      TableName: '{% $states.input.table %}',
                      Key: { pk: { S: "{% 'item-' & $string($states.input.n) %}" } },
                    },
                    Retry: [
                      {
                        ErrorEquals: ['DynamoDb.ResourceNotFoundException'],
                        MaxAttempts: 1,
                        IntervalSeconds: 1,
                      },
                    ],
                    Next: 'Found',
                  },
                  Found: {
                    Type: 'Choice',
                    Choices: [{ Condition: '{% $exists($states.input.Item) %}', Next: 'Fine' }],
                    Default: 'Missing',
                  },
                  Missing: {
                    Type: 'Fail',
                    Error: 'Demo.ItemMissing',
                    Cause: 'The table has no item-2.',
                  },
                  Fine: { Type: 'Pass', End: true },
                },
              },
              End: true,
            },
          },
        },
        {
          StartAt: 'Probe',
          States: {
            Probe: {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:dynamodb:getItem',
              Arguments: { TableName: MISSING_TABLE, Key: { pk: { S: 'x' } } },
              Retry: [
                { ErrorEquals: ['DynamoDb.ResourceNotFoundException'], MaxAttempts: 1, IntervalSeconds: 1 },
              ],
              Catch: [
                {
                  ErrorEquals: ['DynamoDb.ResourceNotFoundException'],
                  Assign: { probe: 'no such table' },
                  Next: 'ProbeMissed',
                },
              ],
              End: true,
            },
            ProbeMissed: { Type: 'Pass', End: true },
          },
        },
      ],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

const CHEAP_DEFINITION = {
  QueryLanguage: 'JSONata',
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      Items: '{% [1..$states.input.n] %}',
      ItemProcessor: { StartAt: 'Step', States: { Step: { Type: 'Pass', End: true } } },
      End: true,
    },
  },
};

let app: LocalApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let sfn: SFNClient;
let dynamodb: DynamoDBClient;
let consoleUrl: string;
const machines: Record<string, string> = {};
const problems: string[] = [];

/** Polls in real time (the services run on the wall clock here) until `check` answers. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeout = SLOW_MS): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The execution's status once it is no longer RUNNING. */
function finished(arn: string): Promise<string> {
  return until(async () => {
    const status = (await sfn.send(new DescribeExecutionCommand({ executionArn: arn }))).status;
    return status === 'RUNNING' ? undefined : status;
  }, `${arn} to end`);
}

function history(arn: string): Promise<HistoryEvent[]> {
  return wholeHistory(sfn, arn);
}

/** The history once `state` waits on its task (entered, its task submitted, not yet answered). */
function waitingIn(arn: string, state: string): Promise<HistoryEvent[]> {
  return until(async () => {
    const events = await history(arn);
    const entered = events.findLast((e) => e.type === 'TaskStateEntered');
    return entered?.stateEnteredEventDetails?.name === state && events.at(-1)?.type === 'TaskSubmitted'
      ? events
      : undefined;
  }, `${state} to wait for its task token`);
}

function tokenIn(events: readonly HistoryEvent[]): string {
  const scheduled = events.findLast((e) => e.type === 'TaskScheduled');
  const parameters = JSON.parse(scheduled?.taskScheduledEventDetails?.parameters ?? '{}') as {
    ExpressionAttributeValues?: Record<string, { S?: string }>;
  };
  const token = parameters.ExpressionAttributeValues?.[':token']?.S;
  if (!token) throw new Error('no task token in the waiting task');
  return token;
}

/** Runs an action that loads a new document (the same address, too) and waits for it to load. */
async function navigating(action: () => Promise<unknown>): Promise<void> {
  const loaded = page.waitForEvent('load');
  await action();
  await loaded;
}

async function open(path: string): Promise<void> {
  const response = await page.goto(`${consoleUrl}${path}`);
  expect(response?.status(), path).toBe(200);
  expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
}

/** Axe on the page: no serious or critical violation (each printed readably otherwise). */
async function accessible(what: string): Promise<void> {
  // Violations only: axe skips detailing what passed, which halves its time on long pages.
  const result = await new AxeBuilder({ page }).options({ resultTypes: ['violations'] }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const readable = bad.map(
    (v) =>
      `${what}: ${v.impact} ${v.id} (${v.help})\n${v.nodes
        .slice(0, 5)
        .map((n) => `    ${n.target.join(' ')}: ${n.failureSummary?.replace(/\n/g, ' ')}`)
        .join('\n')}`,
  );
  expect(readable).toEqual([]);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** Every page kind: axe and a screenshot (variants of a kind already checked: a screenshot only). */
async function check(name: string): Promise<void> {
  await accessible(name);
  await shot(name);
}

export function describeConsole(rig: () => BrowserRig): void {
  describe('the operator console in a browser', () => {
    let failedArn = '';
    let cheapArns: string[] = [];
    let bigArn = '';

    beforeAll(async () => {
      app = rig().app;
      browser = rig().browser;
      consoleUrl = app.console.endpoint;
      sfn = new SFNClient(app.cloud.sdkConfig('SFN'));
      dynamodb = new DynamoDBClient(app.cloud.sdkConfig('DYNAMODB'));
      await mkdir(ARTIFACTS, { recursive: true });
      for (const [name, definition] of [
        [DEMO, DEMO_DEFINITION],
        [CHEAP, CHEAP_DEFINITION],
      ] as const) {
        const created = await sfn.send(
          new CreateStateMachineCommand({ name, roleArn: ROLE, definition: JSON.stringify(definition) }),
        );
        machines[name] = created.stateMachineArn ?? '';
      }
      // The table does not exist yet: the Map's second iteration fails at Fetch (after a retry).
      const failed = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machines[DEMO],
          name: 'demo-failing',
          input: JSON.stringify({ items: [1, 2, 3], table: TABLE, hold: 0 }),
        }),
      );
      failedArn = failed.executionArn ?? '';
      cheapArns = await Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const started = await sfn.send(
            new StartExecutionCommand({
              stateMachineArn: machines[CHEAP],
              name: `page-${String(i).padStart(2, '0')}`,
              input: JSON.stringify({ n: 1 }),
            }),
          );
          return started.executionArn ?? '';
        }),
      );
      const big = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machines[CHEAP],
          name: 'long-history',
          input: JSON.stringify({ n: 40 }),
        }),
      );
      bigArn = big.executionArn ?? '';
      await expect(finished(failedArn)).resolves.toBe('FAILED');
      for (const arn of [...cheapArns, bigArn]) await expect(finished(arn)).resolves.toBe('SUCCEEDED');

      context = await browser.newContext();
      page = await context.newPage();
      page.setDefaultTimeout(30_000);
      // Every console error and failed request fails the test, but the rejected inputs' 400s.
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          problems.push(`console error on ${page.url()}: ${message.text()}`);
      });
      page.on('response', (response) => {
        const rejectedInput = response.status() === 400 && response.url().endsWith('/actions/start');
        if (response.status() >= 400 && !rejectedInput)
          problems.push(`${response.status()} for ${response.request().method()} ${response.url()}`);
        const csp = response.headers()['content-security-policy'] ?? '';
        if (
          response.request().resourceType() === 'document' &&
          (!csp.includes("script-src 'self'") || csp.includes('unsafe-inline'))
        )
          problems.push(`no strict CSP on ${response.url()}: ${csp}`);
      });
      page.on('pageerror', (error) => problems.push(`uncaught on ${page.url()}: ${error.message}`));
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      sfn?.destroy();
      dynamodb?.destroy();
    });

    it('lists the state machines and shows one: type, revision, graph, recent executions', async () => {
      await open('/state-machines');
      await page.getByRole('heading', { level: 1, name: 'State machines' }).waitFor();
      const machinesTable = page.getByRole('table', { name: 'State machines' });
      await expect(
        machinesTable.getByRole('link', { name: 'wf-signup-approval', exact: true }).count(),
      ).resolves.toBe(1);
      await check('state-machines');

      await machinesTable.getByRole('link', { name: DEMO, exact: true }).click();
      await page.getByRole('heading', { level: 1, name: DEMO }).waitFor();
      const facts = page.locator('dl.facts');
      await expect(facts.textContent()).resolves.toContain('STANDARD');
      await expect(facts.locator('dt', { hasText: 'Revision' }).count()).resolves.toBe(1);
      const graph = page.locator('figure.graph svg');
      for (const state of ['Setup', 'ShouldHold', 'Hold', 'Work', 'Items', 'NeedsLookup', 'Fetch', 'Probe'])
        await expect(graph.locator(`[data-path$="${state}"]`).count(), state).resolves.toBeGreaterThan(0);
      const recent = page.getByRole('table', { name: 'Recent executions' });
      await expect(recent.getByRole('row', { name: /demo-failing/ }).textContent()).resolves.toContain(
        'FAILED',
      );
      await check('state-machine');
    });

    it('filters executions by status, name prefix and time, pages 25 at a time, and keeps the filter on refresh', async () => {
      await open('/executions');
      await page.getByLabel('State machine').selectOption({ label: CHEAP });
      await page.getByLabel('Per page').selectOption('25');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/size=25/);
      const rows = page.getByRole('table', { name: 'Executions' }).locator('tbody tr');
      await expect(rows.count()).resolves.toBe(25);
      await check('executions');
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.getByRole('link', { name: 'First page' }).waitFor();
      await expect(rows.count()).resolves.toBe(6);
      await page.getByText('Last page').waitFor();

      await page.getByLabel('Name starts with').fill('page-1');
      await page.getByLabel('Status').selectOption('SUCCEEDED');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/prefix=page-1/);
      await expect(rows.count()).resolves.toBe(10);
      await navigating(() => page.getByRole('link', { name: 'Refresh' }).click());
      const url = new URL(page.url());
      expect(url.searchParams.get('prefix')).toBe('page-1');
      expect(url.searchParams.get('status')).toBe('SUCCEEDED');
      expect(url.searchParams.get('machine')).toBe(machines[CHEAP]);
      await expect(page.getByLabel('Name starts with').inputValue()).resolves.toBe('page-1');
      await expect(rows.count()).resolves.toBe(10);

      // A window in the future matches nothing; one around now matches them all again.
      const future = new Date(Date.now() + 3_600_000).toISOString().slice(0, 16);
      await page.getByLabel('Started from (UTC)').fill(future);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.getByText('Executions: no execution matches.').waitFor();
      const past = new Date(Date.now() - 3_600_000).toISOString().slice(0, 16);
      await page.getByLabel('Started from (UTC)').fill(past);
      await page.getByLabel('Started before (UTC)').fill(future);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/to=/);
      await expect(rows.count()).resolves.toBe(10);
    });

    it('finds the failed execution from the list, its failing iteration selected, its error and cause read', async () => {
      await open('/executions');
      await page.getByLabel('Status').selectOption('FAILED');
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(/status=FAILED/);
      await page.getByRole('link', { name: 'demo-failing' }).click();
      await page.getByRole('heading', { level: 1, name: /demo-failing/ }).waitFor();
      await expect(page.getByRole('alert').first().textContent()).resolves.toContain(
        'DynamoDb.ResourceNotFoundException',
      );

      // The failing state is selected: the panel shows it (after its retry), the graph marks it.
      const panel = page.locator('section.panel', { has: page.locator('#state-heading') });
      await expect(panel.locator('h2').textContent()).resolves.toMatch(/^Fetch Task/);
      const failure = panel.getByRole('alert');
      await expect(failure.textContent()).resolves.toContain('DynamoDb.ResourceNotFoundException');
      await expect(failure.textContent()).resolves.toContain('Requested resource not found');
      await expect(panel.textContent()).resolves.toContain('iteration 1 of Items');
      await expect(page.getByRole('table', { name: 'Attempts' }).locator('tbody tr').count()).resolves.toBe(
        2,
      );
      const selected = page.locator('figure.graph [aria-current="true"]');
      await expect(selected.getAttribute('data-path')).resolves.toBe(
        encodeURIComponent('Work/0/Items/Fetch'),
      );
      // Its Arguments as evaluated, read from the history.
      const fetchFields = page.getByRole('table', { name: 'Expression fields of Fetch' });
      await expect(fetchFields.textContent()).resolves.toContain('item-2');
      await expect(fetchFields.textContent()).resolves.toContain('history');
      // What it cost: its transitions, priced.
      const cost = await page.getByRole('group', { name: 'Cost' }).textContent();
      expect(cost).toMatch(/\d+state transitions/);
      expect(cost).toMatch(/\$0\.\d{6}/);
      await check('execution-failed');

      // The Choice that sent it there (in the same iteration): its Condition true, by TestState.
      await navigating(() =>
        page.locator('figure.graph a[data-path="Work%2F0%2FItems%2FNeedsLookup"]').click(),
      );
      await expect(panel.locator('h2').textContent()).resolves.toMatch(/^NeedsLookup Choice/);
      const expressions = page.getByRole('table', { name: 'Expression fields of NeedsLookup' });
      const condition = expressions.locator('tbody tr').first().locator('td');
      await expect(condition.nth(0).textContent()).resolves.toBe('Choices[0].Condition');
      await expect(condition.nth(2).textContent()).resolves.toBe('true');
      await expect(condition.nth(3).textContent()).resolves.toBe('TestState (mocked)');

      // The Map: its iterations, one opened.
      await navigating(() => page.locator('figure.graph a[data-path="Work%2F0%2FItems"]').click());
      await expect(panel.locator('h2').textContent()).resolves.toMatch(/^Items Map/);
      const iterations = page.getByRole('table', { name: 'Iterations' });
      await expect(iterations.locator('tbody tr').count()).resolves.toBe(3);
      await expect(iterations.getByRole('row', { name: /Iteration 1/ }).textContent()).resolves.toMatch(
        /failed/i,
      );
      await navigating(() => iterations.getByRole('link', { name: 'Iteration 2' }).click());
      await page.waitForURL(/scope=/);
      await expect(page.locator('p.notice').first().textContent()).resolves.toContain('iteration 2 of Items');
      await expect(panel.textContent()).resolves.toContain('iteration 2 of Items');
      // In iteration 2 the lookup never ran: Fetch has no mark, Fine succeeded.
      await expect(
        page.locator('figure.graph [data-path="Work%2F0%2FItems%2FFetch"]').getAttribute('aria-label'),
      ).resolves.toBe('Fetch, Task');
      await expect(
        page.locator('figure.graph [data-path="Work%2F0%2FItems%2FFine"]').getAttribute('aria-label'),
      ).resolves.toMatch(/Succeeded/i);
      await shot('execution-iteration');

      // Back to every iteration; the Parallel's second branch opened: its probe retried, then caught.
      await navigating(() => page.getByRole('link', { name: 'Show every iteration' }).click());
      await page.waitForURL((url) => url.searchParams.has('scope') && !url.searchParams.get('scope'));
      await navigating(() => page.locator('figure.graph a[data-path="Work"]').click());
      await expect(panel.locator('h2').textContent()).resolves.toMatch(/^Work Parallel/);
      const branches = page.getByRole('table', { name: 'Branches' });
      await expect(branches.locator('tbody tr').count()).resolves.toBe(2);
      // Branches count from 1, as the graph draws them: the second is Branch 2 (index 1).
      await navigating(() => branches.getByRole('link', { name: 'Branch 2' }).click());
      await expect(page.locator('p.notice').first().textContent()).resolves.toContain('branch 2 of Work');
      await expect(panel.locator('h2').textContent()).resolves.toMatch(/^Probe Task/);
      await expect(page.getByRole('table', { name: 'Attempts' }).locator('tbody tr').count()).resolves.toBe(
        2,
      );
      await expect(panel.textContent()).resolves.toContain('DynamoDb.ResourceNotFoundException');
      await expect(page.getByRole('table', { name: 'Expression fields of Probe' }).count()).resolves.toBe(0);
      await navigating(() => page.locator('figure.graph a[data-path="Setup"]').click());
      await expect(panel.locator('h2').textContent()).resolves.toMatch(/^Setup Pass/);
      const setupFields = page.getByRole('table', { name: 'Expression fields of Setup' });
      await expect(setupFields.textContent()).resolves.toContain(TABLE);
      await expect(panel.getByLabel('Variables after').textContent()).resolves.toContain('run of 3');
    });

    it('keyboard: Tab reaches the skip link, the navigation and a state in the graph; Enter selects it', async () => {
      await open(`/execution?arn=${encodeURIComponent(failedArn)}`);
      const focused = () =>
        page.evaluate(
          `(() => { const e = document.activeElement; return [e.tagName.toLowerCase(), e.className && e.className.baseVal !== undefined ? e.className.baseVal : e.className, e.textContent.trim().slice(0, 40), e.getAttribute('data-path') || ''].join('|'); })()`,
        ) as Promise<string>;
      await page.keyboard.press('Tab');
      await expect(focused()).resolves.toBe('a|skip|Skip to content|');
      const seen: string[] = [];
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const now = await focused();
        seen.push(now);
        if (now.split('|')[3] === 'Setup') break;
      }
      expect(seen).toContain('a||Executions|');
      expect(seen.at(-1)?.split('|')[3]).toBe('Setup');
      await page.keyboard.press('Enter');
      await page.waitForURL(/state=/);
      await expect(
        page.locator('figure.graph [aria-current="true"]').getAttribute('data-path'),
      ).resolves.toBe('Setup');
    });

    it('timeline: each state run a bar on one time axis, retries ticked, a bar selects its run', async () => {
      // The page opens on the failing iteration: its timeline has that iteration's runs.
      await open(`/execution?arn=${encodeURIComponent(failedArn)}`);
      await navigating(() => page.getByRole('link', { name: 'Timeline' }).click());
      await expect(page.locator('figure.timeline a').count()).resolves.toBeGreaterThan(0);
      // The top level: every state the execution entered there.
      await open(`/execution?arn=${encodeURIComponent(failedArn)}&tab=timeline&scope=`);
      await expect(page.locator('figure.timeline a').count()).resolves.toBeGreaterThanOrEqual(3);
      await expect(page.locator('figure.timeline a[aria-label^="Setup, succeeded"]').count()).resolves.toBe(
        1,
      );
      await check('execution-timeline');
      await navigating(() => page.locator('figure.timeline a[aria-label^="Setup"]').click());
      await expect(
        page.locator('figure.timeline a[aria-current="true"]').getAttribute('aria-label'),
      ).resolves.toMatch(/^Setup/);
    });

    it('event history: filtered by type, paged past 100 events, an event expanded', async () => {
      await open(`/execution?arn=${encodeURIComponent(bigArn)}&tab=events`);
      const events = page.getByRole('table', { name: 'Event history' }).locator('tbody tr');
      await expect(events.count()).resolves.toBe(100);
      await page
        .getByRole('navigation', { name: 'Event pages', exact: true })
        .getByText(/Page 1 of 2/)
        .waitFor();
      await check('execution-events');
      await page
        .getByRole('navigation', { name: 'Event pages', exact: true })
        .getByRole('link', { name: 'Next events' })
        .click();
      await page.waitForURL(/events=2/);
      await expect(events.count()).resolves.toBeGreaterThan(0);
      await expect(events.first().locator('td').first().textContent()).resolves.toBe('101');

      await page.getByLabel('Event type').selectOption('MapIterationSucceeded');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/type=MapIterationSucceeded/);
      await expect(events.count()).resolves.toBe(40);
      const first = events.first();
      await expect(first.locator('td').nth(1).textContent()).resolves.toBe('MapIterationSucceeded');
      await first.getByText('JSON').click();
      const json = first.locator('pre.json');
      await json.waitFor({ state: 'visible' });
      await expect(json.textContent()).resolves.toContain('mapIterationSucceededEventDetails');
    });

    it('start: a rejected input stays in the editor with its errors; a valid one starts and lands on the execution', async () => {
      await open(
        `/state-machine?arn=${encodeURIComponent(app.deployment.stateMachines['signup-approval'] ?? '')}`,
      );
      const editor = page.getByLabel(/^Input \(JSON/);
      await editor.fill('{"userName": ');
      await page.getByRole('button', { name: 'Check and start…' }).click();
      await page.locator('#start-problems').waitFor();
      await expect(page.locator('#start-problems').textContent()).resolves.toContain('not JSON');
      await expect(editor.inputValue()).resolves.toBe('{"userName": ');
      await editor.fill('{}');
      await navigating(() => page.getByRole('button', { name: 'Check and start…' }).click());
      await page.locator('#start-problems').waitFor();
      const listed = await page.locator('#start-problems li').allTextContents();
      expect(listed.some((p) => p.startsWith('userName'))).toBe(true);
      expect(listed.some((p) => p.startsWith('email'))).toBe(true);
      await expect(editor.inputValue()).resolves.toBe('{}');
      await expect(editor.getAttribute('aria-invalid')).resolves.toBe('true');
      await check('start-rejected');

      await open(`/state-machine?arn=${encodeURIComponent(machines[CHEAP] ?? '')}`);
      await page.getByLabel(/^Execution name/).fill('started-from-console');
      await editor.fill('{"n": 2}');
      await page.getByRole('button', { name: 'Check and start…' }).click();
      await page.getByRole('heading', { level: 1, name: `Start ${CHEAP}?` }).waitFor();
      await check('start-confirmation');
      await page.getByRole('button', { name: 'Start execution' }).click();
      await page.getByRole('heading', { level: 1, name: /started-from-console/ }).waitFor();
      await expect(page.getByRole('status').first().textContent()).resolves.toBe('Execution started.');
    });

    it('stops a running execution and redrives the failed one to success', async () => {
      const running = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: machines[DEMO],
          name: 'demo-holding',
          input: JSON.stringify({ items: [1], table: TABLE, hold: 300 }),
        }),
      );
      await open(`/execution?arn=${encodeURIComponent(running.executionArn ?? '')}`);
      await page.getByRole('button', { name: 'Stop…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Stop demo-holding?' }).waitFor();
      await shot('stop-confirmation');
      await page.getByRole('button', { name: 'Stop execution' }).click();
      await page.getByText('StopExecution accepted: the execution is stopped.').waitFor();
      await expect(page.locator('h1 .status').textContent()).resolves.toBe('ABORTED');

      // The table and its item arrive; the failed run, redriven, finds it and succeeds.
      await dynamodb.send(
        new CreateTableCommand({
          TableName: TABLE,
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
      await waitUntilTableExists(
        { client: dynamodb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 },
        { TableName: TABLE },
      );
      await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'item-2' } } }));
      await open(`/execution?arn=${encodeURIComponent(failedArn)}`);
      await page.getByRole('button', { name: 'Redrive…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Redrive demo-failing?' }).waitFor();
      await page.getByRole('button', { name: 'Redrive execution' }).click();
      await page.getByText(/RedriveExecution accepted/).waitFor();
      await expect(finished(failedArn)).resolves.toBe('SUCCEEDED');
      await page.reload();
      await expect(page.locator('h1 .status').textContent()).resolves.toBe('SUCCEEDED');
      await expect(page.locator('main > dl.facts').textContent()).resolves.toContain('1 time');
    });

    it('answers a real sign-up’s waiting tasks: success, then failure; the token masked unless revealed', async () => {
      const admin = app.demo;
      if (!admin) throw new Error('the demo admin was not seeded');
      const email = 'console.user@acme.example';
      const cognito = new CognitoIdentityProviderClient(app.cloud.sdkConfig('COGNITO_IDENTITY_PROVIDER'));
      const signedUp = await cognito.send(
        new SignUpCommand({
          ClientId: app.deployment.userPoolClientId,
          Username: email,
          Password: 'Console-passw0rd!',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'custom:company_name', Value: admin.company },
          ],
        }),
      );
      cognito.destroy();
      const arn = `${(app.deployment.stateMachines['signup-approval'] ?? '').replace(':stateMachine:', ':execution:')}:${executionName(signedUp.UserSub ?? '')}`;
      const path = `/execution?arn=${encodeURIComponent(arn)}`;

      // The address check waits: answered with success, as the verify page would.
      let token = tokenIn(await waitingIn(arn, 'AwaitVerification'));
      await open(path);
      await page.getByRole('heading', { name: 'AwaitVerification waits for a task token' }).waitFor();
      expect(await page.content()).not.toContain(token);
      await page.getByLabel('Output (JSON)').fill('{"verified": true}');
      await page.getByRole('button', { name: 'Send success…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Answer AwaitVerification with success?' }).waitFor();
      await shot('answer-confirmation');
      await page.getByRole('button', { name: 'Send task success' }).click();
      await page.getByText('The waiting task was answered.').waitFor();

      // The admin is mailed the approval link; the decision waits with its token in the table.
      token = tokenIn(await waitingIn(arn, 'AwaitDecision'));
      await open('/data/outbox');
      const mail = page.locator('article.mail', { hasText: `${email} asks to join` }).first();
      await expect(mail.getByRole('link', { name: /\/approvals\// }).count()).resolves.toBe(1);
      await expect(mail.textContent()).resolves.toContain(admin.email);
      await check('outbox');

      await open('/data/tables');
      await check('tables');
      await page.getByRole('link', { name: app.deployment.tables.approvals, exact: true }).click();
      await page
        .getByRole('heading', { level: 1, name: `Table ${app.deployment.tables.approvals}` })
        .waitFor();
      const approvals = page.getByRole('table', { name: `Items of ${app.deployment.tables.approvals}` });
      await expect(approvals.textContent()).resolves.toContain('••••••');
      expect(await page.content()).not.toContain(token);
      await check('table-items');

      await open(path);
      expect(await page.content()).not.toContain(token);
      await page.getByRole('link', { name: 'Events (' }).click();
      await page.waitForURL(/tab=events/);
      expect(await page.content()).not.toContain(token);
      await page.getByRole('link', { name: 'Reveal masked values (local only)' }).click();
      await page.waitForURL(/reveal=1/);
      expect(await page.content()).toContain(token);

      await open(path);
      await page.getByRole('heading', { name: 'AwaitDecision waits for a task token' }).waitFor();
      await page.getByLabel('Error').fill('SignUp.Denied');
      await page.getByLabel('Cause').fill('Not a member of Acme (console test).');
      await page.getByRole('button', { name: 'Send failure…' }).click();
      await page.getByRole('heading', { level: 1, name: 'Answer AwaitDecision with failure?' }).waitFor();
      await expect(page.locator('dl.facts').textContent()).resolves.toContain('Not a member of Acme');
      await page.getByRole('button', { name: 'Send task failure' }).click();
      await page.getByText('The waiting task was answered.').waitFor();
      await expect(finished(arn)).resolves.toBe('SUCCEEDED');
      await page.reload();
      await expect(page.locator('h1 .status').textContent()).resolves.toBe('SUCCEEDED');
      await page.getByText('Execution input and output').click();
      await expect(page.getByLabel('Execution output').textContent()).resolves.toContain('DENIED');
    }, 120_000);

    it('shows the PostgreSQL projection, the pipes and the schedules', async () => {
      await open('/data/projection');
      const projected = page.getByRole('table', { name: 'Tables' });
      await expect(projected.locator('tbody tr').count()).resolves.toBeGreaterThan(0);
      await check('projection');
      await projected.getByRole('link').first().click();
      await page.getByRole('heading', { level: 1, name: /^Projection table / }).waitFor();
      await shot('projection-table');
      await open('/data/pipes');
      const pipes = page.getByRole('table', { name: 'Pipes' });
      await expect(pipes.locator('tbody tr').count()).resolves.toBe(app.deployment.pipes.length);
      const firstPipe = (await pipes.locator('tbody tr').first().textContent()) ?? '';
      expect(firstPipe).toMatch(/\d+ messages? waiting, \d+ in flight/);
      expect(firstPipe).toMatch(/caught up|behind/);
      expect(firstPipe).toContain('dead-lettered');
      await check('pipes');
      await open('/data/schedules');
      const schedules = page.getByRole('table', { name: 'Schedules' });
      await expect(schedules.locator('tbody tr').count()).resolves.toBe(app.deployment.schedules.length);
      await expect(schedules.locator('tbody time').count()).resolves.toBeGreaterThan(0);
      await check('schedules');
    });

    it('refuses a POST without the CSRF token (403) and a foreign Host (421); no page logged an error', async () => {
      const refused = await page.request.post(`${consoleUrl}/actions/stop`, {
        form: { arn: failedArn },
      });
      expect(refused.status()).toBe(403);
      expect(refused.headers()['content-security-policy']).not.toContain('unsafe-inline');
      const foreign = await new Promise<number | undefined>((resolve, reject) => {
        const asked = request(
          `${consoleUrl}/state-machines`,
          { headers: { host: 'evil.example' } },
          (answer) => {
            answer.resume();
            resolve(answer.statusCode);
          },
        );
        asked.on('error', reject);
        asked.end();
      });
      expect(foreign).toBe(421);
      expect(problems).toEqual([]);
    });
  });
}
