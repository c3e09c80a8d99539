/**
 * No planner statistics for the stored JSON documents (`fhir_resource.content`,
 * `fhir_resource_history.content`, `mpi_feature.record`): no query filters on a whole document, so
 * their statistics were never used, but every ANALYZE detoasted and compared 30,000 sampled documents
 * per table to build them. Statistics target 0 makes ANALYZE skip the column (PostgreSQL 15
 * ALTER TABLE … SET STATISTICS). Measured on bench:fhir's store (100,000 Patients): ANALYZE of the
 * three tables 1.85 → 1.15 s, of the whole database 2.55 → ≈ 1.85 s (docs/benchmarks.md).
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE fhir_resource ALTER COLUMN content SET STATISTICS 0;
    ALTER TABLE fhir_resource_history ALTER COLUMN content SET STATISTICS 0;
    ALTER TABLE mpi_feature ALTER COLUMN record SET STATISTICS 0;
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    ALTER TABLE fhir_resource ALTER COLUMN content SET STATISTICS -1;
    ALTER TABLE fhir_resource_history ALTER COLUMN content SET STATISTICS -1;
    ALTER TABLE mpi_feature ALTER COLUMN record SET STATISTICS -1;
  `);
}
