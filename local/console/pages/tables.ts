/**
 * `/data/tables`: the DynamoDB tables whose names start with the console's prefix, with their
 * item count (DescribeTable's ItemCount, which DynamoDB refreshes about every six hours), key
 * schema and stream; `/data/tables/<name>`: a table's items by Scan, 50 a page, as plain JSON
 * with secrets masked (the approvals and verifications tables hold task tokens).
 */
import {
  type AttributeValue,
  DescribeTableCommand,
  ListTablesCommand,
  ScanCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { type ConsoleContext, ConsoleError, type ConsoleHandler } from '../context.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { escapeHtml, href, jsonBlock, status, table, text } from '../html.ts';
import { maskSecrets } from '../mask.ts';
import { plainItem, plainValue } from './data/dynamodb-json.ts';
import { PAGE_SIZE, pathParam } from './data/paging.ts';

const SECTION = '/data/tables';
export const TABLE_ITEMS_PATH = /^\/data\/tables\/([^/]+)$/;
/** DynamoDB's table name rule. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

async function tableNames(ctx: ConsoleContext): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await ctx.clients.dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []).filter((n) => n.startsWith(ctx.prefix)));
    start = page.LastEvaluatedTableName;
  } while (start !== undefined);
  return names.sort();
}

function keySchema(description: TableDescription): string {
  const types = new Map(
    (description.AttributeDefinitions ?? []).map((a) => [a.AttributeName, a.AttributeType]),
  );
  return (description.KeySchema ?? [])
    .map(
      (k) =>
        `${text(k.AttributeName ?? '')} (${escapeHtml(k.KeyType === 'RANGE' ? 'sort' : 'partition')}, ${escapeHtml(types.get(k.AttributeName) ?? '?')})`,
    )
    .join('<br>');
}

function stream(description: TableDescription): string {
  const spec = description.StreamSpecification;
  if (!spec?.StreamEnabled) return 'off';
  return `on (${escapeHtml(spec.StreamViewType ?? '')})<br><code>${text(description.LatestStreamArn ?? '', 400)}</code>`;
}

export const tablesPage: ConsoleHandler = async (ctx) => {
  const names = await tableNames(ctx);
  const descriptions = await Promise.all(
    names.map(
      async (name) => (await ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table,
    ),
  );
  const rows = descriptions.flatMap((d) =>
    d?.TableName === undefined
      ? []
      : [
          [
            `<a href="${href(`${SECTION}/${encodeURIComponent(d.TableName)}`)}">${text(d.TableName)}</a>`,
            status(d.TableStatus),
            escapeHtml((d.ItemCount ?? 0).toLocaleString('en-US')),
            keySchema(d),
            stream(d),
          ],
        ],
  );
  return {
    kind: 'page',
    title: 'DynamoDB tables',
    section: SECTION,
    main: `<h1>DynamoDB tables</h1>
<p>Tables whose names start with <code>${text(ctx.prefix || '(any)')}</code>. Item counts are DescribeTable's ItemCount, which DynamoDB updates about every six hours.</p>
${table('Tables', ['Name', 'Status', 'Items', 'Key schema', 'Stream'], rows, 'none with this prefix.')}`,
  };
};

/** The key attributes' values of an item, masked like everything else shown. */
function keyCells(item: Record<string, AttributeValue>, keys: readonly string[]): string[] {
  return keys.map((name) => {
    const value = item[name];
    const shown = maskSecrets(value === undefined ? '' : plainValue(value), name);
    return text(typeof shown === 'string' ? shown : JSON.stringify(shown));
  });
}

export const tableItemsPage: ConsoleHandler = async (ctx, request) => {
  const name = pathParam(request.url, TABLE_ITEMS_PATH);
  if (!TABLE_NAME.test(name) || !name.startsWith(ctx.prefix))
    throw new ConsoleError(
      `No table ${JSON.stringify(name.slice(0, 300))} here: the console shows tables whose names start with ${JSON.stringify(ctx.prefix)}.`,
      404,
    );
  const after = request.url.searchParams.get('after');
  const start = after ? (decodeCursor(after, 'after') as Record<string, AttributeValue>) : undefined;
  const description = (await ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  const keys = (description?.KeySchema ?? []).flatMap((k) => (k.AttributeName ? [k.AttributeName] : []));
  const page = await ctx.clients.dynamodb.send(
    new ScanCommand({ TableName: name, Limit: PAGE_SIZE, ExclusiveStartKey: start }),
  );
  const items = page.Items ?? [];
  const rows = items.map((item) => [...keyCells(item, keys), jsonBlock(plainItem(item), { label: 'Item' })]);
  const path = `${SECTION}/${encodeURIComponent(name)}`;
  const nav = [
    after ? `<a href="${href(path)}">First page</a>` : '',
    page.LastEvaluatedKey
      ? `<a href="${href(path, { after: encodeCursor(page.LastEvaluatedKey) })}" rel="next">Next page</a>`
      : '',
  ].filter(Boolean);
  return {
    kind: 'page',
    title: `Table ${name}`,
    section: SECTION,
    main: `<h1>Table ${text(name)}</h1>
<p><a href="${href(SECTION)}">All tables</a> · items in Scan order, ${PAGE_SIZE} a page; secrets are masked.</p>
${table(`Items of ${name}`, [...keys, 'Item'], rows, after ? 'no more items.' : 'the table is empty.')}
${nav.length > 0 ? `<nav aria-label="Item pages">${nav.join(' ')}</nav>` : ''}`,
  };
};
