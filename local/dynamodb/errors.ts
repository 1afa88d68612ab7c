/**
 * The local DynamoDB endpoint's errors. `DynamoDbApiError` is an answer on the wire: its `type`
 * is the `__type` the SDK maps to an exception class (`ResourceNotFoundException`,
 * `ExpiredIteratorException`, ...). `DynamoDbDataError` is the endpoint's own failure to open or
 * write its data directory. Messages name tables, keys and streams, never item values.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class DynamoDbError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbError';
  }
}

/** AWS's namespace for DynamoDB's own exceptions; the SDK names errors by the part after `#`. */
const NAMESPACE = 'com.amazonaws.dynamodb.v20120810#';

export class DynamoDbApiError extends LocalApiError {
  /** The JSON 1.0 error body. Both spellings of the message: the models use one or the other. */
  body(): Record<string, unknown> {
    return { __type: this.type, message: this.message, Message: this.message, ...this.extra };
  }
}

/** The data directory could not be opened or written (locked by another process, corrupt). */
export class DynamoDbDataError extends DynamoDbError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DynamoDbDataError';
  }
}

export function validation(message: string): DynamoDbApiError {
  return new DynamoDbApiError('com.amazon.coral.validate#ValidationException', message);
}

export function resourceNotFound(message: string): DynamoDbApiError {
  return new DynamoDbApiError(`${NAMESPACE}ResourceNotFoundException`, message);
}

export function tableNotFound(table: string): DynamoDbApiError {
  return resourceNotFound(`Requested resource not found: Table: ${table} not found`);
}

export function streamError(name: string, message: string): DynamoDbApiError {
  return new DynamoDbApiError(`${NAMESPACE}${name}`, message);
}

/** What the endpoint deliberately does not implement: said, never silently dropped. */
export function unsupported(what: string, fix: string): DynamoDbApiError {
  return validation(`The local DynamoDB endpoint does not support ${what}. ${fix}`);
}

/** Coral's answer for a target the service does not have; the SDK surfaces it by this name. */
export function unknownOperation(target: string, supported: readonly string[]): DynamoDbApiError {
  return new DynamoDbApiError(
    'com.amazon.coral.service#UnknownOperationException',
    `The local DynamoDB endpoint does not support '${target || '(no X-Amz-Target)'}'. ` +
      `Supported: ${supported.join(', ')}.`,
  );
}

export function serialization(message: string): DynamoDbApiError {
  return new DynamoDbApiError('com.amazon.coral.service#SerializationException', message);
}

export function internal(): DynamoDbApiError {
  return new DynamoDbApiError(
    `${NAMESPACE}InternalServerError`,
    'The local DynamoDB endpoint failed; see its log for the cause.',
    500,
  );
}

/** Errors from dynalite's internals come as `{ statusCode, body: { __type, message } }`. */
export function fromDynalite(error: unknown): DynamoDbApiError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, body } = error as { statusCode?: unknown; body?: unknown };
  if (typeof statusCode !== 'number' || typeof body !== 'object' || body === null) return undefined;
  const { __type, message, Message, ...extra } = body as Record<string, unknown>;
  const text = typeof message === 'string' ? message : typeof Message === 'string' ? Message : '';
  return new DynamoDbApiError(String(__type), text, statusCode, extra);
}
