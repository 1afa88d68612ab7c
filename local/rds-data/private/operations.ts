/**
 * The five Data API operations over the pools and transactions. A call outside a transaction
 * runs on a pooled connection and commits on its own (a BatchExecute as a whole); a call with a
 * transactionId runs on that transaction's connection. Either is cut off by the statement
 * timeout (StatementTimeoutException); continueAfterTimeout lets the statement finish anyway.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/API_Operations.html
 */
import pg from 'pg';
import {
  badRequest,
  databaseError,
  databaseUnavailable,
  isServerLoss,
  RdsDataApiError,
  statementTimeout,
} from '../errors.ts';
import {
  BatchExecuteStatementRequest,
  BeginTransactionRequest,
  EndTransactionRequest,
  ExecuteStatementRequest,
  parseRequest,
  rejectSchema,
} from '../requests.ts';
import { bindValues } from './parameters.ts';
import { type Connection, type Pools, release } from './pools.ts';
import { executeResponse } from './results.ts';
import { bindNames } from './sql.ts';
import { runStatement, type Statement, TimedOut, withTimeout } from './statement.ts';
import type { Transactions } from './transactions.ts';

export interface RdsDataContext {
  readonly pools: Pools;
  readonly transactions: Transactions;
  /** AWS: 45 seconds. */
  readonly statementTimeoutMs: number;
}

export type Operation = (context: RdsDataContext, body: unknown) => Promise<unknown>;

/** What running SQL threw, as the Data API answers it; anything else is the endpoint's own failure. */
function answer(error: unknown): unknown {
  if (isServerLoss(error)) return databaseUnavailable();
  return error instanceof pg.DatabaseError ? databaseError(error) : error;
}

async function autocommit<T>(
  context: RdsDataContext,
  database: string | undefined,
  continueAfterTimeout: boolean,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  const connection = await context.pools.connect(database);
  try {
    const result = await withTimeout(work(connection), context.statementTimeoutMs, () => {
      if (!continueAfterTimeout) void context.pools.cancel(database, connection.pid);
    });
    await release(connection.client);
    return result;
  } catch (error) {
    if (error instanceof TimedOut) {
      // The connection is busy until the statement ends (cancelled, or finished when it may continue).
      void error.settled.then(() => release(connection.client));
      throw statementTimeout(connection.pid);
    }
    await release(connection.client);
    throw answer(error);
  }
}

async function inTransaction<T>(
  context: RdsDataContext,
  id: string,
  work: (connection: Connection) => Promise<T>,
): Promise<T> {
  let pid = 0;
  try {
    return await context.transactions.use(id, (connection, database) => {
      pid = connection.pid;
      return withTimeout(work(connection), context.statementTimeoutMs, () => {
        void context.pools.cancel(database, connection.pid);
      });
    });
  } catch (error) {
    throw error instanceof TimedOut ? statementTimeout(pid) : answer(error);
  }
}

export async function executeStatement(context: RdsDataContext, body: unknown): Promise<unknown> {
  const request = parseRequest(ExecuteStatementRequest, body);
  rejectSchema(request.schema);
  const named = bindNames(request.sql);
  const statement: Statement = { text: named.text, ...bindValues(named.names, request.parameters ?? []) };
  const shape = {
    includeResultMetadata: request.includeResultMetadata === true,
    json: request.formatRecordsAs === 'JSON',
    options: request.resultSetOptions ?? {},
  };
  const work = async (connection: Connection) =>
    executeResponse(connection, await runStatement(connection.client, statement), shape);
  if (request.transactionId === undefined) {
    return autocommit(context, request.database, request.continueAfterTimeout === true, work);
  }
  if (request.continueAfterTimeout === true) {
    // A statement left running would hold the transaction's connection past the call.
    throw badRequest(
      'continueAfterTimeout is not supported with a transactionId: run the statement on its own.',
    );
  }
  return inTransaction(context, request.transactionId, work);
}

export async function batchExecuteStatement(context: RdsDataContext, body: unknown): Promise<unknown> {
  const request = parseRequest(BatchExecuteStatementRequest, body);
  rejectSchema(request.schema);
  const named = bindNames(request.sql);
  const sets = request.parameterSets ?? [];
  const statements: Statement[] = (sets.length === 0 ? [[]] : sets).map((set) => ({
    text: named.text,
    ...bindValues(named.names, set),
  }));
  const runAll = async (connection: Connection) => {
    for (const statement of statements) await runStatement(connection.client, statement);
    return { updateResults: sets.map(() => ({ generatedFields: [] })) };
  };
  if (request.transactionId !== undefined) return inTransaction(context, request.transactionId, runAll);
  // Outside a transaction the batch still commits or fails as a whole, as one JDBC batch does.
  return autocommit(context, request.database, false, async (connection) => {
    await connection.client.query('BEGIN');
    try {
      const result = await runAll(connection);
      await connection.client.query('COMMIT');
      return result;
    } catch (error) {
      await connection.client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

export async function beginTransaction(context: RdsDataContext, body: unknown): Promise<unknown> {
  const request = parseRequest(BeginTransactionRequest, body);
  rejectSchema(request.schema);
  const connection = await context.pools.connect(request.database);
  try {
    await connection.client.query('BEGIN');
  } catch (error) {
    await release(connection.client);
    throw answer(error);
  }
  return { transactionId: context.transactions.begin(connection, request.database) };
}

async function endTransaction(
  context: RdsDataContext,
  body: unknown,
  sql: 'COMMIT' | 'ROLLBACK',
): Promise<void> {
  const request = parseRequest(EndTransactionRequest, body);
  try {
    await context.transactions.end(request.transactionId, sql);
  } catch (error) {
    throw answer(error);
  }
}

export async function commitTransaction(context: RdsDataContext, body: unknown): Promise<unknown> {
  await endTransaction(context, body, 'COMMIT');
  return { transactionStatus: 'Transaction Committed' };
}

export async function rollbackTransaction(context: RdsDataContext, body: unknown): Promise<unknown> {
  await endTransaction(context, body, 'ROLLBACK');
  return { transactionStatus: 'Rollback Complete' };
}

/** The pre-2018 operation, which only Aurora Serverless v1 answered. */
export async function executeSql(): Promise<unknown> {
  throw new RdsDataApiError(
    'BadRequestException',
    'ExecuteSql is deprecated and not supported by the local RDS Data API (nor by Aurora Serverless v2 ' +
      'or provisioned clusters): use ExecuteStatement or BatchExecuteStatement.',
  );
}
