/**
 * The execution store's errors. Each names what was wrong, the value received and the fix;
 * the Step Functions endpoint maps them to AWS's error codes (noted per class).
 */
import { AslError } from '../errors.ts';

export class StoreError extends AslError {
  override name = 'StoreError';
}

/** createExecution with an arn that is taken. AWS: ExecutionAlreadyExists. */
export class ExecutionAlreadyExists extends StoreError {
  override name = 'ExecutionAlreadyExists';
  constructor(readonly executionArn: string) {
    super(
      `Execution already exists: ${executionArn}. Start it under a new name, or read it with getExecution.`,
    );
  }
}

/** An operation on an execution the store does not hold. AWS: ExecutionDoesNotExist. */
export class ExecutionNotFound extends StoreError {
  override name = 'ExecutionNotFound';
  constructor(readonly executionArn: string) {
    super(`Execution does not exist: ${executionArn}. Create it with createExecution first.`);
  }
}

/** A conditional updateExecution whose condition did not hold: someone else changed the status first. */
export class ExecutionStatusMismatch extends StoreError {
  override name = 'ExecutionStatusMismatch';
  constructor(
    readonly executionArn: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(
      `Execution ${executionArn} is ${actual}, not ${expected}; nothing was changed. ` +
        'Read the execution again and decide on its current status.',
    );
  }
}

/** appendEvents with an id that does not continue the history (a gap or a duplicate). */
export class EventSequenceError extends StoreError {
  override name = 'EventSequenceError';
  constructor(
    readonly executionArn: string,
    readonly expectedId: number,
    readonly receivedId: unknown,
  ) {
    super(
      `Event id ${String(receivedId)} does not continue the history of ${executionArn}: expected ${expectedId}. ` +
        'Event ids start at 1 and each is the previous id + 1.',
    );
  }
}

/** A nextToken that this store did not issue for this query. AWS: InvalidToken. */
export class InvalidPageToken extends StoreError {
  override name = 'InvalidPageToken';
  constructor(
    readonly token: string,
    reason = 'it was not issued for this query',
  ) {
    super(
      `Invalid nextToken ${JSON.stringify(token.slice(0, 64))}: ${reason}. ` +
        'Pass back the nextToken of the previous page unchanged, with the same filter.',
    );
  }
}

/** maxResults that is not a positive integer. AWS validates its own bounds (1..1000, 0 = 100) before. */
export class InvalidPageSize extends StoreError {
  override name = 'InvalidPageSize';
  constructor(readonly maxResults: unknown) {
    super(`maxResults must be a positive integer, got ${String(maxResults)}. Omit it to get everything.`);
  }
}

/** A line of a store file that cannot be read, other than a torn last line (which is dropped). */
export class CorruptStoreFile extends StoreError {
  override name = 'CorruptStoreFile';
  constructor(
    readonly file: string,
    readonly line: number,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `${file}:${line}: ${problem}. The store cannot be opened past this line; ` +
        'restore the file from a backup, or remove the data directory to start empty.',
      options,
    );
  }
}

/** A write that did not reach the disk; the file was cut back to its last complete line. */
export class StoreWriteFailed extends StoreError {
  override name = 'StoreWriteFailed';
  constructor(
    readonly file: string,
    options: ErrorOptions,
  ) {
    super(`Could not append to ${file}; nothing was recorded. Check free space and permissions.`, options);
  }
}

/** An operation after close(). */
export class StoreClosed extends StoreError {
  override name = 'StoreClosed';
  constructor() {
    super('The execution store is closed. Open it again (openFileStore) to use it.');
  }
}
