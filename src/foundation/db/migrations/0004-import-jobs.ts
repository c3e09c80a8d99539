/**
 * Bulk import jobs of the server's FHIR `$import` (issue 3): one row per submitted NDJSON body,
 * its state, counts and the first problems found (line number and reason, never the line itself).
 * A job still `queued` or `running` when the server stops is taken up again on the next start.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE import_job (
      id text PRIMARY KEY,
      owner_id text NOT NULL,
      owner jsonb NOT NULL,
      status text NOT NULL,
      body_path text NOT NULL,
      body_bytes bigint NOT NULL,
      created timestamptz NOT NULL,
      started timestamptz,
      finished timestamptz,
      stats jsonb,
      problems jsonb NOT NULL DEFAULT '[]',
      problem_count integer NOT NULL DEFAULT 0,
      error text
    );
    CREATE INDEX import_job_status ON import_job (status, created)
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, 'DROP TABLE import_job');
}
