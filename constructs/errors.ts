/** The CDK app's own errors: configuration it cannot use, wiring it cannot resolve. */

export class ConstructsError extends Error {
  override name = 'ConstructsError';
}

/** A context value or environment variable with a value the app cannot use; the message says which and how to fix it. */
export class ConfigError extends ConstructsError {
  override name = 'ConfigError';
}
