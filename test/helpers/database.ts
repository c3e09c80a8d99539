/**
 * A fresh database per test file: in-memory PGlite by default, or a new PostgreSQL database
 * created on the server of TEST_DATABASE_URL (and dropped afterwards) when that is set.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateToLatest, openDatabase, type OpenDatabase } from '../../src/foundation/db/index.js';
import { DOMAIN_MIGRATIONS } from '../../src/server/modules.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const backend = TEST_DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase extends OpenDatabase {
  /** Connection URL when on PostgreSQL. */
  url?: string;
  drop(): Promise<void>;
}

let templateBlob: Blob | undefined;

/** The migrated template of test/helpers/pglite-template.ts (read once per test file), if this run has one. */
function pgliteTemplate(): Blob | undefined {
  const file = inject('pgliteTemplate');
  if (!file) return undefined;
  templateBlob ??= new Blob([readFileSync(file)]);
  return templateBlob;
}

/**
 * An in-memory PGlite, migrated; started from a data-directory tarball when given (the run's migrated
 * template, or the e2e district seeded once by test/e2e/global-setup.ts).
 */
export async function pgliteDatabase(tarball?: Blob): Promise<TestDatabase> {
  const opened = await openDatabase({ kind: 'pglite', dataDir: null, ...(tarball ? { loadDataDir: tarball } : {}) });
  await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
  return { ...opened, drop: () => opened.close() };
}

/** Opens and migrates a fresh, empty database (on PGlite from the run's migrated template, when there is one). */
export async function freshDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) return pgliteDatabase(pgliteTemplate());
  const name = `hb_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const opened = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 5 });
  await migrateToLatest(opened.db, DOMAIN_MIGRATIONS);
  return {
    ...opened,
    url: url.toString(),
    drop: async () => {
      await opened.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      // Let the pool's connections finish closing (up to 5 s) before FORCE terminates what is left.
      for (let i = 0; i < 50; i++) {
        const open = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (open.rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
