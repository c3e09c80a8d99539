/**
 * Tables of the risk-intervention loop: projections of RiskAssessment and Task (kept by
 * `riskProjector` in the write transaction, so indicators never parse JSON) and the trained models.
 * Every patient-owned row carries the resident's golden id and org unit.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const riskMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE proj_risk_assessment (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, model text NOT NULL, occurrence date NOT NULL, probability numeric, stratum text);
      CREATE INDEX proj_risk_assessment_org ON proj_risk_assessment (org_unit text_pattern_ops, occurrence);
      CREATE INDEX proj_risk_assessment_resident ON proj_risk_assessment (resident_id);
      CREATE TABLE proj_risk_task (resource_id text PRIMARY KEY, resident_id text NOT NULL, org_unit text, owner text, code text NOT NULL, reason text, status text NOT NULL, authored date NOT NULL, due date, completed date, outcome text, focus text);
      CREATE INDEX proj_risk_task_org ON proj_risk_task (org_unit text_pattern_ops, authored);
      CREATE INDEX proj_risk_task_resident ON proj_risk_task (resident_id, code);
      CREATE TABLE risk_model (id text PRIMARY KEY, created timestamptz NOT NULL, target text NOT NULL, content jsonb NOT NULL)
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE risk_model; DROP TABLE proj_risk_task; DROP TABLE proj_risk_assessment');
  },
};
