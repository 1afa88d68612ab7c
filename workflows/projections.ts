/**
 * PostgreSQL's projection of the metadata tables, declared once: which DynamoDB attributes become
 * which columns of which table, with what type, keyed how. The migrations (db/migrations) create
 * these tables (a test checks the migrated schema against this), stream-sync's upsert statements
 * are built from it (passed to the definition through substitutions), and the reconciliation
 * reads it too.
 *
 * Every projected row also carries `version` (the item's version attribute), `deleted_at` (a
 * tombstone: set when the item was removed), `expired` (the removal was DynamoDB's TTL),
 * `source_updated_at` and `synced_at`.
 *
 * The version contract: every writer of a projected table writes `version` (N) under a
 * condition. A new item starts at its creation time in microseconds since the epoch; every update
 * sets `version = version + 1` with `ConditionExpression: version = :read` (the value it read).
 * So versions only grow per key, a re-created item starts above the tombstone of the one removed
 * before it, and the projection keeps a row only for a higher version. Stream order across keys,
 * and `ApproximateCreationDateTime` (rounded to the second), are never used to order writes.
 */

import { WiringError } from './errors.ts';
import type { TableId } from './tables.ts';

export type ColumnType = 'text' | 'bigint' | 'numeric' | 'boolean' | 'timestamptz' | 'jsonb';

export interface ProjectedColumn {
  /** The DynamoDB attribute (top-level). */
  readonly attribute: string;
  /** The PostgreSQL column (snake_case). */
  readonly column: string;
  readonly type: ColumnType;
}

export interface Projection {
  /** The DynamoDB table of workflows/tables.ts. */
  readonly table: TableId;
  /** The PostgreSQL table. */
  readonly sqlTable: string;
  /** The key columns, in the DynamoDB key's order (partition, then sort). */
  readonly key: readonly ProjectedColumn[];
  /** The other projected attributes. */
  readonly columns: readonly ProjectedColumn[];
}

/** The attribute every projected item carries, and what a newer write has more of. */
export const VERSION_ATTRIBUTE = 'version';
/** The item's own last-change time, when it has one (ISO 8601); else the stream record's. */
export const UPDATED_AT_ATTRIBUTE = 'updatedAt';

export const PROJECTIONS = {
  connections: {
    table: 'connections',
    sqlTable: 'connections',
    key: [
      { attribute: 'userId', column: 'user_id', type: 'text' },
      { attribute: 'connectionId', column: 'connection_id', type: 'text' },
    ],
    columns: [
      { attribute: 'provider', column: 'provider', type: 'text' },
      { attribute: 'status', column: 'status', type: 'text' },
      { attribute: 'displayName', column: 'display_name', type: 'text' },
      { attribute: 'scopes', column: 'scopes', type: 'jsonb' },
      { attribute: 'createdAt', column: 'created_at', type: 'timestamptz' },
    ],
  },
  resources: {
    table: 'resources',
    sqlTable: 'resources',
    key: [
      { attribute: 'connectionId', column: 'connection_id', type: 'text' },
      { attribute: 'resourceId', column: 'resource_id', type: 'text' },
    ],
    columns: [
      { attribute: 'kind', column: 'kind', type: 'text' },
      { attribute: 'name', column: 'name', type: 'text' },
      { attribute: 'status', column: 'status', type: 'text' },
      { attribute: 'skipReason', column: 'skip_reason', type: 'text' },
      { attribute: 'attributes', column: 'attributes', type: 'jsonb' },
      { attribute: 'discoveredAt', column: 'discovered_at', type: 'timestamptz' },
    ],
  },
} as const satisfies Partial<Record<TableId, Projection>>;

export type ProjectedTableId = keyof typeof PROJECTIONS;

export const PROJECTED_TABLES = Object.keys(PROJECTIONS) as ProjectedTableId[];

/** The bookkeeping columns every projected table has, after the projected ones. */
export const ROW_COLUMNS = [
  { column: 'version', type: 'bigint' },
  { column: 'deleted_at', type: 'timestamptz' },
  { column: 'expired', type: 'boolean' },
  { column: 'source_updated_at', type: 'timestamptz' },
  { column: 'synced_at', type: 'timestamptz' },
] as const;

