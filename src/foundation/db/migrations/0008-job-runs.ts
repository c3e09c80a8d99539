/**
 * One row per daily job and day that some server process has claimed (src/foundation/jobs
 * job-claims.ts): with several server processes on one database, each daily job runs once a day,
 * in the process that claimed the day first.
 */
import type { Kysely } from 'kysely';
import { execStatements } from '../exec-statements.js';

export async function up(db: Kysely<any>): Promise<void> {
  await execStatements(db, `
    CREATE TABLE job_run (
      job text NOT NULL,
      day date NOT NULL,
      claimed_by text NOT NULL,
      claimed_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      outcome text,
      PRIMARY KEY (job, day)
    )
  `);
}

export async function down(db: Kysely<any>): Promise<void> {
  await execStatements(db, `DROP TABLE job_run`);
}
