/**
 * What the browser tests share: the whole app on the local cloud (a fresh data directory) and
 * Debian's chromium driven by playwright-core, never a downloaded browser.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { type LocalApp, startLocalApp } from '../../local/app.ts';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserRig {
  readonly dir: string;
  readonly app: LocalApp;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** The app and the browser; the app is closed again if the browser cannot start. */
export async function startBrowserRig(prefix: string): Promise<BrowserRig> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); npm test does so as root.`,
    );
  }
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const app = await startLocalApp({ dataDir: dir });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  } catch (error) {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dir,
    app,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
