/**
 * Between Step Functions' JSON and the AWS SDK v3's typed values, walking the operation's Smithy
 * schema so that only structure members are renamed (never map keys such as DynamoDB attribute
 * names) and blobs and timestamps take the form AWS gives them.
 */
import { NormalizedSchema } from '@smithy/core/schema';
import { fieldName } from './sdk-services.ts';

/** The input and output schemas of a command instance, when its client is schema-based. */
export function operationSchemas(command: unknown): { input?: NormalizedSchema; output?: NormalizedSchema } {
  const op = (command as { schema?: unknown }).schema;
  if (op === null || typeof op !== 'object') return {};
  const raw = op as Record<number | string, unknown>;
  const input = raw[4] ?? raw.input;
  const output = raw[5] ?? raw.output;
  return {
    ...(input !== undefined ? { input: NormalizedSchema.of(input as never) } : {}),
    ...(output !== undefined ? { output: NormalizedSchema.of(output as never) } : {}),
  };
}

/**
 * Arguments → SDK input. Step Functions spells every member in PascalCase even where the API
 * uses camelCase (RDS Data's `resourceArn` is `ResourceArn`); keys that name no member are
 * passed on as given, and the SDK's serializer leaves them out.
 */
export function toSdkInput(value: unknown, schema: NormalizedSchema | undefined): unknown {
  if (value === null || value === undefined || schema === undefined) return value;
  if (schema.isStructSchema()) {
    if (!isRecord(value)) return value;
    const members = new Map<string, [string, NormalizedSchema]>();
    for (const [name, member] of schema.structIterator()) members.set(fieldName(name), [name, member]);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const member = members.get(key);
      if (member) out[member[0]] = toSdkInput(v, member[1]);
      else out[key] = v;
    }
    return out;
  }
  if (schema.isListSchema()) {
    return Array.isArray(value) ? value.map((v) => toSdkInput(v, schema.getValueSchema())) : value;
  }
  if (schema.isMapSchema()) {
    if (!isRecord(value)) return value;
    const inner = schema.getValueSchema();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toSdkInput(v, inner)]));
  }
  if (schema.isBlobSchema()) return blobInput(value, isHttpPayload(schema));
  if (schema.isTimestampSchema()) return timestampInput(value);
  // A JSON value where the API takes a string is sent as its JSON text: the corpus case
  // test_sfn_start_execution_implicit_json_serialisation starts an execution with Input {"key": "value"}.
  if (schema.isStringSchema() && typeof value !== 'string') return JSON.stringify(value);
  return value;
}

/**
 * SDK output → the task result: PascalCase members, `$metadata` and other non-members dropped,
 * timestamps as ISO-8601 text, blobs as text (the HTTP body, like S3 GetObject's Body) or base64.
 */
export async function fromSdkOutput(value: unknown, schema: NormalizedSchema | undefined): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (schema === undefined) return plain(value);
  if (schema.isStructSchema()) {
    if (!isRecord(value)) return plain(value);
    const out: Record<string, unknown> = {};
    for (const [name, member] of schema.structIterator()) {
      const v = value[name];
      if (v !== undefined) out[fieldName(name)] = await fromSdkOutput(v, member);
    }
    return out;
  }
  if (schema.isListSchema()) {
    if (!Array.isArray(value)) return plain(value);
    const inner = schema.getValueSchema();
    return Promise.all(value.map((v) => fromSdkOutput(v, inner)));
  }
  if (schema.isMapSchema()) {
    if (!isRecord(value)) return plain(value);
    const inner = schema.getValueSchema();
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await fromSdkOutput(v, inner)]),
    );
    return Object.fromEntries(entries);
  }
  if (schema.isBlobSchema()) {
    const bytes = await blobBytes(value);
    if (bytes === undefined) return plain(value);
    return isHttpPayload(schema) ? utf8.decode(bytes) : Buffer.from(bytes).toString('base64');
  }
  return plain(value);
}

/** Without a schema (an older, non-schema client): only what JSON cannot carry is converted. */
async function plainAsync(value: unknown): Promise<unknown> {
  const bytes = await blobBytes(value);
  return bytes === undefined ? plain(value) : utf8.decode(bytes);
}

function plain(value: unknown): unknown {
  if (value instanceof Date) return javaInstant(value);
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return utf8.decode(value);
  if (Array.isArray(value)) return value.map(plain);
  if (isRecord(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k, v]) => k !== '$metadata' && v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

/** Output of a command whose client carries no schema: `$metadata` dropped, streams read as text. */
export async function plainOutput(value: unknown): Promise<unknown> {
  if (!isRecord(value)) return plain(value);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k !== '$metadata' && v !== undefined) out[k] = await plainAsync(v);
  }
  return out;
}

/**
 * Timestamps as the Java SDK prints an Instant: ISO-8601 in UTC, the fraction only when not
 * zero. The corpus shows timestamps as zoned ISO-8601 text (its `{{ph:date}}`); the exact
 * fraction AWS writes is not recorded there.
 */
export function javaInstant(date: Date): string {
  const iso = date.toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

const utf8 = new TextDecoder('utf-8');

function isHttpPayload(schema: NormalizedSchema): boolean {
  return Boolean(schema.getMergedTraits().httpPayload) || schema.isStreaming();
}

/**
 * A blob argument. The HTTP body (S3 PutObject's Body) receives the value's JSON text, strings
 * included: the corpus records Body "text data" stored as the 11 bytes `"text data"` (its ETag
 * is that text's MD5). A blob inside a JSON or XML document is base64 text on the wire, and is
 * taken as such.
 */
function blobInput(value: unknown, payload: boolean): unknown {
  if (value instanceof Uint8Array) return value;
  if (!payload && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  return new TextEncoder().encode(JSON.stringify(value));
}

function timestampInput(value: unknown): unknown {
  if (typeof value === 'number') return new Date(value * 1000);
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  return value;
}

/** The bytes of a blob the SDK returns: a Uint8Array, or a stream with `transformToByteArray`. */
async function blobBytes(value: unknown): Promise<Uint8Array | undefined> {
  if (value instanceof Uint8Array) return value;
  const stream = value as { transformToByteArray?: () => Promise<Uint8Array> };
  if (typeof stream?.transformToByteArray === 'function') return stream.transformToByteArray();
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
  );
}
