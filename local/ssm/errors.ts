/**
 * The local SSM endpoint's errors. `SsmApiError` is an answer on the wire: its `type` is the
 * `__type` the SDK maps to an exception class (`ParameterNotFound`, `ValidationException`, ...).
 * `SsmDataError` is the endpoint's own failure to read or write its data directory.
 * Messages name parameters, never their values (a value may be an OAuth token).
 * https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class SsmError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SsmError';
  }
}

/**
 * Error shapes in the SSM model carry their text either as `message` or as `Message`; the SDK
 * copies the member its model names onto the exception, so the body uses that spelling too.
 */
const CAPITAL_MESSAGE = new Set([
  'ValidationException',
  'InvalidFilterValue',
  'InvalidNextToken',
  'AccessDeniedException',
  'InternalServerError',
  'TooManyUpdates',
]);

export class SsmApiError extends LocalApiError {
  /** The JSON 1.1 error body as SSM sends it: `{"__type": "ParameterNotFound", "message": ...}`. */
  body(): Record<string, string> {
    const body: Record<string, string> = { __type: this.type, message: this.message };
    if (CAPITAL_MESSAGE.has(this.type)) body.Message = this.message;
    return body;
  }
}

/** The data directory could not be read or written (corrupt file, wrong key, permissions). */
export class SsmDataError extends SsmError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SsmDataError';
  }
}

export function validation(message: string): SsmApiError {
  return new SsmApiError('ValidationException', message);
}

export function parameterNotFound(name: string): SsmApiError {
  return new SsmApiError('ParameterNotFound', `Parameter ${name} not found.`);
}

export function versionNotFound(name: string, version: string): SsmApiError {
  // AWS's wording for GetParameter with `name:version` past the history.
  return new SsmApiError(
    'ParameterVersionNotFound',
    `Systems Manager could not find version ${version} of ${name}. Verify the version and try again.`,
  );
}

export function invalidNextToken(): SsmApiError {
  return new SsmApiError(
    'InvalidNextToken',
    'The specified token isn’t valid: pass the NextToken of the previous page of the same request.',
  );
}

/** Coral's answer for a target the service does not have; the SDK surfaces it by this name. */
export function unknownOperation(target: string | undefined, supported: readonly string[]): SsmApiError {
  const asked = target === undefined ? 'no X-Amz-Target header' : `X-Amz-Target '${target}'`;
  return new SsmApiError(
    'com.amazon.coral.service#UnknownOperationException',
    `The local SSM endpoint does not support ${asked}. Supported operations: ${supported.join(', ')} ` +
      '(X-Amz-Target: AmazonSSM.<Operation>).',
  );
}

export function serialization(message: string): SsmApiError {
  return new SsmApiError('com.amazon.coral.service#SerializationException', message);
}

export function internal(): SsmApiError {
  return new SsmApiError(
    'InternalServerError',
    'The local SSM endpoint failed; see its log for the cause.',
    500,
  );
}
