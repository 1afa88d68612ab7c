import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // Two test files at once: vitest's default on 2 cores is one (cores - 1), and most suites
    // spend their time waiting on local services (PostgreSQL, HTTP), not on the CPU.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
