/** Errors of the command line: what the user typed is not usable. */
export class UsageError extends Error {
  override name = 'UsageError';
}
