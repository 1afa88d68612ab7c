#!/usr/bin/env node
// Installs the project's npm dependencies when they are missing or older than the lockfile,
// so that `npm start` and `npm test` work as the very first command on a fresh clone.
// Plain JavaScript with no dependencies: it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh =
    existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  // `npm install`, not `npm ci`: npm 11 writes platform-specific optional packages into the
  // lockfile without versions when the registry is a mirror, and `npm ci` then refuses the
  // lockfile (npm/cli#9342); `npm install` still installs the locked versions.
  process.stderr.write('Installing npm dependencies (npm install) - first run only...\n');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(
      `npm install failed (exit ${result.status}). Fix the error above and run the command again.\n`,
    );
    process.exit(result.status ?? 1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureInstalled();
