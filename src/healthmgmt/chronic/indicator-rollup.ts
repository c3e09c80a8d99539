/**
 * Village-level rollup of the cohort indicators for a date (typically a month end), so the
 * cockpit reads a district's figures by summing ~300 village rows instead of scanning a year of
 * events for every registered resident. This is how Simple.org serves its dashboard (monthly
 * reporting tables refreshed daily). Every indicator is a count of residents and each resident
 * belongs to one village, so sums over villages equal the live figures (tested).
 *
 * The rollup is a cache: `refreshIndicatorRollup` recomputes it live (after a nightly load, or on
 * demand), `rolledUpIndicators` answers from it and says when it was computed.
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';
import { chronicIndicators, indicatorRow, type ChronicIndicators } from './indicators.js';

const VILLAGE_LENGTH = 12;

/** Recomputes the rollup of every village under `orgUnit` for (condition, asOf); returns the number of village rows. */
export async function refreshIndicatorRollup(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; now: Date }): Promise<number> {
  const villages = await chronicIndicators(ex, { ...q, groupLength: VILLAGE_LENGTH });
  const prefix = `${q.orgUnit}%`;
  await sql`DELETE FROM chronic_indicator_rollup WHERE condition = ${q.condition} AND as_of = ${q.asOf} AND village LIKE ${prefix}`.execute(ex);
  for (let i = 0; i < villages.length; i += 500) {
    const values = villages.slice(i, i + 500).map(
      (v) => sql`(${q.condition}, ${q.asOf}, ${v.orgUnit}, ${q.now.toISOString()}, ${v.registered}, ${v.cohort}, ${v.underCare}, ${v.lostToFollowUp}, ${v.controlled},
        ${v.uncontrolled}, ${v.visitedNoMeasure}, ${v.missedVisits}, ${v.controlledNational}, ${v.uncontrolledNational}, ${v.managedInYear}, ${v.standardManaged}, ${v.medicationService})`,
    );
    await sql`INSERT INTO chronic_indicator_rollup (condition, as_of, village, computed_at, registered, cohort, under_care, lost, controlled, uncontrolled,
      visited_no_measure, missed, controlled_national, uncontrolled_national, managed, standard, medication) VALUES ${sql.join(values)}`.execute(ex);
  }
  return villages.length;
}

/**
 * The indicators of `orgUnit` (or its towns / villages) from the rollup, with the time the
 * rollup was computed; null when no rollup exists for (condition, asOf).
 */
export async function rolledUpIndicators(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; groupLength?: number }): Promise<{ computedAt: string; rows: ChronicIndicators[] } | null> {
  const group = q.groupLength ?? q.orgUnit.length;
  const result = await sql<Record<string, unknown>>`
    SELECT substr(village, 1, ${group}) AS grp, min(computed_at) AS computed_at, sum(registered) AS registered, sum(cohort) AS cohort, sum(under_care) AS under_care,
      sum(lost) AS lost, sum(controlled) AS controlled, sum(uncontrolled) AS uncontrolled, sum(visited_no_measure) AS visited_no_measure, sum(missed) AS missed,
      sum(controlled_national) AS controlled_national, sum(uncontrolled_national) AS uncontrolled_national, sum(managed) AS managed, sum(standard) AS standard,
      sum(medication) AS med
    FROM chronic_indicator_rollup WHERE condition = ${q.condition} AND as_of = ${q.asOf} AND village LIKE ${`${q.orgUnit}%`}
    GROUP BY 1 ORDER BY 1`.execute(ex);
  if (result.rows.length === 0) return null;
  const computedAt = result.rows.map((r) => new Date(r.computed_at as string).toISOString()).sort()[0];
  return { computedAt, rows: result.rows.map((r) => indicatorRow(r, q.condition, q.asOf)) };
}
