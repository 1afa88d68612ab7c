/**
 * The console's data views against the whole local app (started once): hostile content escaped,
 * task tokens masked, paging links that lead somewhere, the nightly schedule's next firings in
 * its time zone, a dead-letter queue's depth, and the local outbox.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribePipeCommand, PipesClient } from '@aws-sdk/client-pipes';
import { ExecuteStatementCommand, RDSDataClient } from '@aws-sdk/client-rds-data';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApp, startLocalApp } from '../../../local/app.ts';
import type { ConsoleContext, ConsoleHandler, ConsoleResponse } from '../../../local/console/context.ts';
import { MASK_PREFIX } from '../../../local/console/mask.ts';
import { DATA_ROUTES } from '../../../local/console/pages/data-routes.ts';

const START = 120_000;

let dir: string;
let app: LocalApp;
let ctx: ConsoleContext;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-data-'));
  app = await startLocalApp({ dataDir: dir });
  const config = (id: string) => app.cloud.sdkConfig(id);
  ctx = {
    mode: 'local',
    region: config('SFN').region,
    prefix: 'wf-',
    csrf: 'data-views-test',
    clients: {
      sfn: new SFNClient(config('SFN')),
      dynamodb: new DynamoDBClient(config('DYNAMODB')),
      sqs: new SQSClient(config('SQS')),
      pipes: new PipesClient(config('PIPES')),
      scheduler: new SchedulerClient(config('SCHEDULER')),
      rdsData: new RDSDataClient(config('RDS_DATA')),
    },
    database: {
      resourceArn: app.deployment.resolve({ kind: 'database-cluster-arn' }),
      secretArn: app.deployment.resolve({ kind: 'database-secret-arn' }),
      database: app.deployment.resolve({ kind: 'database-name' }),
    },
    sesEndpoint: app.cloud.services.find((s) => s.id === 'SESV2')?.endpoint ?? '',
  };
}, START);

afterAll(async () => {
  for (const client of Object.values(ctx?.clients ?? {})) client.destroy();
  await app?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Calls the handler DATA_ROUTES mounts at the URL's path, as the console's server would. */
async function get(path: string, c: ConsoleContext = ctx): Promise<string> {
  const url = new URL(path, 'http://console.test');
  const route = DATA_ROUTES.find((r) => r.path.test(url.pathname));
  if (!route) throw new Error(`no data route for ${url.pathname}`);
  const response: ConsoleResponse = await (route.handler as ConsoleHandler)(c, {
    method: 'GET',
    url,
    form: new URLSearchParams(),
  });
  if (response.kind !== 'page') throw new Error(`expected a page, got ${response.kind}`);
  expect(response.section).toBe(`/${url.pathname.split('/').slice(1, 3).join('/')}`);
  return response.main;
}

/** The href of the link whose text is `label`, unescaped. */
function link(html: string, label: string): string | undefined {
  const match = new RegExp(`<a href="([^"]*)"[^>]*>${label}</a>`).exec(html);
  return match?.[1]?.replaceAll('&amp;', '&');
}

describe('the tables views', () => {
  const token = `AAAA${'x'.repeat(200)}`;

  it('lists the prefixed tables with item counts, key schema and streams', async () => {
    const html = await get('/data/tables');
    expect(html).toContain(app.deployment.tables.approvals);
    expect(html).toContain('<bdi>approvalId</bdi> (partition, S)');
    expect(html).toContain(`on (NEW_AND_OLD_IMAGES)<br><code><bdi>arn:aws:dynamodb:`);
    expect(html).toContain('<caption>Tables</caption>');
  });

  it('escapes hostile items, masks task tokens, and pages with LastEvaluatedKey', async () => {
    const table = app.deployment.tables.approvals;
    await ctx.clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          approvalId: { S: 'hostile' },
          note: { S: '<script>alert(1)</script>\u202Egnp.exe' },
          taskToken: { S: token },
          nested: { M: { refreshToken: { S: 'rt-secret-value' }, n: { N: '42' } } },
        },
      }),
    );
    for (let batch = 0; batch < 3; batch++) {
      await ctx.clients.dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [table]: Array.from({ length: 20 }, (_, i) => ({
              PutRequest: { Item: { approvalId: { S: `paging-${batch}-${i}` }, status: { S: 'PENDING' } } },
            })),
          },
        }),
      );
    }
    const seen = new Set<string>();
    let path: string | undefined = `/data/tables/${table}`;
    let pages = 0;
    let all = '';
    while (path !== undefined) {
      const html = await get(path);
      all += html;
      for (const id of html.matchAll(/&quot;approvalId&quot;: &quot;([^&]+)&quot;/g)) seen.add(id[1] ?? '');
      path = link(html, 'Next page');
      pages += 1;
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(seen.has('hostile')).toBe(true);
    expect([...seen].filter((id) => id.startsWith('paging-'))).toHaveLength(60);
    expect(all).not.toContain('<script>');
    expect(all).toContain('&lt;script&gt;');
    expect(all).not.toContain('\u202E');
    expect(all).not.toContain(token);
    expect(all).not.toContain('rt-secret-value');
    expect(all).toContain(MASK_PREFIX);
  });

  it('refuses a table outside the prefix and a forged page position', async () => {
    await expect(get('/data/tables/other-table')).rejects.toMatchObject({ status: 404 });
    await expect(get(`/data/tables/${app.deployment.tables.approvals}?after=%%%`)).rejects.toMatchObject({
      status: 400,
    });
  });
});

