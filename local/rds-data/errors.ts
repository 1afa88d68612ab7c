/**
 * The local RDS Data API's errors. `RdsDataApiError` is an answer on the wire: REST-JSON, the
 * exception name in the `x-amzn-ErrorType` header (which the SDK reads first) and
 * `{"message": ...}` in the body, with the HTTP status the service model gives that exception.
 * Messages never carry parameter values except the one that was rejected.
 * https://docs.aws.amazon.com/rdsdataservice/latest/APIReference/CommonErrors.html
 */
import type { DatabaseError } from 'pg';
import { LocalApiError } from '../service.ts';

export class RdsDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RdsDataError';
  }
}

export class RdsDataApiError extends LocalApiError {
  body(): Record<string, unknown> {
    return { message: this.message, ...this.extra };
  }
}

/** A request the service refuses (its model calls BadRequestException deprecated, but AWS still sends it). */
export function badRequest(message: string): RdsDataApiError {
  return new RdsDataApiError('BadRequestException', message);
}

/**
 * A PostgreSQL error, as Aurora Serverless v2 and provisioned clusters report it: the driver's
 * rendering (`ERROR: <message>` then indented Detail, Hint, Position and Where lines) followed by
 * `; SQLState: <code>`, in a DatabaseErrorException (Serverless v1 used BadRequestException).
 */
export function databaseError(error: DatabaseError): RdsDataApiError {
  let text = `${error.severity ?? 'ERROR'}: ${error.message}`;
  if (error.detail) text += `\n  Detail: ${error.detail}`;
  if (error.hint) text += `\n  Hint: ${error.hint}`;
  if (error.position) text += `\n  Position: ${error.position}`;
  if (error.where) text += `\n  Where: ${error.where}`;
  return new RdsDataApiError('DatabaseErrorException', `${text}; SQLState: ${error.code ?? '00000'}`);
}

/** The database could not be opened (no such database, refused login); no SQLState applies. */
export function connectionError(message: string): RdsDataApiError {
  return new RdsDataApiError('DatabaseErrorException', message);
}

/**
 * The server is down, restarting or went away mid-call: AWS answers DatabaseUnavailableException
 * (HTTP 504, "the writer instance in the DB cluster isn't available"), which callers retry.
 */
export function databaseUnavailable(): RdsDataApiError {
  return new RdsDataApiError(
    'DatabaseUnavailableException',
    "The writer instance in the DB cluster isn't available.",
    504,
  );
}

/** Socket errors that mean the server cannot be reached or dropped the connection. */
const LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN']);

/**
 * Whether `error` means the server is unavailable rather than that the SQL failed: a socket
 * error, the driver's "Connection terminated", SQLSTATE class 08 (connection exception), or
 * 57P01–57P03 (shut down by the administrator or a crash, not yet accepting connections).
 */
export function isServerLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (LOST.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code)) return true;
  }
  return /^Connection terminated/.test(error.message);
}

/** The call outlived the statement timeout; `dbConnectionId` is the backend that ran it. */
export function statementTimeout(connectionId: number): RdsDataApiError {
  return new RdsDataApiError('StatementTimeoutException', 'Request timed out', 400, {
    dbConnectionId: connectionId,
  });
}

export function transactionNotFound(id: string): RdsDataApiError {
  return badRequest(`Transaction ${id} is not found`);
}

export function transactionBusy(): RdsDataApiError {
  return new RdsDataApiError('DatabaseErrorException', 'Transaction is still running a query');
}

export function unsupportedResult(message: string): RdsDataApiError {
  return new RdsDataApiError('UnsupportedResultException', message);
}

export function unknownOperation(method: string | undefined, path: string | undefined): RdsDataApiError {
  return new RdsDataApiError(
    'UnknownOperationException',
    `The local RDS Data API has no operation at ${method ?? '?'} ${path ?? '?'}: it serves POST /Execute, ` +
      '/BatchExecute, /BeginTransaction, /CommitTransaction and /RollbackTransaction.',
    404,
  );
}

export function internal(): RdsDataApiError {
  return new RdsDataApiError(
    'InternalServerErrorException',
    'The local RDS Data API failed; see its log for the cause.',
    500,
  );
}
