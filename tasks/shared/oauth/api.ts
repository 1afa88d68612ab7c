/**
 * Requests to the provider's resource APIs: a time limit on each, 5xx and network failures as
 * ProviderUnavailable, and never a body or header of the request in an error (they carry tokens).
 */
import { ProviderError, ProviderUnavailable } from './errors.ts';

const TIMEOUT_MS = 8_000;

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
  const text = await response.text();
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
  const code = (body as { error?: unknown } | undefined)?.error;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : undefined;
}
