/** The errors of schema migrations: each names the migration file, or the call, that failed. */

export class MigrationError extends Error {
  override name = 'MigrationError';
  /** The file that failed, when one did (`0002_what.sql`). */
  readonly migration: string | undefined;

  constructor(message: string, options: { migration?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.migration = options.migration;
  }
}

/** The database was still resuming (or its writer unavailable) when the retries ran out. */
export class DatabaseResumeError extends MigrationError {
  override name = 'DatabaseResumeError';
}
