/**
 * `/data/projection`: the PostgreSQL projection through the RDS Data API, SELECTs only: the
 * projected tables of workflows/projections.ts and the reconciliation's bookkeeping tables
 * (db/migrations/0003_reconciliation.sql) with their row counts; `/data/projection/<table>`: a
 * table's rows, newest first, 50 a page, every column, `version` and `deleted_at` first.
 * Table names come only from the allowlist below; the only value from the request, the offset,
 * is a bound parameter.
 */
import {
  DatabaseUnavailableException,
  ExecuteStatementCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import { PROJECTIONS } from '../../../workflows/projections.ts';
import { type ConsoleContext, type ConsoleDatabase, ConsoleError, type ConsoleHandler } from '../context.ts';
import { escapeHtml, href, jsonBlock, status, table, text } from '../html.ts';
import { maskSecrets } from '../mask.ts';
import { PAGE_SIZE, pathParam, wholeNumber } from './data/paging.ts';

const SECTION = '/data/projection';
export const PROJECTION_TABLE_PATH = /^\/data\/projection\/([^/]+)$/;

interface ViewedTable {
  readonly description: string;
  /** The ORDER BY of its rows, newest first (fixed SQL text; never from a request). */
  readonly order: string;
  /** Projected tables have `version` and `deleted_at` (tombstones). */
  readonly projected: boolean;
}

const projectedOrder = (keys: readonly { column: string }[]) =>
  `coalesce(source_updated_at, synced_at) DESC, version DESC, ${keys.map((k) => k.column).join(', ')}`;

/** The allowlist: every table this page may read, and how. */
export const VIEWED_TABLES: Readonly<Record<string, ViewedTable>> = {
  ...Object.fromEntries(
    Object.values(PROJECTIONS).map((p) => [
      p.sqlTable,
      {
        description: `The projection of the ${p.table} DynamoDB table (stream-sync, reconciliation).`,
        order: projectedOrder(p.key),
        projected: true,
      },
    ]),
  ),
  reconciliation_runs: {
    description: 'One row per reconciliation run and table: what it compared and repaired.',
    order: 'started_at DESC, table_name',
    projected: false,
  },
  sync_checkpoint: {
    description: 'Per table, the watermark of the last clean reconciliation.',
    order: 'last_reconciled_at DESC, table_name',
    projected: false,
  },
};

/** The first columns of a projected row; the rest follow in the table's order. */
const PROMINENT = ['version', 'deleted_at'];

function database(ctx: ConsoleContext): ConsoleDatabase {
  if (ctx.database === undefined)
    throw new ConsoleError('No database is configured for this console: it cannot show the projection.', 404);
  return ctx.database;
}

async function select(
  ctx: ConsoleContext,
  sql: string,
  parameters: SqlParameter[] = [],
): Promise<Record<string, unknown>[]> {
  const db = database(ctx);
  const answer = await ctx.clients.rdsData.send(
    new ExecuteStatementCommand({
      resourceArn: db.resourceArn,
      secretArn: db.secretArn,
      database: db.database,
      sql,
      parameters,
      formatRecordsAs: 'JSON',
    }),
  );
  return JSON.parse(answer.formattedRecords ?? '[]') as Record<string, unknown>[];
}

/** A database that cannot be reached is a page that says so, not an error page. */
function unreachable(error: unknown): string | undefined {
  if (error instanceof DatabaseUnavailableException)
    return 'The database is unavailable (DatabaseUnavailableException): it is stopped, restarting or resuming. Try again in a moment.';
  const name = error instanceof Error ? error.name : '';
  if (/^(TimeoutError|ECONNREFUSED|ServiceUnavailableError|InternalServerErrorException)$/.test(name))
    return `The RDS Data API cannot be reached (${name}).`;
  return undefined;
}

function unreachablePage(
  title: string,
  why: string,
): { kind: 'page'; title: string; section: string; main: string } {
  return {
    kind: 'page',
    title,
    section: SECTION,
    main: `<h1>${escapeHtml(title)}</h1>\n<p role="alert">${text(why, 400)}</p>`,
  };
}

export const projectionPage: ConsoleHandler = async (ctx) => {
  const title = 'PostgreSQL projection';
  const names = Object.keys(VIEWED_TABLES);
  let counts: Record<string, unknown>[];
  try {
    // One statement, every name from the allowlist.
    counts = await select(
      ctx,
      names.map((n) => `SELECT '${n}' AS table_name, count(*) AS row_count FROM ${n}`).join(' UNION ALL '),
    );
  } catch (error) {
    const why = unreachable(error);
    if (why === undefined) throw error;
    return unreachablePage(title, why);
  }
  const countOf = new Map(counts.map((r) => [String(r.table_name), Number(r.row_count)]));
  const rows = names.map((name) => [
    `<a href="${href(`${SECTION}/${name}`)}">${text(name)}</a>`,
    escapeHtml((countOf.get(name) ?? 0).toLocaleString('en-US')),
    escapeHtml(VIEWED_TABLES[name]?.description ?? ''),
  ]);
  return {
    kind: 'page',
    title,
    section: SECTION,
    main: `<h1>${title}</h1>
<p>Database <code>${text(database(ctx).database)}</code>, read through the RDS Data API.</p>
${table('Tables', ['Table', 'Rows', 'What'], rows)}`,
  };
};

function cell(value: unknown, column: string): string {
  const shown = maskSecrets(value, column);
  if (shown === null || shown === undefined) return '<span class="null">null</span>';
  if (typeof shown === 'object') return jsonBlock(shown, { label: column });
  return text(String(shown), 300);
}

export const projectionTablePage: ConsoleHandler = async (ctx, request) => {
  const name = pathParam(request.url, PROJECTION_TABLE_PATH);
  const viewed = Object.hasOwn(VIEWED_TABLES, name) ? VIEWED_TABLES[name] : undefined;
  if (viewed === undefined)
    throw new ConsoleError(
      `No projection table ${JSON.stringify(name.slice(0, 100))}: the tables are ${Object.keys(VIEWED_TABLES).join(', ')}.`,
      404,
    );
  const offset = wholeNumber(request.url, 'offset', 0);
  const title = `Projection table ${name}`;
  let records: Record<string, unknown>[];
  try {
    // One more than a page, to know whether there is a next one.
    records = await select(
      ctx,
      `SELECT * FROM ${name} ORDER BY ${viewed.order} LIMIT ${PAGE_SIZE + 1} OFFSET :offset`,
      [{ name: 'offset', value: { longValue: offset } }],
    );
  } catch (error) {
    const why = unreachable(error);
    if (why === undefined) throw error;
    return unreachablePage(title, why);
  }
  const more = records.length > PAGE_SIZE;
  const shown = records.slice(0, PAGE_SIZE);
  const all = [...new Set(shown.flatMap((r) => Object.keys(r)))];
  const columns = viewed.projected ? [...PROMINENT, ...all.filter((c) => !PROMINENT.includes(c))] : all;
  const rows = shown.map((record) => {
    const cells = columns.map((c) => cell(record[c], c));
    if (viewed.projected) {
      const deleted = record.deleted_at !== null && record.deleted_at !== undefined;
      cells.unshift(deleted ? status('deleted') : status('live'));
    }
    return cells;
  });
  const path = `${SECTION}/${name}`;
  const nav = [
    offset > 0
      ? `<a href="${href(path, { offset: Math.max(0, offset - PAGE_SIZE) || undefined })}" rel="prev">Newer</a>`
      : '',
    more ? `<a href="${href(path, { offset: offset + PAGE_SIZE })}" rel="next">Older</a>` : '',
  ].filter(Boolean);
  const from = shown.length === 0 ? 0 : offset + 1;
  return {
    kind: 'page',
    title,
    section: SECTION,
    main: `<h1>Projection table ${text(name)}</h1>
<p><a href="${href(SECTION)}">All projection tables</a> · ${escapeHtml(viewed.description)}</p>
<p>Rows ${from}–${offset + shown.length}, newest first${viewed.projected ? '; a row whose item was removed is a tombstone, marked “deleted”' : ''}.</p>
${table(`Rows of ${name}`, viewed.projected ? ['Row', ...columns] : columns, rows, offset > 0 ? 'no more rows.' : 'no rows yet.')}
${nav.length > 0 ? `<nav aria-label="Row pages">${nav.join(' ')}</nav>` : ''}`,
  };
};