/**
 * An attribute's name as an SQL literal, dollar-quoted: the statements may hold no single quote
 * (they sit in a JSONata string) and no double quote (they are substituted raw into a JSON
 * string); the name's characters are checked, so nothing in it can end the quoting.
 */
function attributeLiteral(column: ProjectedColumn): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(column.attribute)) {
    throw new WiringError(
      `Projected attribute '${column.attribute}': use letters, digits, _ . - only (it is quoted in stream-sync's SQL).`,
    );
  }
  return `$$${column.attribute}$$`;
}

/** An attribute's value in the typed JSON of a stream image, as the column's type (0002_dynamodb_values.sql). */
function columnValue(column: ProjectedColumn): string {
  const value = `r.image -> ${attributeLiteral(column)}`;
  if (column.type === 'jsonb') return `ddb_json(${value})`;
  if (column.type === 'text') return `ddb_text(${value})`;
  return `CAST(ddb_text(${value}) AS ${column.type})`;
}

/**
 * The one statement stream-sync runs per table and batch: `:rows` is a JSON array of
 * `{image, __version, __deleted, __expired, __updated_at}`, each `image` a stream record's image
 * in DynamoDB's typed JSON. The database maps the images to columns (ddb_json/ddb_text), keeps
 * one row per key (the highest version: DISTINCT ON), and upserts them set-wise, only over an
 * older version. A removal is a tombstone (`deleted_at` set) with a version one above the removed
 * item's; a re-created item, with a version above the tombstone, is a live row again. The same
 * version with other content overwrites the row: under the version contract that row was changed
 * in PostgreSQL behind the sync's back, and the reconciliation repairs it with this statement.
 * A duplicate (same version, same content) changes nothing. A value
 * that does not fit its column fails the statement (and the pipe retries the batch narrower).
 * No quotes of either kind: the statement reaches the definition through a CloudFormation
 * substitution (raw text inside a JSON string) into a JSONata string literal.
 */
