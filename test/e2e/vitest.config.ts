import { defineConfig } from 'vitest/config';

/** End-to-end tests: the built web app, the real server and a real Chromium. Not part of `npm test`. */
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: 'forks',
    fileParallelism: false,
    // Builds the web app and seeds the district once; each file's server starts from a copy.
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
