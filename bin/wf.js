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
    // cognito-local loads the AWS SDK v2, which prints an end-of-support notice at every start;
    // the project itself uses v3 only.
    env: { AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', ...process.env },
  },
);
process.exit(result.status ?? 1);
