/**
 * Tables of the hypertension / type 2 diabetes registry and the medication service (issue 6):
 * more projections (residents, prescriptions, enrolments), the registry itself (one row per
 * resident and programme, recomputed in the write transaction), call outcomes of the overdue
 * lists, and protocol-drug stock per facility. Every patient-owned row carries resident_id and
 * org_unit.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const chronicRegistryMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE proj_resident (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, birth_date date, deceased date, care_team text);
      CREATE INDEX proj_resident_resident ON proj_resident (resident_id);
      ALTER TABLE proj_encounter ADD COLUMN kind text;
      ALTER TABLE proj_encounter ADD COLUMN next_planned date;
      ALTER TABLE proj_dispense ADD COLUMN prescription text;
      ALTER TABLE proj_dispense ADD COLUMN flag text;
      CREATE TABLE proj_prescription (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, authored date NOT NULL, drug text NOT NULL, drug_class text NOT NULL, category text, days_supply integer NOT NULL, repeats integer NOT NULL, status text NOT NULL);
      CREATE INDEX proj_prescription_resident ON proj_prescription (resident_id, authored);
      CREATE TABLE proj_episode (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, category text NOT NULL, status text NOT NULL, start date, care_team text);
      CREATE INDEX proj_episode_resident ON proj_episode (resident_id);
      CREATE TABLE chronic_registry (
        resident_id text NOT NULL, category text NOT NULL, org_unit text, care_team text, basis text NOT NULL, since date,
        birth_date date, deceased date, episode_id text, last_follow_up date, last_reading date, last_sbp numeric, last_dbp numeric,
        last_glucose numeric, control text NOT NULL, consecutive_uncontrolled integer NOT NULL, urgent boolean NOT NULL,
        urgent_reason text, referral boolean NOT NULL, next_due date,
        PRIMARY KEY (resident_id, category));
      CREATE INDEX chronic_registry_org ON chronic_registry (org_unit text_pattern_ops, next_due);
      CREATE INDEX chronic_registry_team ON chronic_registry (care_team, next_due);
      CREATE INDEX chronic_registry_urgent ON chronic_registry (org_unit text_pattern_ops) WHERE urgent;
      CREATE TABLE chronic_call (id text PRIMARY KEY, seq bigint GENERATED ALWAYS AS IDENTITY, resident_id text NOT NULL, org_unit text, category text, outcome text NOT NULL, reason text, call_again date, recorded_at timestamptz NOT NULL, actor text NOT NULL);
      CREATE INDEX chronic_call_resident ON chronic_call (resident_id, recorded_at DESC);
      CREATE TABLE chronic_stock (facility text NOT NULL, drug text NOT NULL, quantity numeric NOT NULL CHECK (quantity >= 0), updated_at timestamptz NOT NULL, PRIMARY KEY (facility, drug));
      CREATE TABLE chronic_stock_move (id text PRIMARY KEY, facility text NOT NULL, drug text NOT NULL, delta numeric NOT NULL, reason text NOT NULL, reference text, recorded_at timestamptz NOT NULL, actor text NOT NULL);
      CREATE INDEX chronic_stock_move_facility ON chronic_stock_move (facility, drug, recorded_at);
      CREATE TABLE chronic_indicator_rollup (
        condition text NOT NULL, as_of date NOT NULL, village text NOT NULL, computed_at timestamptz NOT NULL,
        registered integer NOT NULL, cohort integer NOT NULL, under_care integer NOT NULL, lost integer NOT NULL, controlled integer NOT NULL,
        uncontrolled integer NOT NULL, visited_no_measure integer NOT NULL, missed integer NOT NULL, controlled_national integer NOT NULL,
        uncontrolled_national integer NOT NULL, managed integer NOT NULL, standard integer NOT NULL, medication integer NOT NULL,
        PRIMARY KEY (condition, as_of, village))
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `DROP TABLE chronic_indicator_rollup; DROP TABLE chronic_stock_move; DROP TABLE chronic_stock; DROP TABLE chronic_call; DROP TABLE chronic_registry; DROP TABLE proj_episode;
       DROP TABLE proj_prescription; ALTER TABLE proj_dispense DROP COLUMN flag; ALTER TABLE proj_dispense DROP COLUMN prescription;
       ALTER TABLE proj_encounter DROP COLUMN next_planned; ALTER TABLE proj_encounter DROP COLUMN kind; DROP TABLE proj_resident`,
    );
  },
};
