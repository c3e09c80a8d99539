/**
 * Opens the database: PGlite in a data directory (embedded default) or a PostgreSQL server
 * (DATABASE_URL). Both speak PostgreSQL; the same Kysely queries and migrations run on each.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { PGliteDialect } from './pglite-dialect.js';
import type { DB } from './schema.js';

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string | null /* null = in memory */; /** Start from this `dumpDataDir` tarball instead of an empty cluster (tests: a migrated template). */ loadDataDir?: Blob }
  | { kind: 'postgres'; url: string; poolSize?: number };

export interface OpenDatabase {
  db: Kysely<DB>;
  kind: DatabaseTarget['kind'];
  close(): Promise<void>;
  /** PGlite only: the data directory as an uncompressed tarball (a template for `loadDataDir`). */
  dumpDataDir?(): Promise<Blob>;
}

// Return numeric and int8 as JavaScript numbers (the store keeps counts and versions well below 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Opens (and creates, for PGlite) the database described by `target`. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  if (target.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: target.url, max: target.poolSize ?? 10 });
    // An idle client whose backend goes away (server restart, pg_terminate_backend, DROP DATABASE …
    // WITH (FORCE)) emits 'error' on the pool; unhandled, that would crash the process. The pool
    // discards the client and opens a new one on the next query (node-postgres docs, "Pool: error").
    pool.on('error', (err: Error & { code?: string }) => process.emitWarning(`idle PostgreSQL connection closed (${err.code ?? 'no code'})`));
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  if (target.dataDir) mkdirSync(target.dataDir, { recursive: true });
  const pglite = new PGlite({ ...(target.dataDir ? { dataDir: target.dataDir } : {}), ...(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {}) });
  await pglite.waitReady;
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy(), dumpDataDir: () => pglite.dumpDataDir('none') };
}
