/**
 * Tables of the specialised-disease centres (migration 0310-care-centres), kept by the centres
 * projector in the FHIR write transaction:
 * - care_centre_enrolment: the registry of each centre, one narrow row per enrolment
 *   (EpisodeOfCare typed with the centre code): centre, resident golden id, Patient, org unit,
 *   facility, the Condition that qualified, enrolled/ended, status.
 * - care_centre_milestone: pathway milestones (emergency arrivals, thrombolysis, PCI) of every
 *   resident, with the Encounter they belong to (pathway.ts); the pathway times are paired from them.
 * Both are patient-owned and carry resident_id and org_unit.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const centresMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE care_centre_enrolment (
        episode_id text PRIMARY KEY, centre text NOT NULL, resident_id text NOT NULL, patient_id text NOT NULL, org_unit text,
        facility text, condition_id text, enrolled timestamptz NOT NULL, ended timestamptz, status text NOT NULL
      );
      CREATE INDEX care_centre_enrolment_resident ON care_centre_enrolment (centre, resident_id);
      CREATE INDEX care_centre_enrolment_org ON care_centre_enrolment (org_unit text_pattern_ops, centre, enrolled);
      CREATE TABLE care_centre_milestone (
        resource_type text NOT NULL, resource_id text NOT NULL, resident_id text NOT NULL, org_unit text,
        kind text NOT NULL, at timestamptz NOT NULL, encounter_id text,
        PRIMARY KEY (resource_type, resource_id)
      );
      CREATE INDEX care_centre_milestone_resident ON care_centre_milestone (resident_id, kind, at);
      CREATE INDEX care_centre_milestone_kind ON care_centre_milestone (kind, at)
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE care_centre_milestone; DROP TABLE care_centre_enrolment');
  },
};
