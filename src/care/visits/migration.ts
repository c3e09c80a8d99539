/**
 * Table of village-clinic visits (migration 0331-care-visits), kept by the visits projector in the
 * FHIR write transaction of every Encounter that records a visit outcome: one narrow row per visit
 * with the clinic and its org unit, the time, the outcome (resolved | teleconsult | referred) and the
 * referral or teleconsultation it led to; the resident's golden id and org unit like every
 * patient-owned row.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const visitsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE care_visit (
        encounter_id text PRIMARY KEY, resident_id text NOT NULL, patient_id text NOT NULL, org_unit text,
        clinic_org text, clinic_org_unit text, visit_at timestamptz NOT NULL, outcome text NOT NULL,
        referral_id text, teleconsult_id text
      );
      CREATE INDEX care_visit_org_unit ON care_visit (org_unit text_pattern_ops, visit_at);
      CREATE INDEX care_visit_clinic ON care_visit (clinic_org_unit text_pattern_ops, visit_at);
      CREATE INDEX care_visit_resident ON care_visit (resident_id)
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE care_visit');
  },
};
