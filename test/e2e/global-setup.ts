/**
 * e2e globalSetup: builds the web app once and seeds the small simulated district once, into an
 * in-memory PGlite whose data directory is dumped to a temporary tarball. Each test file's server
 * (harness.ts startServer) starts from a copy of that tarball, so every file still gets its own
 * database, without building and seeding again (seeding was most of each file's set-up time).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { migrateToLatest, openDatabase } from '../../src/foundation/db/index.js';
import { buildApp, seedDemoDistrict } from '../../src/server/index.js';
import { DOMAIN_MIGRATIONS } from '../../src/server/modules.js';
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
  const dir = mkdtempSync(join(tmpdir(), 'hb-e2e-district-'));
  const opened = await openDatabase({ kind: 'pglite', dataDir: null });
  await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
  const app = await buildApp({ db: opened.db, logLevel: 'silent' });
  await seedDemoDistrict(app.store, { residents: RESIDENTS, years: 1 });
  await app.close();
  if (!opened.dumpDataDir) throw new Error('PGlite database without dumpDataDir');
  const tarball = await opened.dumpDataDir();
  await opened.close();
  const file = join(dir, 'district.tar');
  writeFileSync(file, new Uint8Array(await tarball.arrayBuffer()));
  project.provide('e2eDistrict', { file, build: (t1 - t0) / 1000, seed: (Date.now() - t1) / 1000 });
  return () => rmSync(dir, { recursive: true, force: true });
}
