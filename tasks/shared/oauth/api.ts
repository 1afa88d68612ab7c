/**
 * Requests to the provider's resource APIs: a time limit on each, 5xx and network failures as
 * ProviderUnavailable, and never a body or header of the request in an error (they carry tokens).
 */
import { ProviderError, ProviderUnavailable, plainErrorCode } from './errors.ts';

const TIMEOUT_MS = 8_000;
/** The most of a body read: a page of resources is a few KiB; a provider sending more is refused. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

export async function callApi(
  what: string,
  url: string,
  init: { readonly method?: string; readonly headers: Record<string, string>; readonly body?: string },
): Promise<ApiAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    throw new ProviderUnavailable(`${what} could not be reached (${name}).`);
  }
  if (response.status >= 500) {
    await response.body?.cancel();
    throw new ProviderUnavailable(`${what} failed (HTTP ${response.status}).`);
  }
  const text = await boundedText(response, what);
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ProviderError(`${what} answered HTTP ${response.status} with a body that is not JSON.`);
  }
  return { status: response.status, body };
}

/** The `error` code of an OAuth-style error body, if it has one made of plain characters. */
export function errorCode(body: unknown): string | undefined {
  return plainErrorCode((body as { error?: unknown } | undefined)?.error);
}

/** The body as text, refused past MAX_BODY_BYTES (by its declared length, else as it streams). */
async function boundedText(response: Response, what: string): Promise<string> {
  const tooLarge = () => new ProviderError(`${what} answered more than ${MAX_BODY_BYTES} bytes.`);
  if (Number(response.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderUnavailable(`${what} broke off its answer (${(error as Error).name}).`);
  }
  return Buffer.concat(chunks).toString('utf8');
}
