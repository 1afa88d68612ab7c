/**
 * The local Pipes endpoint's errors. `PipesApiError` is an answer on the wire (REST-JSON: the
 * `x-amzn-ErrorType` header names the exception, the body carries `message`), with the HTTP
 * status the Pipes model gives each exception. `PipesDataError` is the endpoint's own failure
 * to read or write its data directory.
 * https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class PipesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PipesError';
  }
}

export class PipesApiError extends LocalApiError {
  body(): Record<string, unknown> {
    return { message: this.message, ...this.extra };
  }
}

/** The data directory could not be read or written. */
export class PipesDataError extends PipesError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PipesDataError';
  }
}

export function validation(message: string, field?: string): PipesApiError {
  return new PipesApiError(
    'ValidationException',
    message,
    400,
    field === undefined ? {} : { fieldList: [{ name: field, message }] },
  );
}

export function notFound(name: string): PipesApiError {
  return new PipesApiError('NotFoundException', `Pipe ${name} does not exist.`, 404);
}

export function conflict(name: string, message: string): PipesApiError {
  return new PipesApiError('ConflictException', message, 409, { resourceId: name, resourceType: 'pipe' });
}

export function unknownRoute(method: string, path: string): PipesApiError {
  return new PipesApiError(
    'UnknownOperationException',
    `The local Pipes endpoint does not serve ${method} ${path}. It serves CreatePipe, DescribePipe, ` +
      'UpdatePipe, DeletePipe (POST/GET/PUT/DELETE /v1/pipes/{Name}), ListPipes (GET /v1/pipes), ' +
      'StartPipe and StopPipe (POST /v1/pipes/{Name}/start|stop).',
    404,
  );
}

export function internal(): PipesApiError {
  return new PipesApiError(
    'InternalException',
    'The local Pipes endpoint failed; see its log for the cause.',
    500,
  );
}
