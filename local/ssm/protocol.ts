/**
 * SSM's AWS JSON 1.1 protocol: POST `/` with `X-Amz-Target: AmazonSSM.<Operation>`, JSON in and
 * out (`application/x-amz-json-1.1`), errors as HTTP 400 with `__type` naming the exception.
 * The handling itself is the local services' shared one (local/json-api.ts).
 * https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html
 */

export const TARGET_PREFIX = 'AmazonSSM.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** Far above any SSM request (10 names, or one 4 KB value); stops a runaway client early. */
export const BODY_LIMIT = 1024 * 1024;

/** Timestamps in the JSON protocols are epoch seconds, with the milliseconds as a fraction. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}
