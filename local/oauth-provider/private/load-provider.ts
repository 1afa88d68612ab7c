/**
 * Loads oidc-provider with its start-up notices routed to the sandbox's log. On import it prints a
 * coloured "unsupported runtime" warning on Node 20 (it prefers 22); that line goes through
 * `log` once instead of the terminal. Only console lines that name oidc-provider are diverted,
 * and only while the import runs; the console is restored before anything else happens.
 */
import { stripVTControlCharacters } from 'node:util';
import type * as OidcProvider from 'oidc-provider';

export async function importOidcProvider(log: (line: string) => void): Promise<typeof OidcProvider> {
  const { warn, info } = console;
  const divert =
    (original: (...args: unknown[]) => void) =>
    (...args: unknown[]): void => {
      const text = args.map(String).join(' ');
      if (text.includes('oidc-provider')) log(stripVTControlCharacters(text));
      else original(...args);
    };
  const diverted = { warn: divert(warn), info: divert(info) };
  console.warn = diverted.warn;
  console.info = diverted.info;
  try {
    return await import('oidc-provider');
  } finally {
    // Restore only what this call replaced (two starts at once must not leave a diversion behind).
    if (console.warn === diverted.warn) console.warn = warn;
    if (console.info === diverted.info) console.info = info;
  }
}
