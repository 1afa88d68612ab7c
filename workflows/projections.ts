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

/** An attribute's value in the typed JSON of a stream image, as the column's type (0002_dynamodb_values.sql). */
function columnValue(column: ProjectedColumn): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(column.attribute)) {
    throw new Error(
      `Projected attribute '${column.attribute}': use letters, digits, _ . - only (it is quoted in stream-sync's SQL).`,
    );
  }
  // Dollar quoting: the statement may hold no single quote (it sits in a JSONata string) and no
  // double quote (it is substituted raw into a JSON string).
  const value = `r.image -> $$${column.attribute}$$`;
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
