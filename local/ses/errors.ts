/**
 * The local SES v2 endpoint's errors. `SesApiError` is an answer on the wire: SES v2 speaks
 * REST-JSON, where the SDK names the exception after the `x-amzn-ErrorType` header.
 * `SesDataError` is the endpoint's own failure to read or write its outbox file.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html
 */

export class SesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SesError';
  }
}

export class SesApiError extends SesError {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** The outbox file could not be read or written (corrupt line, permissions). */
export class SesDataError extends SesError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SesDataError';
  }
}

/** SES v2 answers invalid input with BadRequestException (HTTP 400) for every operation. */
export function badRequest(message: string): SesApiError {
  return new SesApiError('BadRequestException', message);
}
