/**
 * Master patient index (issue 4): golden persons, links Patient → person, the blocking-key index
 * for real-time candidate lookup, the matching features of every Patient, the possible-match
 * review queue, the audit of link changes (merge, unmerge, confirm, reject) and the fitted models.
 *
 * Links, not overwrites: the store's `resident_id` stays the source Patient id (no FHIR row is ever
 * rewritten); `mpi_link` maps each Patient to its person, so a merge or an unmerge changes links only
 * and is reversible. Blocking keys are stored as 64-bit hashes (bigint) of `rule:value`: a hash
 * collision only adds a candidate, which the comparison then rejects. The key index carries the
 * Patient id so the candidate lookup is an index-only scan (PostgreSQL §11.9).
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE mpi_person (
      id text PRIMARY KEY,
      created timestamptz NOT NULL,
      updated timestamptz NOT NULL,
      status text NOT NULL DEFAULT 'active',
      merged_into text,
      resident_number text
    );
    CREATE INDEX mpi_person_merged ON mpi_person (merged_into) WHERE merged_into IS NOT NULL;

    CREATE TABLE mpi_link (
      patient_id text PRIMARY KEY,
      person_id text NOT NULL,
      how text NOT NULL,
      score double precision,
      linked_by text NOT NULL,
      linked_at timestamptz NOT NULL,
      org_unit text
    );
    CREATE INDEX mpi_link_person ON mpi_link (person_id);

    CREATE TABLE mpi_feature (
      patient_id text PRIMARY KEY,
      record jsonb NOT NULL,
      flags text NOT NULL DEFAULT '',
      updated timestamptz NOT NULL
    );

    CREATE TABLE mpi_block_key (
      key bigint NOT NULL,
      patient_id text NOT NULL
    );
    CREATE INDEX mpi_block_key_key ON mpi_block_key (key, patient_id);
    CREATE INDEX mpi_block_key_patient ON mpi_block_key (patient_id);

    CREATE TABLE mpi_review (
      id bigserial PRIMARY KEY,
      patient_a text NOT NULL,
      patient_b text NOT NULL,
      weight double precision NOT NULL,
      probability double precision NOT NULL,
      reason text NOT NULL,
      status text NOT NULL DEFAULT 'open',
      created timestamptz NOT NULL,
      decided_by text,
      decided_at timestamptz,
      UNIQUE (patient_a, patient_b)
    );
    CREATE INDEX mpi_review_open ON mpi_review (weight DESC) WHERE status = 'open';
    CREATE INDEX mpi_review_b ON mpi_review (patient_b);

    CREATE TABLE mpi_event (
      id bigserial PRIMARY KEY,
      recorded timestamptz NOT NULL,
      actor text NOT NULL,
      action text NOT NULL,
      patient_id text,
      from_person text,
      to_person text,
      detail text
    );
    CREATE INDEX mpi_event_patient ON mpi_event (patient_id, recorded);
    CREATE INDEX mpi_event_person ON mpi_event (to_person, recorded);

    CREATE TABLE mpi_model (
      id bigserial PRIMARY KEY,
      created timestamptz NOT NULL,
      source text NOT NULL,
      records integer NOT NULL,
      model jsonb NOT NULL
    )
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    DROP TABLE mpi_model; DROP TABLE mpi_event; DROP TABLE mpi_review; DROP TABLE mpi_block_key;
    DROP TABLE mpi_feature; DROP TABLE mpi_link; DROP TABLE mpi_person;
  `);
}
