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

/**
 * The one statement stream-sync runs per table and batch: every row of the batch (one per key,
 * the highest version) upserted set-wise from `:rows` (a JSON array of rows keyed by column
 * name), only over an older version. A removal is a tombstone (`deleted_at` set) with its own
 * higher version; a re-created item, with a version above the tombstone, is a live row again.
 * PostgreSQL casts each value to its column type, so a value that does not fit fails the
 * statement (and the pipe retries the batch narrower). No double quotes: the statement reaches
 * the definition through a CloudFormation substitution, which is raw text inside a JSON string.
 */
export function upsertStatement(projection: Projection): string {
  const projected = [...projection.key, ...projection.columns];
  const record = [
    ...projected.map((c) => `${c.column} ${c.type}`),
    '__version bigint',
    '__deleted boolean',
    '__expired boolean',
    '__updated_at timestamptz',
  ].join(', ');
  const columns = [...projected.map((c) => c.column), ...ROW_COLUMNS.map((c) => c.column)];
  const values = [
    ...projected.map((c) => `r.${c.column}`),
    'r.__version',
    'CASE WHEN r.__deleted THEN now() END',
    'coalesce(r.__expired, false)',
    'r.__updated_at',
    'now()',
  ];
  const keys = projection.key.map((c) => c.column);
  const updates = columns.filter((c) => !keys.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  const table = projection.sqlTable;
  return [
    `INSERT INTO ${table} (${columns.join(', ')})`,
    `SELECT ${values.join(', ')}`,
    `FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS r(${record})`,
    `ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`,
    `WHERE ${table}.version < EXCLUDED.version`,
  ].join(' ');
}

/**
 * The attribute-to-column mapping as stream-sync's definition reads it, from a substitution:
 * `attribute:column` pairs, the key's first, then `/`, then the others.
 */
export function columnMapping(projection: Projection): string {
  const pairs = (columns: readonly ProjectedColumn[]) =>
    columns.map((c) => `${c.attribute}:${c.column}`).join(',');
  return `${pairs(projection.key)}/${pairs(projection.columns)}`;
}
