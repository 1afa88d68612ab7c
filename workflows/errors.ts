/** The workflow declarations' own errors. */

/** A declaration that does not match its definition file, or a reference nothing can resolve. */
export class WiringError extends Error {
  override name = 'WiringError';
}
