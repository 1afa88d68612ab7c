/**
 * The sandbox's failure switches and request counters, owned by one started instance. Tests and
 * the console flip a switch to make API A or API B fail, slow down, or refuse the refresh token,
 * and read the counters to prove how many token, revocation and API requests the app made.
 */
import { z } from 'zod';
import { SandboxProviderError } from './errors.ts';

export interface SandboxSwitches {
  apiA: 'ok' | 'fail';
  apiB: 'ok' | 'fail' | 'slow' | 'invalid_grant';
  apiBDelayMs: number;
}

export interface SandboxStats {
  readonly tokenRequests: { readonly authorization_code: number; readonly refresh_token: number };
  readonly revocations: number;
  readonly apiA: number;
  readonly apiBSessions: number;
  readonly apiB: number;
}

/** A partial switch update, as `setSwitches` and `POST /_sandbox/switches` accept it. */
export const switchesUpdateSchema = z
  .object({
    apiA: z.enum(['ok', 'fail']),
    apiB: z.enum(['ok', 'fail', 'slow', 'invalid_grant']),
    apiBDelayMs: z.number().int().min(0).max(600_000),
  })
  .partial()
  .strict();

export const DEFAULT_SWITCHES: Readonly<SandboxSwitches> = { apiA: 'ok', apiB: 'ok', apiBDelayMs: 5000 };

/** Explains a refused update: each field, what was wrong, the allowed values. */
export function describeSwitchesError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .concat('allowed: apiA ok|fail; apiB ok|fail|slow|invalid_grant; apiBDelayMs integer 0..600000')
    .join('; ');
}

type Counters = {
  authorization_code: number;
  refresh_token: number;
  revocations: number;
  apiA: number;
  apiBSessions: number;
  apiB: number;
};

function zeroCounters(): Counters {
  return { authorization_code: 0, refresh_token: 0, revocations: 0, apiA: 0, apiBSessions: 0, apiB: 0 };
}

/** One instance's switches and counters. */
export class SandboxControls {
  #switches: SandboxSwitches = { ...DEFAULT_SWITCHES };
  #counters: Counters = zeroCounters();

  switches(): SandboxSwitches {
    return { ...this.#switches };
  }

  setSwitches(update: unknown): void {
    const parsed = switchesUpdateSchema.safeParse(update);
    if (!parsed.success)
      throw new SandboxProviderError(`Sandbox switches refused: ${describeSwitchesError(parsed.error)}`);
    this.#switches = { ...this.#switches, ...definedOnly(parsed.data) };
  }

  count(counter: keyof Counters): void {
    this.#counters[counter] += 1;
  }

  stats(): SandboxStats {
    const c = this.#counters;
    return {
      tokenRequests: { authorization_code: c.authorization_code, refresh_token: c.refresh_token },
      revocations: c.revocations,
      apiA: c.apiA,
      apiBSessions: c.apiBSessions,
      apiB: c.apiB,
    };
  }

  resetStats(): void {
    this.#counters = zeroCounters();
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
