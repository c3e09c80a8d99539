/**
 * Projection tables of digital health management: narrow typed rows, one per condition, BP
 * reading, glucose reading, encounter and dispense, kept by ChronicProjector in the write
 * transaction of the resource (DESIGN.md: indicators never parse JSON at query time).
 * Every row carries the resident's golden id and org unit.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const chronicMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE proj_condition (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, category text NOT NULL, code text NOT NULL, onset date, active boolean NOT NULL);
      CREATE INDEX proj_condition_cat ON proj_condition (category, org_unit text_pattern_ops);
      CREATE INDEX proj_condition_resident ON proj_condition (resident_id);
      CREATE TABLE proj_bp (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, effective date NOT NULL, sbp numeric NOT NULL, dbp numeric NOT NULL, plausible boolean NOT NULL);
      CREATE INDEX proj_bp_resident ON proj_bp (resident_id, effective DESC);
      CREATE TABLE proj_glucose (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, effective date NOT NULL, mmol_l numeric NOT NULL, plausible boolean NOT NULL);
      CREATE INDEX proj_glucose_resident ON proj_glucose (resident_id, effective DESC);
      CREATE TABLE proj_encounter (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, period_start date NOT NULL);
      CREATE INDEX proj_encounter_resident ON proj_encounter (resident_id, period_start DESC);
      CREATE TABLE proj_dispense (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, handed_over date NOT NULL, drug text NOT NULL, drug_class text NOT NULL, days_supply integer NOT NULL);
      CREATE INDEX proj_dispense_resident ON proj_dispense (resident_id, handed_over);
      CREATE INDEX proj_dispense_org ON proj_dispense (org_unit text_pattern_ops, handed_over)
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE proj_dispense; DROP TABLE proj_encounter; DROP TABLE proj_glucose; DROP TABLE proj_bp; DROP TABLE proj_condition');
  },
};