export function upsertStatement(projection: Projection): string {
  const projected = [...projection.key, ...projection.columns];
  const record =
    'image jsonb, __version bigint, __deleted boolean, __expired boolean, __updated_at timestamptz';
  const columns = [...projected.map((c) => c.column), ...ROW_COLUMNS.map((c) => c.column)];
  const mapped = [
    ...projected.map((c) => `${columnValue(c)} AS ${c.column}`),
    'r.__version + CASE WHEN r.__deleted THEN 1 ELSE 0 END AS version',
    'CASE WHEN r.__deleted THEN now() END AS deleted_at',
    'coalesce(r.__expired, false) AS expired',
    'r.__updated_at AS source_updated_at',
    'now() AS synced_at',
  ];
  const keys = projection.key.map((c) => c.column);
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  const table = projection.sqlTable;
  // What a row says of its item: the same version with anything else different means the row
  // was changed behind the sync's back (the item, at that version, is the truth).
  const content = (side: string) =>
    `(${[...projection.columns.map((c) => `${side}.${c.column}`), `${side}.expired`, `${side}.deleted_at IS NULL`].join(', ')})`;
  return [
    `INSERT INTO ${table} (${columns.join(', ')})`,
    `SELECT ${columns.join(', ')} FROM (`,
    `SELECT DISTINCT ON (${keys.join(', ')}) ${mapped.join(', ')}`,
    `FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(${record})`,
    `ORDER BY ${keys.join(', ')}, version DESC) AS latest`,
    `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
    `WHERE ${table}.version < EXCLUDED.version OR (${table}.version = EXCLUDED.version AND ${content(table)} IS DISTINCT FROM ${content('EXCLUDED')})`,
  ].join(' ');
}

/**
 * The key attributes as stream-sync's definition reads them, from a substitution: the partition
 * key's attribute, then the sort key's, comma-separated. A record whose image lacks one (as S or
 * N) cannot be projected and is answered as a failure.
 */
export function keyAttributes(projection: Projection): string {
  return projection.key.map((c) => c.attribute).join(',');
}

/*
 * The nightly reconciliation's statements (db/migrations/0003_reconciliation.sql). Both sides are
 * summarised by the same SQL: an item's image is mapped to the row it should be (the columns
 * stream-sync's upsert writes, typed alike) and digested exactly as a stored row is, so equal
 * content gives equal digests whatever the text form of the values. Per bucket (the first byte
 * of the md5 of the key) a count and a sum of digests; only the buckets that differ are read key
 * by key. Like the upsert, these reach definitions as substitutions: no quotes of either kind.
 */

/** The key as one text, the key columns joined by `|`. */
const keyText = (values: readonly string[]) => `concat_ws($$|$$, ${values.join(', ')})`;
/** 0–255: the first byte of the md5 of the key text. */
const bucketOf = (key: string) => `get_byte(decode(md5(${key}), $$hex$$), 0)`;
/** 60 bits of the md5 of the row's text (projected columns, then version), as a bigint. */
const digestOf = (values: readonly string[]) =>
  `CAST(CAST($$x$$ || substr(md5(CAST(ROW(${values.join(', ')}) AS text)), 1, 15) AS bit(60)) AS bigint)`;

/** A stored row's projected values (key, columns, version), from table alias `t`. */
function storedValues(projection: Projection): string[] {
  return [...projection.key, ...projection.columns].map((c) => `t.${c.column}`).concat('t.version');
}

/**
 * Stages a page of scanned items (`:items`, a JSON array of images as Scan returns them) for run
 * `:run`: each item's key, bucket, digest, typed key, and whether it changed after `:watermark`
 * (its `updatedAt`). A page staged twice (a retried task) overwrites itself.
 */
export function stageStatement(projection: Projection): string {
  const projected = [...projection.key, ...projection.columns];
  const mapped = projected.map((c) => `${columnValue(c)} AS ${c.column}`);
  const itemKey = projection.key.map((c) => `${attributeLiteral(c)}, r.image -> ${attributeLiteral(c)}`);
  return [
    'INSERT INTO reconciliation_items (run_id, table_name, key, bucket, digest, in_flight, item_key)',
    `SELECT :run, $$${projection.sqlTable}$$, m.key, ${bucketOf('m.key')},`,
    `${digestOf([...projected.map((c) => `m.${c.column}`), 'm.version'])}, m.in_flight, m.item_key FROM (`,
    `SELECT ${keyText(projection.key.map((c) => columnValue(c)))} AS key, ${mapped.join(', ')},`,
    `CAST(ddb_text(r.image -> $$${VERSION_ATTRIBUTE}$$) AS bigint) AS version,`,
    `coalesce(CAST(ddb_text(r.image -> $$${UPDATED_AT_ATTRIBUTE}$$) AS timestamptz) > CAST(:watermark AS timestamptz), false) AS in_flight,`,
    `jsonb_build_object(${itemKey.join(', ')}) AS item_key`,
    'FROM jsonb_array_elements(CAST(:items AS jsonb)) AS r(image)) AS m',
    'ON CONFLICT (run_id, table_name, key) DO UPDATE SET bucket = EXCLUDED.bucket, digest = EXCLUDED.digest,',
    'in_flight = EXCLUDED.in_flight, item_key = EXCLUDED.item_key',
  ].join(' ');
}

/** Per bucket, the staged items' and the live rows' counts, digest sums and whether in flight. */
function bucketsQuery(projection: Projection): string {
  const table = projection.sqlTable;
  const key = keyText(projection.key.map((c) => `t.${c.column}`));
  return [
    'WITH d AS (SELECT bucket, count(*) AS n, sum(digest) AS s, bool_or(in_flight) AS f',
    `FROM reconciliation_items WHERE run_id = :run AND table_name = $$${table}$$ GROUP BY bucket),`,
    `p AS (SELECT ${bucketOf(key)} AS bucket, count(*) AS n, sum(${digestOf(storedValues(projection))}) AS s,`,
    'bool_or(coalesce(t.source_updated_at > CAST(:watermark AS timestamptz), false)) AS f',
    `FROM ${table} AS t WHERE t.deleted_at IS NULL GROUP BY 1),`,
    'b AS (SELECT coalesce(d.bucket, p.bucket) AS bucket, coalesce(d.f, false) OR coalesce(p.f, false) AS in_flight,',
    '(coalesce(d.n, 0), coalesce(d.s, 0)) IS DISTINCT FROM (coalesce(p.n, 0), coalesce(p.s, 0)) AS differs',
    'FROM d FULL JOIN p ON d.bucket = p.bucket)',
  ].join(' ');
}

/**
 * After every page is staged: one row, `compared` (buckets judged), `in_flight` (buckets left to
 * the next run because an item or row in them changed after `:watermark`) and `mismatched` (a
 * JSON array of the judged buckets whose count or digest sum differ). Reads no row out.
 */
export function compareStatement(projection: Projection): string {
  return [
    bucketsQuery(projection),
    'SELECT count(*) FILTER (WHERE NOT in_flight) AS compared, count(*) FILTER (WHERE in_flight) AS in_flight,',
    'coalesce(jsonb_agg(bucket ORDER BY bucket) FILTER (WHERE differs AND NOT in_flight), CAST($$[]$$ AS jsonb)) AS mismatched',
    'FROM b',
  ].join(' ');
}

/**
 * The keys that differ in the buckets `:buckets` (a JSON array): `drift` is `missing` (an item
 * without its row), `differs` (both, with other content) or `orphan` (a live row without its
 * item). `item_key` is the typed key to read the item again; for an orphan, `tombstone` is the
 * row for the upsert that marks it deleted, its last values kept (ddb_typed).
 */
export function driftStatement(projection: Projection): string {
  const table = projection.sqlTable;
  const key = keyText(projection.key.map((c) => `t.${c.column}`));
  const image = [...projection.key, ...projection.columns]
    .map((c) => `${attributeLiteral(c)}, ddb_typed(to_jsonb(t.${c.column}))`)
    .concat(`$$${VERSION_ATTRIBUTE}$$, jsonb_build_object($$N$$, CAST(t.version AS text))`);
  const itemKey = projection.key.map((c) => `${attributeLiteral(c)}, ddb_typed(to_jsonb(t.${c.column}))`);
  const inBuckets = 'IN (SELECT CAST(value AS int) FROM jsonb_array_elements_text(CAST(:buckets AS jsonb)))';
  return [
    'WITH d AS (SELECT key, digest, in_flight, item_key FROM reconciliation_items',
    `WHERE run_id = :run AND table_name = $$${table}$$ AND bucket ${inBuckets}),`,
    `p AS (SELECT ${key} AS key, ${digestOf(storedValues(projection))} AS digest,`,
    'coalesce(t.source_updated_at > CAST(:watermark AS timestamptz), false) AS in_flight,',
    `jsonb_build_object(${itemKey.join(', ')}) AS item_key,`,
    `jsonb_build_object($$image$$, jsonb_strip_nulls(jsonb_build_object(${image.join(', ')})),`,
    '$$__version$$, t.version, $$__deleted$$, true, $$__expired$$, false, $$__updated_at$$, now()) AS tombstone',
    // The fence (OFFSET 0) keeps the digest and the tombstone to the rows of those buckets.
    `FROM (SELECT * FROM ${table} AS t WHERE t.deleted_at IS NULL AND ${bucketOf(key)} ${inBuckets} OFFSET 0) AS t)`,
    'SELECT coalesce(d.key, p.key) AS key,',
    'CASE WHEN p.key IS NULL THEN $$missing$$ WHEN d.key IS NULL THEN $$orphan$$ ELSE $$differs$$ END AS drift,',
    'coalesce(d.item_key, p.item_key) AS item_key, CASE WHEN d.key IS NULL THEN p.tombstone END AS tombstone',
    'FROM d FULL JOIN p ON d.key = p.key',
    'WHERE d.digest IS DISTINCT FROM p.digest AND NOT coalesce(d.in_flight, false) AND NOT coalesce(p.in_flight, false)',
    'ORDER BY 1',
  ].join(' ');
}
