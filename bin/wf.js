#!/usr/bin/env node
// The `wf` command. Installs dependencies on first use, then runs the TypeScript CLI with tsx.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from '../scripts/ensure-installed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureInstalled();
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
