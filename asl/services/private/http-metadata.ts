/**
 * The `SdkHttpMetadata` and `SdkResponseMetadata` objects the optimized Lambda integration
 * returns. They are the Java SDK 1.x's response metadata, as recorded in the corpus:
 * `{ AllHttpHeaders: { "Content-Type": ["application/json"], ... }, HttpHeaders: { "Content-Type":
 * "application/json", ... }, HttpStatusCode: 200 }` and `{ RequestId }`.
 */

interface HttpResponseLike {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
}

/** A middleware stack as the SDK's commands expose it (only what is used here). */
interface StackLike {
  add(
    middleware: (
      next: (args: unknown) => Promise<{ response: unknown }>,
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'deserialize'; priority: 'high'; name: string },
  ): void;
}

/**
 * Records the raw HTTP response of one command. The middleware sits outside the deserializer,
 * which hands back `{ output, response }`; the SDK's output keeps neither the headers nor their
 * names.
 */
export function captureHttpResponse(command: {
  middlewareStack: unknown;
}): () => HttpResponseLike | undefined {
  let captured: HttpResponseLike | undefined;
  (command.middlewareStack as StackLike).add(
    (next) => async (args) => {
      const result = await next(args);
      captured = result.response as HttpResponseLike;
      return result;
    },
    { step: 'deserialize', priority: 'high', name: 'stepFunctionsHttpMetadata' },
  );
  return () => captured;
}

export function sdkHttpMetadata(response: HttpResponseLike | undefined): Record<string, unknown> {
  const all: Record<string, string[]> = {};
  const single: Record<string, string> = {};
  for (const [name, value] of Object.entries(response?.headers ?? {})) {
    const canonical = canonicalHeaderName(name);
    all[canonical] = [value];
    single[canonical] = value;
  }
  return { AllHttpHeaders: all, HttpHeaders: single, HttpStatusCode: response?.statusCode ?? 200 };
}

/**
 * Node's HTTP client lower-cases header names; AWS reports them as Lambda sends them. These are
 * the spellings the corpus records; any other header gets each word capitalized.
 */
const SPELLING: Readonly<Record<string, string>> = {
  'x-amzn-requestid': 'x-amzn-RequestId',
  'x-amzn-remapped-content-length': 'x-amzn-Remapped-Content-Length',
  'x-amzn-trace-id': 'X-Amzn-Trace-Id',
  'x-amz-executed-version': 'X-Amz-Executed-Version',
  'x-amz-log-result': 'X-Amz-Log-Result',
  'x-amz-function-error': 'X-Amz-Function-Error',
  'x-amz-crc32': 'x-amz-crc32',
};

function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return (
    SPELLING[lower] ?? lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase())
  );
}
