/**
 * The local SES endpoint's errors. `SesApiError` is an answer on the wire: SES v2 speaks
 * REST-JSON, where the SDK names the exception after the `x-amzn-ErrorType` header; SES v1 the
 * AWS query protocol, an XML `<ErrorResponse>` whose `Code` names it. `SesDataError` is the
 * endpoint's own failure to read or write its outbox file.
 * https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html
 * https://docs.aws.amazon.com/ses/latest/APIReference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class SesError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SesError';
  }
}

export class SesApiError extends LocalApiError {}

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

/** SES v1's answer to a value it cannot use, e.g. an address without a domain (HTTP 400). */
export function invalidParameterValue(message: string): SesApiError {
  return new SesApiError('InvalidParameterValue', message);
}
