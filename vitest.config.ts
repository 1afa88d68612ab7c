import { defineConfig } from 'vitest/config';

/**
 * Suites that run the whole app, or the tasks' handlers, each get modules of their own: the
 * handlers build their SDK clients once per module from the environment (as on Lambda), so a
 * second app in the same module cache would find the first one's endpoints. Every other suite
 * shares one module cache per worker: importing the AWS SDK, the CDK and the local services
 * again for each file took a third of the run.
 */
const ISOLATED = [
  'test/process/**/*.test.ts',
  'test/browser/**/*.test.ts',
  'test/tasks/**/*.test.ts',
  'test/cli/**/*.test.ts',
  'test/db/**/*.test.ts',
  'test/local/app-restart.test.ts',
  'test/local/deploy*.test.ts',
  'test/local/console/data-views.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    // Two test files at once: vitest's default on 2 cores is one (cores - 1), and most suites
    // spend their time waiting on local services (PostgreSQL, HTTP), not on the CPU.
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      {
        extends: true,
        test: { name: 'shared', include: ['test/**/*.test.ts'], exclude: ISOLATED, isolate: false },
      },
    ],
  },
});
