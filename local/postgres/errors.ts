/**
 * The local PostgreSQL server's errors: it could not be prepared (binaries, OS user, data
 * directory) or did not start. Messages say what failed, the value, and the fix; they never
 * carry the server's password.
 */

export class PostgresError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PostgresError';
  }
}

/** The binaries, the OS user or the data directory are not usable as they are. */
export class PostgresSetupError extends PostgresError {
  constructor(
    message: string,
    readonly path: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PostgresSetupError';
  }
}

/** initdb or the server exited with an error; `output` holds its last log lines. */
export class PostgresStartError extends PostgresError {
  constructor(
    message: string,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(output === '' ? message : `${message}\n${output}`, options);
    this.name = 'PostgresStartError';
  }
}
