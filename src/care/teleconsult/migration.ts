/**
 * Table of teleconsultation (migration 0330-care-teleconsult), kept by the teleconsult projector in
 * the FHIR write transaction of every teleconsultation Task: one narrow row per request with both
 * facilities and their org units, the state, the time of each step and the turnaround (request →
 * answer, minutes); carries the resident's golden id and org unit like every patient-owned row.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const teleconsultMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE care_teleconsult (
        task_id text PRIMARY KEY, resident_id text NOT NULL, patient_id text NOT NULL, org_unit text,
        requester_org text NOT NULL, requester_name text, requester_org_unit text,
        consultant_org text NOT NULL, consultant_name text, consultant_org_unit text,
        encounter_id text, priority text NOT NULL, question text NOT NULL, attachments integer NOT NULL,
        status text NOT NULL, requested_at timestamptz NOT NULL, answered_at timestamptz, declined_at timestamptz,
        cancelled_at timestamptz, updated_at timestamptz NOT NULL, turnaround_minutes integer
      );
      CREATE INDEX care_teleconsult_consultant ON care_teleconsult (consultant_org_unit text_pattern_ops, requested_at);
      CREATE INDEX care_teleconsult_requester ON care_teleconsult (requester_org_unit text_pattern_ops, requested_at);
      CREATE INDEX care_teleconsult_org_unit ON care_teleconsult (org_unit text_pattern_ops, requested_at);
      CREATE INDEX care_teleconsult_resident ON care_teleconsult (resident_id)
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE care_teleconsult');
  },
};