describe('the projection views', () => {
  it('lists the projection tables with row counts, and pages rows newest first with tombstones marked', async () => {
    const db = ctx.database ?? { resourceArn: '', secretArn: '', database: '' };
    await ctx.clients.rdsData.send(
      new ExecuteStatementCommand({
        ...db,
        sql: `INSERT INTO connections (user_id, connection_id, provider, status, display_name, version, deleted_at, synced_at, source_updated_at)
              SELECT 'u-console', 'c-' || g, 'p', 'ACTIVE', '<img src=x onerror=alert(1)>', g,
                     CASE WHEN g = 55 THEN now() END, now(), now() - make_interval(secs => 100 - g)
              FROM generate_series(1, 55) AS g`,
      }),
    );
    const list = await get('/data/projection');
    expect(list).toContain('/data/projection/connections');
    expect(list).toContain('/data/projection/reconciliation_runs');
    expect(list).toMatch(/connections<\/bdi><\/a><\/td><td>55</);

    const first = await get('/data/projection/connections');
    expect(first).toContain('<th scope="col">version</th><th scope="col">deleted_at</th>');
    expect(first).toContain('status-deleted');
    expect(first).not.toContain('<img');
    // Newest first: c-55 (the tombstone) leads.
    expect(first.indexOf('c-55')).toBeLessThan(first.indexOf('c-54'));
    const older = link(first, 'Older');
    expect(older).toBe('/data/projection/connections?offset=50');
    const second = await get(older ?? '');
    expect(second).toContain('Rows 51–55');
    expect(link(second, 'Older')).toBeUndefined();
    expect(link(second, 'Newer')).toBe('/data/projection/connections');
  });

  it('says so in the page while the database is unavailable', async () => {
    await app.cloud.database.stop();
    try {
      const html = await get('/data/projection');
      expect(html).toContain('role="alert"');
      expect(html).toContain('The database is unavailable');
    } finally {
      await app.cloud.database.start();
    }
    expect(await get('/data/projection')).toContain('<caption>Tables</caption>');
  }, 60_000);

  it('reads table names from its allowlist only', async () => {
    await expect(get('/data/projection/pg_authid')).rejects.toMatchObject({ status: 404 });
    await expect(get('/data/projection/connections%3B%20DROP%20TABLE%20x')).rejects.toMatchObject({
      status: 404,
    });
    await expect(get('/data/projection/connections?offset=-1')).rejects.toMatchObject({ status: 400 });
  });
});

describe('the pipes view', () => {
  it('shows each pipe with its dead-letter queue depth and its lag', async () => {
    const name = app.deployment.pipes[0] ?? '';
    const pipe = await ctx.clients.pipes.send(new DescribePipeCommand({ Name: name }));
    const dlq = pipe.SourceParameters?.DynamoDBStreamParameters?.DeadLetterConfig?.Arn ?? '';
    expect(dlq).not.toBe('');
    const { QueueUrl } = await ctx.clients.sqs.send(new GetQueueUrlCommand({ QueueName: dlq.split(':')[5] }));
    await ctx.clients.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"test":true}' }));
    const html = await get('/data/pipes');
    for (const deployed of app.deployment.pipes) expect(html).toContain(deployed);
    expect(html).toContain(dlq);
    expect(html).toContain('1 message waiting');
    expect(html).toContain('last batch:');
    expect(html).toMatch(/caught up|behind/);
    expect(html).toContain(pipe.Target ?? 'no target');
  });

  it('on AWS names the CloudWatch metrics instead of a lag', async () => {
    const html = await get('/data/pipes', { ...ctx, mode: 'aws' });
    expect(html).toContain('AWS/EventBridge/Pipes');
    expect(html).not.toContain('last batch:');
  });
});

