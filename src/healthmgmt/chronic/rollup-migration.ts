/**
 * The village rollup carries every indicator of issue 6, so the cockpit reads all of them from it:
 * the registry's overdue count and PDC ≥ 80 % (adherence-indicators.ts) join the cohort counts.
 * The rollup is a cache, so its old rows (without these columns) are dropped; the nightly job
 * (HB_CHRONIC_ROLLUP_AT) or POST /api/indicators/chronic/rollup rebuilds them.
 */
import type { Kysely, Migration } from 'kysely';
import { execStatements } from '../../foundation/db/index.js';

export const chronicRollupMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `
      DELETE FROM chronic_indicator_rollup;
      ALTER TABLE chronic_indicator_rollup ADD COLUMN overdue integer NOT NULL DEFAULT 0;
      ALTER TABLE chronic_indicator_rollup ADD COLUMN pdc_with_fills integer NOT NULL DEFAULT 0;
      ALTER TABLE chronic_indicator_rollup ADD COLUMN pdc_measured integer NOT NULL DEFAULT 0;
      ALTER TABLE chronic_indicator_rollup ADD COLUMN pdc_adherent integer NOT NULL DEFAULT 0
    `,
    );
  },
  async down(db: Kysely<any>): Promise<void> {
    await execStatements(
      db,
      `ALTER TABLE chronic_indicator_rollup DROP COLUMN pdc_adherent; ALTER TABLE chronic_indicator_rollup DROP COLUMN pdc_measured;
       ALTER TABLE chronic_indicator_rollup DROP COLUMN pdc_with_fills; ALTER TABLE chronic_indicator_rollup DROP COLUMN overdue`,
    );
  },
};
