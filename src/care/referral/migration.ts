/**
 * Tables of two-way referral (migration 0300-care-referral), kept by the referral projector in the
 * FHIR write transaction of every referral Task:
 * - care_referral: one narrow row per referral (ServiceRequest id) with both facilities, their org
 *   units and levels, the derived direction, the state, the time of each step and the SLA due times;
 *   carries the resident's golden id and org unit like every patient-owned row.
 * - care_referral_event: every transition (from, to, who, when, note) in order.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const referralMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE care_referral (
        referral_id text PRIMARY KEY, task_id text NOT NULL UNIQUE,
        resident_id text NOT NULL, patient_id text NOT NULL, org_unit text,
        requester_org text NOT NULL, requester_name text, requester_org_unit text, requester_level integer,
        performer_org text NOT NULL, performer_name text, performer_org_unit text, performer_level integer,
        direction text NOT NULL, priority text NOT NULL, reason_code text, reason_text text, status text NOT NULL,
        requested_at timestamptz NOT NULL, accepted_at timestamptz, rejected_at timestamptz, scheduled_at timestamptz,
        appointment_at timestamptz, seen_at timestamptz, returned_at timestamptz, closed_at timestamptz, cancelled_at timestamptz,
        updated_at timestamptz NOT NULL, seen_due_at timestamptz NOT NULL, return_due_at timestamptz
      );
      CREATE INDEX care_referral_performer ON care_referral (performer_org_unit text_pattern_ops, requested_at);
      CREATE INDEX care_referral_requester ON care_referral (requester_org_unit text_pattern_ops, requested_at);
      CREATE INDEX care_referral_resident ON care_referral (resident_id);
      CREATE INDEX care_referral_requested ON care_referral (requested_at);
      CREATE TABLE care_referral_event (
        referral_id text NOT NULL, seq integer NOT NULL, from_status text, to_status text NOT NULL,
        actor text NOT NULL, at timestamptz NOT NULL, note text, resident_id text NOT NULL,
        PRIMARY KEY (referral_id, seq)
      )
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE care_referral_event; DROP TABLE care_referral');
  },
};