describe('the schedules view', () => {
  it('shows the next three firings of the nightly reconciliation at 02:00 in Europe/Berlin', async () => {
    const before = Date.now();
    const html = await get('/data/schedules');
    const schedule = app.deployment.schedules.find((s) => s.expression === 'cron(0 2 * * ? *)');
    expect(schedule?.timezone).toBe('Europe/Berlin');
    expect(html).toContain(schedule?.name ?? 'no schedule');
    const firings = /<ol class="firings">(.*?)<\/ol>/.exec(
      html.slice(html.indexOf(schedule?.name ?? '')),
    )?.[1];
    const instants = [...(firings ?? '').matchAll(/datetime="([^"]+)"/g)].map((m) => Date.parse(m[1] ?? ''));
    expect(instants).toHaveLength(3);
    const berlin = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Berlin',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (const instant of instants) expect(berlin.format(instant)).toBe('02:00');
    expect(instants[0]).toBeGreaterThan(before);
    expect((instants[0] ?? 0) - before).toBeLessThanOrEqual(25 * 3_600_000);
    // Consecutive nights: 23 to 25 hours apart (a daylight-saving change makes one 23 or 25).
    for (let i = 1; i < 3; i++) {
      const gap = (instants[i] ?? 0) - (instants[i - 1] ?? 0);
      expect(gap).toBeGreaterThanOrEqual(23 * 3_600_000);
      expect(gap).toBeLessThanOrEqual(25 * 3_600_000);
    }
    expect(html).toContain('02:00 <bdi>Europe/Berlin</bdi>');
    expect(html).toContain('up to 15 min');
  });
});

describe('the outbox view', () => {
  it('lists a mail sent through SESv2, newest first, links clickable, content escaped, filtered by recipient', async () => {
    const ses = new SESv2Client(app.cloud.sdkConfig('SESV2'));
    try {
      for (const [to, subject] of [
        ['first@example.com', 'First <b>mail</b>'],
        ['second@example.com', 'Second mail'],
      ] as const)
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'no-reply@example.com',
            Destination: { ToAddresses: [to] },
            Content: {
              Simple: {
                Subject: { Data: subject },
                Body: { Text: { Data: `Open https://example.com/approve?id=1&x=2.\n<script>x()</script>` } },
              },
            },
          }),
        );
    } finally {
      ses.destroy();
    }
    const html = await get('/data/outbox');
    expect(html.indexOf('Second mail')).toBeLessThan(html.indexOf('First &lt;b&gt;mail&lt;/b&gt;'));
    expect(html).toContain(
      '<a href="https://example.com/approve?id=1&amp;x=2" rel="noreferrer noopener">https://example.com/approve?id=1&amp;x=2</a>.',
    );
    expect(html).not.toContain('<script>');
    expect(html).toContain('<label for="outbox-to">');
    const filtered = await get('/data/outbox?to=FIRST@');
    expect(filtered).toContain('first@example.com');
    expect(filtered).not.toContain('second@example.com');
  });

  it('pages by 50', async () => {
    const ses = new SESv2Client(app.cloud.sdkConfig('SESV2'));
    try {
      for (let i = 0; i < 51; i++)
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'no-reply@example.com',
            Destination: { ToAddresses: [`bulk-${i}@example.com`] },
            Content: { Simple: { Subject: { Data: `Bulk ${i}` }, Body: { Text: { Data: 'hi' } } } },
          }),
        );
    } finally {
      ses.destroy();
    }
    const first = await get('/data/outbox?to=bulk-');
    expect(first).toContain('51 emails to a matching recipient; page 1 of 2.');
    const older = link(first, 'Older');
    expect(older).toBe('/data/outbox?to=bulk-&page=2');
    const second = await get(older ?? '');
    expect(second).toContain('Bulk 0<');
    expect(second).not.toContain('Bulk 50<');
  });

  it('on AWS says the outbox is local only and what to use instead', async () => {
    const { sesEndpoint: _local, ...aws } = ctx;
    const html = await get('/data/outbox', { ...aws, mode: 'aws' });
    expect(html).toContain('exists only in the local cloud');
    expect(html).toContain('mailbox simulator');
  });
});
