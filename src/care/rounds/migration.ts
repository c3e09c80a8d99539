/**
 * Table of the mobile doctors' offline capture (migration 0320-care-rounds):
 * care_round_sync — one row per visit record a client captured offline and the server accepted,
 * keyed by the client-generated id (UUID v4, as Simple's app makes its ids: docs/care.md). It
 * holds the fingerprint of the payload first accepted, who sent it, when it was recorded on the
 * device and received here, and the server's result (the FHIR resources written), so a replay
 * of the same record answers the same result and writes nothing. The row is written in the
 * transaction of the follow-up it maps (commits with it or not at all). Patient-owned: carries
 * the resident's golden id and org unit.
 * care_round_plan — the residents each round plan put on a team's list for a day (written when the
 * plan is asked for), the denominator of the mobile-round coverage (rounds-coverage.ts).
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const roundsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE care_round_sync (
        client_id uuid PRIMARY KEY, fingerprint text NOT NULL, actor text NOT NULL,
        patient_id text NOT NULL, resident_id text NOT NULL, org_unit text, visit_date date NOT NULL,
        recorded_at timestamptz NOT NULL, received_at timestamptz NOT NULL, encounter_id text NOT NULL, result jsonb NOT NULL
      );
      CREATE INDEX care_round_sync_org ON care_round_sync (org_unit text_pattern_ops, visit_date);
      CREATE INDEX care_round_sync_resident ON care_round_sync (resident_id, visit_date);
      CREATE TABLE care_round_plan (
        team text NOT NULL, plan_date date NOT NULL, resident_id text NOT NULL, org_unit text, priority text NOT NULL,
        planned_at timestamptz NOT NULL, PRIMARY KEY (team, plan_date, resident_id)
      );
      CREATE INDEX care_round_plan_team ON care_round_plan (team text_pattern_ops, plan_date)
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE care_round_plan; DROP TABLE care_round_sync');
  },
};
