#!/usr/bin/env node
// The `wf` command. Installs dependencies on first use, then runs the TypeScript CLI with tsx in a
// child process, forwards SIGINT, SIGTERM and SIGHUP to it, and exits only once it has exited,
// with its exit status (128 + the signal's number if a signal ended it), as a shell reports it.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureInstalled } from '../scripts/ensure-installed.js';

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureInstalled();
const child = spawn(
  process.execPath,
  ['--import', 'tsx', join(root, 'cli', 'main.ts'), ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    // cognito-local loads the AWS SDK v2, which prints an end-of-support notice at every start;
    // the project itself uses v3 only.
    env: { AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1', ...process.env },
    // Its own process group: Ctrl-C in a terminal signals the whole foreground group, which would
    // reach the CLI twice (from the terminal and forwarded from here) and PostgreSQL, its child,
    // directly, shutting the database down while the local cloud still runs executions against
    // it. In a group of its own the CLI gets each signal once, from here, and stops its services
    // in order, PostgreSQL last. (On Windows `detached` opens a console instead.)
    detached: process.platform !== 'win32',
  },
);
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of FORWARDED) process.on(signal, forward);
child.once('error', (error) => {
  process.stderr.write(`wf: cannot run ${process.execPath}: ${error.message}\n`);
  process.exit(1);
});
child.once('exit', (code, signal) => {
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
});
