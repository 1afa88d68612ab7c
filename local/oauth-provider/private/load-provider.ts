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
  console.warn = divert(warn);
  console.info = divert(info);
  try {
    return await import('oidc-provider');
  } finally {
    console.warn = warn;
    console.info = info;
  }
}
