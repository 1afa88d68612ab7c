/**
 * The ExecuteStatement response: `records` (with `columnMetadata` when asked) or, with
 * formatRecordsAs JSON, `formattedRecords` instead of both; `numberOfRecordsUpdated` (rows
 * inserted, updated, deleted or merged; 0 otherwise) and an empty `generatedFields` (Aurora
 * PostgreSQL returns none: use RETURNING). Limits as documented: 64 KB a row, 1 MiB a response,
 * beyond which the result is refused, not truncated.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.limitations.html
 */
import { unsupportedResult } from '../errors.ts';
import type { ResultSetOptions } from '../requests.ts';
import { columnMetadata } from './metadata.ts';
import type { Connection } from './pools.ts';
import type { StatementResult } from './statement.ts';
import type { PgType } from './types.ts';
import { toField, toJson } from './values.ts';

export const ROW_LIMIT_BYTES = 64 * 1024;
export const RESPONSE_LIMIT_BYTES = 1024 * 1024;

const COUNTED = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

export interface Shape {
  readonly includeResultMetadata: boolean;
  readonly json: boolean;
  readonly options: ResultSetOptions;
}

export function recordsUpdated(result: StatementResult): number {
  return COUNTED.has(result.command) ? (result.rowCount ?? 0) : 0;
}

/** Adds a row's size to the running total, refusing a row or a result past the limits. */
function measure(row: unknown, total: { bytes: number }): void {
  const bytes = Buffer.byteLength(JSON.stringify(row));
  if (bytes > ROW_LIMIT_BYTES) throw unsupportedResult('Packet for query is too large');
  total.bytes += bytes;
  if (total.bytes > RESPONSE_LIMIT_BYTES) throw unsupportedResult('The result exceeds the size limit 1 MB');
}

export async function executeResponse(
  connection: Connection,
  result: StatementResult,
  shape: Shape,
): Promise<Record<string, unknown>> {
  const counts = { numberOfRecordsUpdated: recordsUpdated(result), generatedFields: [] };
  if (result.fields.length === 0) return counts;
  const types = await connection.types.resolve(
    connection.client,
    result.fields.map((field) => field.dataTypeID),
  );
  const unknown: PgType = { oid: 0, name: 'unknown', kind: 'unsupported', jdbc: 1111 };
  const columns = result.fields.map((field) => types.get(field.dataTypeID) ?? unknown);
  const total = { bytes: 0 };
  if (shape.json) {
    const objects = result.rows.map((row) => {
      const object: Record<string, unknown> = {};
      result.fields.forEach((field, i) => {
        object[field.name] = toJson(row[i] ?? null, columns[i] ?? unknown, types, shape.options);
      });
      measure(object, total);
      return object;
    });
    return { ...counts, formattedRecords: JSON.stringify(objects) };
  }
  const records = result.rows.map((row) => {
    const record = row.map((text, i) => toField(text, columns[i] ?? unknown, types, shape.options));
    measure(record, total);
    return record;
  });
  const response: Record<string, unknown> = { records, ...counts };
  if (shape.includeResultMetadata) {
    response.columnMetadata = await columnMetadata(connection.client, result.fields, types);
  }
  return response;
}
