#!/usr/bin/env node
// `npm test`: installs what is missing, then type-checks, lints and runs every vitest suite,
// and closes with one line `Tests: N passed, N failed` (type-check and lint count as one test each).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBrowser } from './ensure-browser.js';
import { ensureInstalled } from './ensure-installed.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
ensureInstalled();
// A missing browser is reported by the browser tests themselves, as a failure with the fix.
ensureBrowser();

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (label, command, args) => {
  process.stdout.write(`\n== ${label}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status === 0;
};

let passed = 0;
let failed = 0;
const count = (ok) => (ok ? passed++ : failed++);

count(run('typecheck (tsc)', bin('tsc'), ['--noEmit', '-p', '.']));
count(run('lint (biome)', bin('biome'), ['check', '.']));

mkdirSync(join(root, 'test-artifacts'), { recursive: true });
const report = join(root, 'test-artifacts', 'vitest.json');
const vitestOk = run('tests (vitest)', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  passed += results.numPassedTests ?? 0;
  failed += results.numFailedTests ?? 0;
  // A suite that failed to load has no failed test but must still fail the run.
  if (!vitestOk && (results.numFailedTests ?? 0) === 0) failed++;
} else if (!vitestOk) {
  failed++;
}

process.stdout.write(`\nTests: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
