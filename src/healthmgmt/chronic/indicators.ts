/**
 * Chronic-care cohort indicators per org unit, as of a date. Definitions follow Simple.org's
 * hypertension dashboard (simple.org/dashboard, "How we calculate"), with visits = encounters
 * or BP/glucose measurements:
 *
 *  registered       active hypertension (ICD-10 I10–I15) / type 2 diabetes (E11) diagnosis on or before asOf
 *  cohort           registered more than 3 months before asOf (Simple's control-rate denominator base)
 *  underCare        cohort with a visit in the 12 months before asOf   ← denominator of the rates below
 *  lostToFollowUp   registered, no visit in the 12 months before asOf
 *  controlled       underCare whose last BP (diabetes: fasting glucose) in the last 3 months is
 *                   < 140/90 mmHg (glucose < 7.0 mmol/L)
 *  uncontrolled     underCare whose last such reading in the last 3 months is at or above target
 *  visitedNoMeasure underCare with a visit but no reading in the last 3 months
 *  missedVisits     underCare with no visit in the last 3 months
 *  controlRate      controlled / underCare
 *  medicationService residents of the org unit with a completed dispense in the last 12 months
 * Implausible readings (BP 300/20, glucose outside 1–40 mmol/L) are stored but never counted.
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';

export interface ChronicIndicators {
  orgUnit: string;
  condition: ChronicCategory;
  asOf: string;
  registered: number;
  cohort: number;
  underCare: number;
  lostToFollowUp: number;
  controlled: number;
  uncontrolled: number;
  visitedNoMeasure: number;
  missedVisits: number;
  controlRate: number | null;
  medicationService: number;
}

/** asOf minus whole months, as YYYY-MM-DD (day clamped to the month's end). */
export function monthsBefore(asOf: string, months: number): string {
  const [y, m, d] = asOf.split('-').map(Number);
  const target = new Date(Date.UTC(y, m - 1 - months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/**
 * Indicators for every org unit whose code has `groupLength` characters under `orgUnit`
 * (groupLength = orgUnit.length gives the org unit itself; towns are 9, villages 12 characters).
 */
export async function chronicIndicators(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; groupLength?: number }): Promise<ChronicIndicators[]> {
  const group = q.groupLength ?? q.orgUnit.length;
  const d3 = monthsBefore(q.asOf, 3);
  const d12 = monthsBefore(q.asOf, 12);
  const prefix = `${q.orgUnit.replace(/[\\%_]/g, '\\$&')}%`;
  const reading =
    q.condition === 'hypertension'
      ? sql`SELECT DISTINCT ON (b.resident_id) b.resident_id, b.effective, (b.sbp < 140 AND b.dbp < 90) AS ok FROM proj_bp b JOIN reg USING (resident_id)
            WHERE b.plausible AND b.effective <= ${q.asOf} AND b.effective > ${d3} ORDER BY b.resident_id, b.effective DESC`
      : sql`SELECT DISTINCT ON (g.resident_id) g.resident_id, g.effective, (g.mmol_l < 7.0) AS ok FROM proj_glucose g JOIN reg USING (resident_id)
            WHERE g.plausible AND g.effective <= ${q.asOf} AND g.effective > ${d3} ORDER BY g.resident_id, g.effective DESC`;
  const result = await sql<Record<string, string | number>>`
    WITH reg AS (
      SELECT resident_id, min(onset) AS since, min(substr(org_unit, 1, ${group})) AS grp FROM proj_condition
      WHERE category = ${q.condition} AND active AND org_unit LIKE ${prefix} AND (onset IS NULL OR onset <= ${q.asOf})
      GROUP BY resident_id
    ), visits AS (
      SELECT v.resident_id, max(v.day) AS last FROM (
        SELECT resident_id, period_start AS day FROM proj_encounter WHERE period_start <= ${q.asOf}
        UNION ALL SELECT resident_id, effective FROM proj_bp WHERE effective <= ${q.asOf}
        UNION ALL SELECT resident_id, effective FROM proj_glucose WHERE effective <= ${q.asOf}
      ) v JOIN reg USING (resident_id) GROUP BY v.resident_id
    ), latest AS (${reading}),
    flags AS (
      SELECT reg.grp, (reg.since IS NULL OR reg.since <= ${d3}) AS in_cohort, (visits.last > ${d12}) AS seen12,
             (visits.last > ${d3}) AS seen3, latest.ok
      FROM reg LEFT JOIN visits USING (resident_id) LEFT JOIN latest USING (resident_id)
    ), med AS (
      SELECT substr(org_unit, 1, ${group}) AS grp, count(DISTINCT resident_id)::int AS n FROM proj_dispense
      WHERE org_unit LIKE ${prefix} AND handed_over <= ${q.asOf} AND handed_over > ${d12} GROUP BY 1
    ), ind AS (
      SELECT grp,
        count(*)::int AS registered,
        count(*) FILTER (WHERE in_cohort)::int AS cohort,
        count(*) FILTER (WHERE in_cohort AND seen12)::int AS under_care,
        count(*) FILTER (WHERE seen12 IS NOT TRUE)::int AS lost,
        count(*) FILTER (WHERE in_cohort AND seen12 AND ok)::int AS controlled,
        count(*) FILTER (WHERE in_cohort AND seen12 AND ok = false)::int AS uncontrolled,
        count(*) FILTER (WHERE in_cohort AND seen12 AND seen3 AND ok IS NULL)::int AS visited_no_measure,
        count(*) FILTER (WHERE in_cohort AND seen12 AND seen3 IS NOT TRUE)::int AS missed
      FROM flags GROUP BY grp
    )
    SELECT coalesce(ind.grp, med.grp) AS grp, coalesce(registered, 0) AS registered, coalesce(cohort, 0) AS cohort,
      coalesce(under_care, 0) AS under_care, coalesce(lost, 0) AS lost, coalesce(controlled, 0) AS controlled,
      coalesce(uncontrolled, 0) AS uncontrolled, coalesce(visited_no_measure, 0) AS visited_no_measure,
      coalesce(missed, 0) AS missed, coalesce(med.n, 0) AS med
    FROM ind FULL JOIN med ON med.grp = ind.grp ORDER BY 1`.execute(ex);
  return result.rows.map((r) => {
    const underCare = Number(r.under_care);
    return {
      orgUnit: String(r.grp),
      condition: q.condition,
      asOf: q.asOf,
      registered: Number(r.registered),
      cohort: Number(r.cohort),
      underCare,
      lostToFollowUp: Number(r.lost),
      controlled: Number(r.controlled),
      uncontrolled: Number(r.uncontrolled),
      visitedNoMeasure: Number(r.visited_no_measure),
      missedVisits: Number(r.missed),
      controlRate: underCare > 0 ? Number(r.controlled) / underCare : null,
      medicationService: Number(r.med),
    };
  });
}
