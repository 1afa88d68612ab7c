/**
 * The local SQS endpoint's errors. `SqsApiError` is an answer on the wire: its `type` is the
 * error code the SDK names its exception by (`QueueDoesNotExist`, `InvalidParameterValue`, ...).
 * `SqsDataError` is the endpoint's own failure to read or write its data directory.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
 */
import { LocalApiError } from '../service.ts';

export class SqsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SqsError';
  }
}

export class SqsApiError extends LocalApiError {
  /**
   * SQS speaks JSON 1.0 "query compatible": `__type` is the shape id, and the
   * `x-amzn-query-error` header carries the code the older query protocol used.
   */
  body(): Record<string, string> {
    return { __type: `com.amazonaws.sqs#${this.name}`, message: this.message };
  }

  queryError(): string {
    return `${this.name};${this.status >= 500 ? 'Receiver' : 'Sender'}`;
  }
}

/** The data directory could not be read or written (corrupt journal, permissions). */
export class SqsDataError extends SqsError {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqsDataError';
  }
}

const api = (type: string, message: string) => new SqsApiError(type, message);

/** AWS's wording: `Value 11 for parameter MaxNumberOfMessages is invalid. Reason: ...`. */
export function invalidParameter(name: string, value: unknown, reason: string): SqsApiError {
  return api(
    'InvalidParameterValue',
    `Value ${String(value)} for parameter ${name} is invalid. Reason: ${reason}`,
  );
}

export function missingParameter(name: string): SqsApiError {
  return api('MissingParameter', `The request must contain the parameter ${name}.`);
}

export function queueDoesNotExist(what: string): SqsApiError {
  return api(
    'QueueDoesNotExist',
    `The specified queue does not exist: ${what}. Create it first (CreateQueue), or check the name or URL.`,
  );
}

export function queueNameExists(name: string): SqsApiError {
  return api(
    'QueueNameExists',
    `A queue named ${name} already exists with different attributes: use SetQueueAttributes to change them.`,
  );
}

export function invalidAttributeName(name: string): SqsApiError {
  return api('InvalidAttributeName', `Unknown Attribute ${name}.`);
}

export function invalidAttributeValue(name: string, reason: string): SqsApiError {
  return api('InvalidAttributeValue', `Invalid value for the parameter ${name}. Reason: ${reason}`);
}

export function unsupported(message: string): SqsApiError {
  return api('UnsupportedOperation', message);
}

export function receiptHandleInvalid(handle: string): SqsApiError {
  return api(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle.slice(0, 80)}" is not a valid receipt handle: pass one ReceiveMessage returned.`,
  );
}

export function messageNotInflight(): SqsApiError {
  return api('MessageNotInflight', 'The message referred to is not in flight: it is visible, not received.');
}

export function invalidMessageContents(reason: string): SqsApiError {
  return api('InvalidMessageContents', reason);
}

export function emptyBatch(operation: string): SqsApiError {
  return api('EmptyBatchRequest', `There should be at least one ${operation}Entry in the request.`);
}

export function tooManyEntries(count: number): SqsApiError {
  return api(
    'TooManyEntriesInBatchRequest',
    `Maximum number of entries per request are 10. You have sent ${count}: split the batch.`,
  );
}

export function idsNotDistinct(id: string): SqsApiError {
  return api('BatchEntryIdsNotDistinct', `Id ${id} repeated: every entry of a batch needs its own Id.`);
}

export function invalidBatchEntryId(id: string): SqsApiError {
  return api(
    'InvalidBatchEntryId',
    `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long; got "${id.slice(0, 100)}".`,
  );
}

export function batchTooLong(size: number, limit: number): SqsApiError {
  return api(
    'BatchRequestTooLong',
    `Batch requests cannot be longer than ${limit} bytes. You have sent ${size} bytes: send fewer or smaller messages.`,
  );
}

export function resourceNotFound(message: string): SqsApiError {
  return new SqsApiError('ResourceNotFoundException', message);
}

/** Coral's answer for a target the service does not have. */
export function unknownOperation(target: string | undefined, supported: readonly string[]): SqsApiError {
  const asked = target === undefined ? 'no X-Amz-Target header' : `X-Amz-Target '${target}'`;
  return new SqsApiError(
    'com.amazon.coral.service#UnknownOperationException',
    `The local SQS endpoint does not support ${asked}. Supported operations: ${supported.join(', ')} ` +
      '(X-Amz-Target: AmazonSQS.<Operation>).',
  );
}

export function serialization(message: string): SqsApiError {
  return new SqsApiError('com.amazon.coral.service#SerializationException', message);
}

export function internal(): SqsApiError {
  return new SqsApiError('InternalFailure', 'The local SQS endpoint failed; see its log for the cause.', 500);
}
