/**
 * Tables of infectious-disease surveillance:
 * - proj_case: one narrow row per case report or syndrome diagnosis (a Condition may give both),
 *   kept by the case projector in the FHIR write transaction; carries resident id and org unit.
 * - surv_signal / surv_signal_event: signals of the detection runs with their evidence, and every
 *   workflow transition (who, when, from, to).
 * - surv_run: one row per run date (idempotent re-runs update it).
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const surveillanceMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      CREATE TABLE proj_case (
        resource_id text NOT NULL, disease text NOT NULL, kind text NOT NULL, disease_class text,
        resident_id text NOT NULL, patient_id text, org_unit text, code text NOT NULL, day date NOT NULL,
        diagnosed_at timestamptz, reported_at timestamptz NOT NULL, received_at timestamptz NOT NULL,
        deadline_at timestamptz, late boolean, verification text,
        PRIMARY KEY (resource_id, disease)
      );
      CREATE INDEX proj_case_disease_day ON proj_case (disease, day, org_unit);
      CREATE INDEX proj_case_org_day ON proj_case (org_unit text_pattern_ops, day);
      CREATE INDEX proj_case_day ON proj_case (day);
      CREATE TABLE surv_signal (
        id text PRIMARY KEY, disease text NOT NULL, org_unit text NOT NULL, level text NOT NULL, method text NOT NULL,
        period_start date NOT NULL, period_end date NOT NULL, run_date date NOT NULL,
        observed double precision NOT NULL, threshold double precision,
        status text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, evidence jsonb NOT NULL,
        UNIQUE (disease, org_unit, level, method, period_start)
      );
      CREATE INDEX surv_signal_org ON surv_signal (org_unit text_pattern_ops, period_end);
      CREATE INDEX surv_signal_status ON surv_signal (status, created_at);
      CREATE INDEX surv_signal_updated ON surv_signal (updated_at);
      CREATE TABLE surv_signal_event (
        signal_id text NOT NULL REFERENCES surv_signal (id), seq integer NOT NULL, from_status text NOT NULL, to_status text NOT NULL,
        actor text NOT NULL, at timestamptz NOT NULL, note text,
        PRIMARY KEY (signal_id, seq)
      );
      CREATE TABLE surv_run (
        run_date date PRIMARY KEY, started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL,
        series integer NOT NULL, evaluated integer NOT NULL, skipped integer NOT NULL, alarms integer NOT NULL,
        signals_new integer NOT NULL, signals_total integer NOT NULL, runs integer NOT NULL
      )
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(db, 'DROP TABLE surv_run; DROP TABLE surv_signal_event; DROP TABLE surv_signal; DROP TABLE proj_case');
  },
};
