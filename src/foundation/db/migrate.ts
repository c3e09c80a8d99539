/**
 * Numbered migrations (migrations/NNNN-name.ts), run in order on start and by `healthy-brain migrate`.
 * The list is static so that the compiled package and the test runner see the same set.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './migrations/0001-fhir-store.js';
import * as m0002 from './migrations/0002-access.js';
import * as m0003 from './migrations/0003-mpi.js';
import * as m0004 from './migrations/0004-import-jobs.js';
import * as m0005 from './migrations/0005-access-oidc.js';
import * as m0006 from './migrations/0006-access-care-relationship.js';
import * as m0007 from './migrations/0007-audit-source.js';
import * as m0008 from './migrations/0008-job-runs.js';
import * as m0009 from './migrations/0009-condition-as-index.js';
import * as m0010 from './migrations/0010-mpi-candidate-row.js';
import * as m0011 from './migrations/0011-json-column-statistics.js';
import * as m0012 from './migrations/0012-history-once.js';

const MIGRATIONS: Record<string, Migration> = {
  '0001-fhir-store': m0001,
  '0002-access': m0002,
  '0003-mpi': m0003,
  '0004-import-jobs': m0004,
  '0005-access-oidc': m0005,
  '0006-access-care-relationship': m0006,
  '0007-audit-source': m0007,
  '0008-job-runs': m0008,
  '0009-condition-as-index': m0009,
  '0010-mpi-candidate-row': m0010,
  '0011-json-column-statistics': m0011,
  '0012-history-once': m0012,
};

/** Lets a later module (server composition) append its own numbered migrations. */
export function migrationList(extra: Record<string, Migration> = {}): Record<string, Migration> {
  return { ...MIGRATIONS, ...extra };
}

class StaticProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/** Applies every pending migration; returns the names applied. Throws on the first failure. */
export async function migrateToLatest(db: Kysely<any>, extra: Record<string, Migration> = {}): Promise<string[]> {
  // Modules number their migrations in their own ranges (foundation 0001–0099, health management
  // 0100–0199, public health 0200–…), so a module's new migration can sort before one another module
  // already applied on an existing database; each migration only touches its own tables.
  const migrator = new Migrator({ db, provider: new StaticProvider(migrationList(extra)), allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
