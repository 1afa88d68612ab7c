import { ExecuteStatementCommand } from '@aws-sdk/client-rds-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cluster, failure, type Running, sql, start, stop } from './fixture.ts';

describe('local RDS Data API: types, through the AWS SDK', () => {
  let running: Running;

  beforeAll(async () => {
    running = await start();
    await sql(running, "CREATE TYPE mood AS ENUM ('happy', 'sad')");
    await sql(
      running,
      `CREATE TABLE typed (
         id serial PRIMARY KEY, i2 smallint, i4 integer NOT NULL, i8 bigint, f4 real, f8 double precision,
         num numeric(10,3), flag boolean, txt text, vc varchar(20), ch char(3), bin bytea, d date, t time,
         ts timestamp, tstz timestamptz, js json, jb jsonb, u uuid, ints int[], texts text[], m mood)`,
    );
    await sql(
      running,
      `INSERT INTO typed (i2, i4, i8, f4, f8, num, flag, txt, vc, ch, bin, d, t, ts, tstz, js, jb, u, ints, texts, m)
       VALUES (:i2, :i4, :i8, :f4, :f8, :num, :flag, :txt, :vc, :ch, :bin, :d, :t, :ts, :tstz, :js, :jb, :u,
               ARRAY[1, 2, NULL], ARRAY['a', 'b "c"'], :m::mood)`,
      [
        { name: 'i2', value: { longValue: 7 } },
        { name: 'i4', value: { longValue: 2147483647 } },
        { name: 'i8', value: { longValue: 9007199254740991 } },
        { name: 'f4', value: { doubleValue: 1.5 } },
        { name: 'f8', value: { doubleValue: 2.25 } },
        { name: 'num', value: { stringValue: '12.345' }, typeHint: 'DECIMAL' },
        { name: 'flag', value: { booleanValue: true } },
        { name: 'txt', value: { stringValue: 'it’s :not a parameter' } },
        { name: 'vc', value: { stringValue: 'varchar' } },
        { name: 'ch', value: { stringValue: 'ab' } },
        { name: 'bin', value: { blobValue: new Uint8Array([0, 1, 2, 255]) } },
        { name: 'd', value: { stringValue: '2024-02-29' }, typeHint: 'DATE' },
        { name: 't', value: { stringValue: '13:14:15.123' }, typeHint: 'TIME' },
        { name: 'ts', value: { stringValue: '2024-02-29 13:14:15.123456' }, typeHint: 'TIMESTAMP' },
        { name: 'tstz', value: { stringValue: '2024-02-29 13:14:15.5' }, typeHint: 'TIMESTAMP' },
        { name: 'js', value: { stringValue: '{"a":1}' }, typeHint: 'JSON' },
        { name: 'jb', value: { stringValue: '{"b":[1,2]}' }, typeHint: 'JSON' },
        { name: 'u', value: { stringValue: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b' }, typeHint: 'UUID' },
        { name: 'm', value: { stringValue: 'happy' } },
      ],
    );
    await sql(running, 'INSERT INTO typed (i4) VALUES (0)');
  }, 120_000);

  afterAll(async () => {
    await stop(running);
  }, 60_000);

  it('returns each column typed as the Data API does for its PostgreSQL type', async () => {
    const result = await sql(running, 'SELECT * FROM typed ORDER BY id');
    expect(result.numberOfRecordsUpdated).toBe(0);
    expect(result.records?.[0]).toEqual([
      { longValue: 1 },
      { longValue: 7 },
      { longValue: 2147483647 },
      { longValue: 9007199254740991 },
      { doubleValue: 1.5 },
      { doubleValue: 2.25 },
      { stringValue: '12.345' },
      { booleanValue: true },
      { stringValue: 'it’s :not a parameter' },
      { stringValue: 'varchar' },
      { stringValue: 'ab ' },
      { blobValue: new Uint8Array([0, 1, 2, 255]) },
      { stringValue: '2024-02-29' },
      { stringValue: '13:14:15.123' },
      { stringValue: '2024-02-29 13:14:15.123456' },
      // timestamptz: the UTC wall clock, without the offset.
      { stringValue: '2024-02-29 13:14:15.5' },
      { stringValue: '{"a":1}' },
      { stringValue: '{"b": [1, 2]}' },
      { stringValue: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b' },
      { arrayValue: { longValues: [1, 2, null] } },
      { arrayValue: { stringValues: ['a', 'b "c"'] } },
      { stringValue: 'happy' },
    ]);
    expect(result.records?.[1]?.filter((field) => field.isNull === true)).toHaveLength(20);
  });

  it('binds each parameter kind with the type the Data API gives it', async () => {
    const result = await sql(
      running,
      'SELECT :s AS s, :l AS l, :d AS d, :b AS b, :n AS n, :blob AS blob, :l::int + 1 AS cast, :s || :s AS twice',
      [
        { name: 's', value: { stringValue: 'x' } },
        { name: 'l', value: { longValue: 41 } },
        { name: 'd', value: { doubleValue: 0.5 } },
        { name: 'b', value: { booleanValue: false } },
        { name: 'n', value: { isNull: true } },
        { name: 'blob', value: { blobValue: new Uint8Array([104, 105]) } },
      ],
      { includeResultMetadata: true },
    );
    expect(result.records).toEqual([
      [
        { stringValue: 'x' },
        { longValue: 41 },
        { doubleValue: 0.5 },
        { booleanValue: false },
        { isNull: true },
        { blobValue: new Uint8Array([104, 105]) },
        { longValue: 42 },
        { stringValue: 'xx' },
      ],
    ]);
    expect(result.columnMetadata?.map((column) => column.typeName)).toEqual([
      'varchar',
      'int8',
      'float8',
      'bool',
      'text',
      'bytea',
      'int4',
      'text',
    ]);
  });

  it('binds a string as varchar, so a uuid column needs the UUID typeHint', async () => {
    const error = await failure(
      sql(running, 'SELECT * FROM typed WHERE u = :u', [{ name: 'u', value: { stringValue: 'x' } }]),
      'DatabaseErrorException',
    );
    expect(error.message).toMatch(
      /^ERROR: operator does not exist: uuid = character varying\n {2}Hint: .*\n {2}Position: \d+; SQLState: 42883$/,
    );
  });

  it('refuses a typeHint value outside the documented format', async () => {
    const error = await failure(
      sql(running, 'SELECT :ts', [
        { name: 'ts', value: { stringValue: '2024-02-29T13:14:15Z' }, typeHint: 'TIMESTAMP' },
      ]),
      'BadRequestException',
    );
    expect(error.message).toContain('YYYY-MM-DD HH:MM:SS[.FFF]');
  });

  it('describes the columns with includeResultMetadata', async () => {
    const result = await sql(running, 'SELECT id, i4, num, vc, ints, 1 + 1 AS two FROM typed LIMIT 0', [], {
      includeResultMetadata: true,
    });
    const columns = result.columnMetadata ?? [];
    expect(columns[0]).toMatchObject({
      name: 'id',
      label: 'id',
      type: 4,
      typeName: 'serial',
      tableName: 'typed',
      schemaName: '',
      isAutoIncrement: true,
      isSigned: true,
      nullable: 0,
      precision: 10,
    });
    expect(columns[1]).toMatchObject({ typeName: 'int4', isAutoIncrement: false, nullable: 0 });
    expect(columns[2]).toMatchObject({ type: 2, typeName: 'numeric', precision: 10, scale: 3, nullable: 1 });
    expect(columns[3]).toMatchObject({ type: 12, typeName: 'varchar', precision: 20, isCaseSensitive: true });
    expect(columns[4]).toMatchObject({ type: 2003, typeName: '_int4', arrayBaseColumnType: 4 });
    expect(columns[5]).toMatchObject({ name: 'two', tableName: '', nullable: 1 });
    expect(result.records).toEqual([]);
  });

  it('returns formattedRecords as a JSON string, and no records or metadata, with formatRecordsAs JSON', async () => {
    const query = 'SELECT i8, num, flag, bin, ints, tstz, js, txt AS "label" FROM typed ORDER BY id';
    const result = await running.client.send(
      new ExecuteStatementCommand({
        ...cluster,
        sql: query,
        formatRecordsAs: 'JSON',
        includeResultMetadata: true,
      }),
    );
    expect(result.records).toBeUndefined();
    expect(result.columnMetadata).toBeUndefined();
    expect(JSON.parse(result.formattedRecords ?? '')).toEqual([
      {
        i8: 9007199254740991,
        num: '12.345',
        flag: true,
        bin: 'AAEC/w==',
        ints: [1, 2, null],
        tstz: '2024-02-29 13:14:15.5',
        js: '{"a":1}',
        label: 'it’s :not a parameter',
      },
      { i8: null, num: null, flag: null, bin: null, ints: null, tstz: null, js: null, label: null },
    ]);
    const options = await running.client.send(
      new ExecuteStatementCommand({
        ...cluster,
        sql: 'SELECT i8, num FROM typed WHERE id = 1',
        formatRecordsAs: 'JSON',
        resultSetOptions: { longReturnType: 'STRING', decimalReturnType: 'DOUBLE_OR_LONG' },
      }),
    );
    expect(JSON.parse(options.formattedRecords ?? '')).toEqual([{ i8: '9007199254740991', num: 12.345 }]);
  });

  it('refuses results the Data API cannot return', async () => {
    const interval = await failure(sql(running, "SELECT interval '1 day'"), 'UnsupportedResultException');
    expect(interval.message).toContain('interval');
    const nested = await failure(sql(running, 'SELECT ARRAY[[1, 2], [3, 4]]'), 'UnsupportedResultException');
    expect(nested.message).toBe('The result contains a multidimensional array');
    await failure(
      sql(running, 'SELECT :a', [{ name: 'a', value: { arrayValue: { longValues: [1] } } }]),
      'BadRequestException',
    );
  });
});
