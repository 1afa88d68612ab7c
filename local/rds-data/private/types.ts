/**
 * PostgreSQL result types as the Data API (Aurora Serverless v2 and provisioned) returns them.
 * It supports BOOL, BYTEA, DATE, CIDR, DECIMAL/NUMERIC, ENUM, FLOAT8, INET, INT2/INT4/INT8
 * (and the serials), JSON/JSONB, REAL, TEXT/CHAR(N)/VARCHAR/NAME, TIME, TIMESTAMP, UUID and
 * VECTOR, and one-dimensional arrays of them; a result with any other type (interval, xml,
 * "char", ...) fails as a whole with UnsupportedResultException. timestamptz and oid are
 * returned too: timestamptz as a UTC wall-clock string without the offset.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api-operations.html
 * `jdbc` is the java.sql.Types code the PostgreSQL JDBC driver behind the Data API reports.
 */
import type { PoolClient } from 'pg';

/** How a value is represented in a Field. */
export type Kind = 'bool' | 'long' | 'double' | 'decimal' | 'string' | 'timestamptz' | 'blob';

export interface PgType {
  readonly oid: number;
  readonly name: string;
  readonly kind: Kind | 'array' | 'unsupported';
  readonly jdbc: number;
  /** For arrays: the element type's oid. */
  readonly element?: number;
}

const JDBC = {
  BIT: -7,
  SMALLINT: 5,
  INTEGER: 4,
  BIGINT: -5,
  REAL: 7,
  DOUBLE: 8,
  NUMERIC: 2,
  CHAR: 1,
  VARCHAR: 12,
  DATE: 91,
  TIME: 92,
  TIMESTAMP: 93,
  BINARY: -2,
  OTHER: 1111,
  ARRAY: 2003,
} as const;

/** [oid, name, kind, jdbc] of the supported built-in scalar types. */
const SCALARS: readonly (readonly [number, string, Kind, number])[] = [
  [16, 'bool', 'bool', JDBC.BIT],
  [17, 'bytea', 'blob', JDBC.BINARY],
  [19, 'name', 'string', JDBC.VARCHAR],
  [20, 'int8', 'long', JDBC.BIGINT],
  [21, 'int2', 'long', JDBC.SMALLINT],
  [23, 'int4', 'long', JDBC.INTEGER],
  [25, 'text', 'string', JDBC.VARCHAR],
  [26, 'oid', 'long', JDBC.BIGINT],
  [114, 'json', 'string', JDBC.OTHER],
  [650, 'cidr', 'string', JDBC.OTHER],
  [700, 'float4', 'double', JDBC.REAL],
  [701, 'float8', 'double', JDBC.DOUBLE],
  [869, 'inet', 'string', JDBC.OTHER],
  [1042, 'bpchar', 'string', JDBC.CHAR],
  [1043, 'varchar', 'string', JDBC.VARCHAR],
  [1082, 'date', 'string', JDBC.DATE],
  [1083, 'time', 'string', JDBC.TIME],
  [1114, 'timestamp', 'string', JDBC.TIMESTAMP],
  [1184, 'timestamptz', 'timestamptz', JDBC.TIMESTAMP],
  [1700, 'numeric', 'decimal', JDBC.NUMERIC],
  [2950, 'uuid', 'string', JDBC.OTHER],
  [3802, 'jsonb', 'string', JDBC.OTHER],
  // Not in AWS's list, but what `SELECT pg_sleep(1)` and other void functions return: ''.
  [2278, 'void', 'string', JDBC.OTHER],
];

/** [array oid, element oid] of the built-in array types over the scalars above. */
const ARRAYS: readonly (readonly [number, number])[] = [
  [1000, 16],
  [1001, 17],
  [1003, 19],
  [1016, 20],
  [1005, 21],
  [1007, 23],
  [1009, 25],
  [1028, 26],
  [199, 114],
  [651, 650],
  [1021, 700],
  [1022, 701],
  [1041, 869],
  [1014, 1042],
  [1015, 1043],
  [1182, 1082],
  [1183, 1083],
  [1115, 1114],
  [1185, 1184],
  [1231, 1700],
  [2951, 2950],
  [3807, 3802],
];

function builtins(): Map<number, PgType> {
  const types = new Map<number, PgType>();
  for (const [oid, name, kind, jdbc] of SCALARS) types.set(oid, { oid, name, kind, jdbc });
  for (const [oid, element] of ARRAYS) {
    const name = `_${types.get(element)?.name ?? 'unknown'}`;
    types.set(oid, { oid, name, kind: 'array', jdbc: JDBC.ARRAY, element });
  }
  return types;
}

interface CatalogRow {
  oid: string;
  typname: string;
  typtype: string;
  typelem: string;
  typcategory: string;
}

/**
 * The types of one database: the built-ins, plus enums, vectors and arrays of them read from
 * pg_type the first time a result has them (their oids differ per database).
 */
export class TypeCatalog {
  private readonly types = builtins();

  async resolve(client: PoolClient, oids: readonly number[]): Promise<Map<number, PgType>> {
    const missing = [...new Set(oids)].filter((oid) => !this.types.has(oid));
    if (missing.length > 0) {
      const { rows } = await client.query<CatalogRow>(
        // The elements too: an array of an enum needs the enum.
        'SELECT oid, typname, typtype, typelem, typcategory FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[]) ' +
          'OR oid IN (SELECT typelem FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[]))',
        [missing],
      );
      const found = rows.map((row) => ({ ...row, oid: Number(row.oid), element: Number(row.typelem) }));
      // Scalars first, so that an array of a new enum finds its element.
      for (const row of found.filter((r) => r.typcategory !== 'A' && !this.types.has(r.oid))) {
        const supported = row.typtype === 'e' || row.typname === 'vector';
        const kind = supported ? 'string' : 'unsupported';
        this.types.set(row.oid, { oid: row.oid, name: row.typname, kind, jdbc: JDBC.OTHER });
      }
      for (const row of found.filter((r) => r.typcategory === 'A')) {
        const element = this.types.get(row.element);
        const kind = element === undefined || element.kind === 'unsupported' ? 'unsupported' : 'array';
        this.types.set(row.oid, {
          oid: row.oid,
          name: row.typname,
          kind,
          jdbc: JDBC.ARRAY,
          element: row.element,
        });
      }
    }
    // The elements of arrays come along: values and metadata describe arrays by them.
    const result = new Map<number, PgType>();
    for (const oid of oids) {
      const type = this.types.get(oid) ?? { oid, name: `oid ${oid}`, kind: 'unsupported', jdbc: JDBC.OTHER };
      result.set(oid, type);
      const element = type.element === undefined ? undefined : this.types.get(type.element);
      if (element !== undefined) result.set(element.oid, element);
    }
    return result;
  }
}
