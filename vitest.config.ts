import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts', 'web/src/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Vitest's default is one worker fewer than the CPUs: on the project's 2-core machines, one at a
    // time. The test databases are per file, so files run side by side safely.
    maxWorkers: '100%',
    // Files share a worker's module graph instead of importing the server's modules afresh for each
    // file (measured 2 Dec 2026: the PGlite suite 431 s → 209 s wall on 2 vCPUs). Tests therefore
    // must leave no process-wide state behind: close databases, restore timers, env, mocks, globals
    // (test/helpers/cli.ts restores what a command changes). Each file still has its own database.
    isolate: false,
    // One migrated PGlite template per run; each test database starts from it (test/helpers/database.ts).
    globalSetup: ['test/helpers/pglite-template.ts'],
  },
});
