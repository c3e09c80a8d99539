/**
 * e2e globalSetup: builds the web app once and seeds the small simulated district once, into an
 * in-memory PGlite whose data directory is dumped to a temporary tarball. Each test file's server
 * (harness.ts startServer) starts from a copy of that tarball, so every file still gets its own
 * database, without building and seeding again (seeding was most of each file's set-up time).
 */
import type { TestProject } from 'vitest/node';
import { buildApp, seedDemoDistrict } from '../../src/server/index.js';
import { dumpPglite } from '../helpers/pglite-template.js';
import { buildWeb, RESIDENTS } from './harness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the seeded district's PGlite tarball, and the seconds the build and the seeding took. */
    e2eDistrict: { file: string; build: number; seed: number };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const t0 = Date.now();
  await buildWeb();
  const t1 = Date.now();
  const { file, remove } = await dumpPglite('hb-e2e-district-', async (db) => {
    const app = await buildApp({ db, logLevel: 'silent' });
    try {
      await seedDemoDistrict(app.store, { residents: RESIDENTS, years: 1 });
    } finally {
      await app.close();
    }
  });
  project.provide('e2eDistrict', { file, build: (t1 - t0) / 1000, seed: (Date.now() - t1) / 1000 });
  return remove;
}
