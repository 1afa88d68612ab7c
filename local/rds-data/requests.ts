/**
 * The request bodies of the Data API operations, with the constraints the API reference gives.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_ExecuteStatement.html
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_SqlParameter.html
 */
import { z } from 'zod';
import { badRequest } from './errors.ts';

const resourceArn = z.string().min(11).max(100);
const secretArn = z.string().min(11).max(100);
const database = z.string().max(64).optional();
const schema = z.string().max(64).optional();
const transactionId = z.string().max(192);

/** A union on the wire: exactly one member is set (checked where the value is used). */
export const Field = z.object({
  isNull: z.boolean().optional(),
  booleanValue: z.boolean().optional(),
  longValue: z.number().int().optional(),
  doubleValue: z.number().optional(),
  stringValue: z.string().optional(),
  blobValue: z.string().optional(),
  arrayValue: z.unknown().optional(),
});
export type Field = z.infer<typeof Field>;

export const TypeHint = z.enum(['JSON', 'UUID', 'TIMESTAMP', 'DATE', 'TIME', 'DECIMAL']);
export type TypeHint = z.infer<typeof TypeHint>;

export const SqlParameter = z.object({
  name: z.string().optional(),
  value: Field.optional(),
  typeHint: TypeHint.optional(),
});
export type SqlParameter = z.infer<typeof SqlParameter>;

export const ResultSetOptions = z.object({
  decimalReturnType: z.enum(['STRING', 'DOUBLE_OR_LONG']).optional(),
  longReturnType: z.enum(['STRING', 'LONG']).optional(),
});
export type ResultSetOptions = z.infer<typeof ResultSetOptions>;

export const ExecuteStatementRequest = z.object({
  resourceArn,
  secretArn,
  sql: z.string().max(65536),
  database,
  schema,
  parameters: z.array(SqlParameter).optional(),
  transactionId: transactionId.optional(),
  includeResultMetadata: z.boolean().optional(),
  continueAfterTimeout: z.boolean().optional(),
  resultSetOptions: ResultSetOptions.optional(),
  formatRecordsAs: z.enum(['NONE', 'JSON']).optional(),
});
export type ExecuteStatementRequest = z.infer<typeof ExecuteStatementRequest>;

export const BatchExecuteStatementRequest = z.object({
  resourceArn,
  secretArn,
  sql: z.string().max(65536),
  database,
  schema,
  parameterSets: z.array(z.array(SqlParameter)).optional(),
  transactionId: transactionId.optional(),
});
export type BatchExecuteStatementRequest = z.infer<typeof BatchExecuteStatementRequest>;

export const BeginTransactionRequest = z.object({ resourceArn, secretArn, database, schema });
export type BeginTransactionRequest = z.infer<typeof BeginTransactionRequest>;

export const EndTransactionRequest = z.object({ resourceArn, secretArn, transactionId });
export type EndTransactionRequest = z.infer<typeof EndTransactionRequest>;

/** Parses a body or answers BadRequestException naming each invalid member. */
export function parseRequest<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`);
  throw badRequest(`Invalid request: ${problems.join('; ')}`);
}

/**
 * Aurora PostgreSQL clusters reject the `schema` member; the search path is set in SQL instead.
 * https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/data-api.troubleshooting.html
 */
export function rejectSchema(value: string | undefined): void {
  if (value !== undefined && value !== '') {
    throw badRequest(
      'The schema parameter isn’t supported for Aurora PostgreSQL: qualify names in the SQL ' +
        '(myschema.mytable) or run SET search_path inside a transaction.',
    );
  }
}
