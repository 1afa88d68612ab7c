#!/usr/bin/env node
// The browser tests drive Debian's chromium (never a downloaded browser). When it is missing and
// this runs as root on a Debian-like system, it is installed with apt-get, so `npm test` works
// as the first command on a fresh machine; otherwise the message says what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureBrowser() {
  if (existsSync(CHROMIUM)) return true;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !apt) {
    process.stderr.write(
      `${CHROMIUM} is missing and cannot be installed from here: run "sudo apt-get install chromium" (the browser tests need it).\n`,
    );
    return false;
  }
  process.stderr.write('Installing chromium for the browser tests (apt-get) - first run only...\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (result.status !== 0) {
      process.stderr.write(
        `apt-get ${args.join(' ')} failed (exit ${result.status}); the browser tests will fail.\n`,
      );
      return false;
    }
  }
  return existsSync(CHROMIUM);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  process.exit(ensureBrowser() ? 0 : 1);
