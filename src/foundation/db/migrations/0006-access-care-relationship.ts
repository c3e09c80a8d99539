/**
 * Care relationships (issues 8 and 10): a facility (its org unit, the grantee) takes care of a
 * resident for a while because a workflow put the resident in its hands — today a referral it
 * accepted. The access compiler lets clinical roles of the grantee read the resident's whole record
 * while the relationship is valid (see src/foundation/access/care-relationship.ts).
 *
 * `resident_id` is the store's resident key (the Patient id rows carry); the other Patients linked
 * to the same golden person (mpi_link) are reached at query time, so merges and unmerges follow.
 * The predicate selects the residents of the caller's grantee prefix once per query, hence the
 * index on (grantee_org_unit, resident_id) with text_pattern_ops for the LIKE prefix match.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE access_care_relationship (
      source text NOT NULL,
      grantee_org_unit text NOT NULL,
      resident_id text NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      updated timestamptz NOT NULL,
      PRIMARY KEY (source, grantee_org_unit)
    );
    CREATE INDEX access_care_relationship_grantee ON access_care_relationship (grantee_org_unit text_pattern_ops, resident_id);
    CREATE INDEX access_care_relationship_resident ON access_care_relationship (resident_id)
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, 'DROP TABLE access_care_relationship');
}
