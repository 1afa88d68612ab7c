/**
 * SQS's AWS JSON 1.0 protocol: POST `/` with `X-Amz-Target: AmazonSQS.<Operation>`, JSON in and
 * out (`application/x-amz-json-1.0`), errors as HTTP 400 with `__type` naming the exception and,
 * because SQS is "query compatible", the query error code in `x-amzn-query-error`. The handling
 * itself is the local services' shared one (local/json-api.ts).
 * https://smithy.io/2.0/aws/protocols/aws-json-1_0-protocol.html
 */

export const TARGET_PREFIX = 'AmazonSQS.';
export const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Ten 1 MiB messages, base64 and JSON escaping included, fit well below this. */
export const BODY_LIMIT = 32 * 1024 * 1024;
