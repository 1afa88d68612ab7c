/**
 * columnMetadata (includeResultMetadata) as the PostgreSQL JDBC driver behind the Data API
 * describes a result: the java.sql.Types code and PostgreSQL type name (`serial`/`bigserial`
 * for columns that default to a sequence), the base table, nullability (0 NOT NULL, 1 nullable
 * or unknown), precision and scale from the type modifier. schemaName is empty, as the driver
 * leaves it.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ColumnMetadata.html
 */
import type { FieldDef, PoolClient } from 'pg';
import type { PgType } from './types.ts';

export interface ColumnMetadata {
  name: string;
  type: number;
  typeName: string;
  label: string;
  schemaName: string;
  tableName: string;
  isAutoIncrement: boolean;
  isSigned: boolean;
  isCurrency: boolean;
  isCaseSensitive: boolean;
  nullable: number;
  precision: number;
  scale: number;
  arrayBaseColumnType: number;
}

interface ColumnRow {
  rel: number;
  num: number;
  relname: string;
  notnull: boolean;
  auto: boolean;
}

const UNBOUNDED = 2147483647;
const NUMBERS = new Set(['int2', 'int4', 'int8', 'float4', 'float8', 'numeric']);
const NOT_CASE_SENSITIVE = new Set([...NUMBERS, 'oid', 'bool', 'date', 'time', 'timestamp', 'timestamptz']);
const SERIALS: Readonly<Record<string, string>> = { int2: 'smallserial', int4: 'serial', int8: 'bigserial' };
const FIXED_PRECISION: Readonly<Record<string, number>> = {
  bool: 1,
  int2: 5,
  int4: 10,
  oid: 10,
  int8: 19,
  float4: 8,
  float8: 17,
  date: 13,
};

/** Precision and scale as the JDBC driver derives them from the type and its modifier. */
function precisionAndScale(name: string, modifier: number): [number, number] {
  const fixed = FIXED_PRECISION[name];
  if (fixed !== undefined) return [fixed, name === 'float4' || name === 'float8' ? fixed : 0];
  if (name === 'numeric') {
    return modifier === -1 ? [0, 0] : [((modifier - 4) >> 16) & 0xffff, (modifier - 4) & 0xffff];
  }
  if (name === 'bpchar' || name === 'varchar') return [modifier === -1 ? UNBOUNDED : modifier - 4, 0];
  const fraction = modifier === -1 ? 6 : modifier;
  const extra = fraction > 0 ? fraction + 1 : 0;
  if (name === 'time') return [8 + extra, fraction];
  if (name === 'timestamp') return [19 + extra, fraction];
  if (name === 'timestamptz') return [25 + extra, fraction];
  return [UNBOUNDED, 0];
}

/** Table name, NOT NULL and sequence defaults of the columns that come straight from a table. */
async function tableColumns(
  client: PoolClient,
  fields: readonly FieldDef[],
): Promise<Map<string, ColumnRow>> {
  const columns = fields.filter((field) => field.tableID !== 0);
  const found = new Map<string, ColumnRow>();
  if (columns.length === 0) return found;
  const { rows } = await client.query<ColumnRow>(
    `SELECT a.attrelid::int AS rel, a.attnum::int AS num, c.relname, a.attnotnull AS notnull,
            (a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%') AS auto
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE (a.attrelid, a.attnum) IN (SELECT * FROM unnest($1::oid[], $2::int2[]))`,
    [columns.map((field) => field.tableID), columns.map((field) => field.columnID)],
  );
  for (const row of rows) found.set(`${row.rel}:${row.num}`, row);
  return found;
}

export async function columnMetadata(
  client: PoolClient,
  fields: readonly FieldDef[],
  types: ReadonlyMap<number, PgType>,
): Promise<ColumnMetadata[]> {
  const tables = await tableColumns(client, fields);
  return fields.map((field) => {
    const type = types.get(field.dataTypeID);
    const name = type?.name ?? 'unknown';
    const column = tables.get(`${field.tableID}:${field.columnID}`);
    const auto = column?.auto === true;
    const [precision, scale] = precisionAndScale(name, field.dataTypeModifier);
    const element = type?.element === undefined ? undefined : types.get(type.element);
    return {
      name: field.name,
      type: type?.jdbc ?? 1111,
      typeName: (auto ? SERIALS[name] : undefined) ?? name,
      label: field.name,
      schemaName: '',
      tableName: column?.relname ?? '',
      isAutoIncrement: auto,
      isSigned: NUMBERS.has(name),
      isCurrency: false,
      isCaseSensitive: !NOT_CASE_SENSITIVE.has(name),
      nullable: column?.notnull === true ? 0 : 1,
      precision,
      scale,
      arrayBaseColumnType: element?.jdbc ?? 0,
    };
  });
}
