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
 *  controlledNational / uncontrolledNational / controlRateNational — the same with the national
 *                   standard's age-specific BP target: < 150/90 mmHg when the resident is 65 or
 *                   older on the reading's date (National Basic Public Health Service Standard,
 *                   3rd ed., 2017); diabetes targets are the same in both (glucose < 7.0 mmol/L)
 *  managedInYear    registered with a visit in the 12 months before asOf (national "年内已管理人数")
 *  standardManaged  managedInYear with visits on ≥ 4 different days in those 12 months (≥ 4
 *                   face-to-face follow-ups a year, BPHS Standard 2017)
 *  standardManagementRate  standardManaged / managedInYear (national "规范管理率")
 *  medicationService residents of the org unit with a completed dispense of a protocol drug of either
 *                   programme (protocol-drugs.ts: C02/C03/C07/C08/C09, A10) in the last 12 months —
 *                   one service, the same figure in both programmes' rows
 *  overdue          registry rows (any basis) whose next follow-up date passed before asOf, not
 *                   lost nor dead (worklist.repository.ts registrySummary, the registry as it stands)
 *  pdcWithFills / pdcMeasured / pdcAdherent / pdcRate  PDC ≥ 80 % (adherence-indicators.ts, PQA)
 * Implausible readings (BP 300/20, glucose outside 1–40 mmol/L) are stored but never counted.
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';
import { adherenceIndicators } from './adherence-indicators.js';
import { monthsBefore } from './follow-up-rules.js';
import { SERVICE_DRUGS } from './protocol-drugs.js';
import { registrySummary } from './worklist.repository.js';

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
  controlledNational: number;
  uncontrolledNational: number;
  controlRateNational: number | null;
  managedInYear: number;
  standardManaged: number;
  standardManagementRate: number | null;
  medicationService: number;
  overdue: number;
  pdcWithFills: number;
  pdcMeasured: number;
  pdcAdherent: number;
  /** pdcAdherent / pdcMeasured (PQA: PDC ≥ 0.80). */
  pdcRate: number | null;
}

type IndicatorQuery = { orgUnit: string; condition: ChronicCategory; asOf: string; groupLength?: number };

/**
 * Every indicator for every org unit whose code has `groupLength` characters under `orgUnit`
 * (groupLength = orgUnit.length gives the org unit itself; towns are 9, villages 12 characters):
 * the cohort counts, the registry's overdue count and PDC ≥ 80 %, computed live.
 */
export async function chronicIndicators(ex: Executor, q: IndicatorQuery): Promise<ChronicIndicators[]> {
  const group = q.groupLength ?? q.orgUnit.length;
  const rows = new Map<string, Record<string, unknown>>();
  const row = (grp: string) => {
    let r = rows.get(grp);
    if (!r) rows.set(grp, (r = { grp }));
    return r;
  };
  for (const r of await cohortCounts(ex, q)) Object.assign(row(String(r.grp)), r);
  for (const s of await registrySummary(ex, { orgUnit: q.orgUnit, condition: q.condition, today: q.asOf, groupLength: group })) row(s.orgUnit).overdue = s.overdue;
  for (const a of await adherenceIndicators(ex, q)) Object.assign(row(a.orgUnit), { pdc_with_fills: a.withFills, pdc_measured: a.measured, pdc_adherent: a.adherent });
  return [...rows.keys()].sort().map((grp) => indicatorRow(rows.get(grp)!, q.condition, q.asOf));
}

/** The cohort counts (registered … medication service) per org unit, one SQL statement over the projections. */
async function cohortCounts(ex: Executor, q: IndicatorQuery): Promise<Record<string, unknown>[]> {
  const group = q.groupLength ?? q.orgUnit.length;
  const d3 = monthsBefore(q.asOf, 3);
  const d12 = monthsBefore(q.asOf, 12);
  const prefix = `${q.orgUnit.replace(/[\\%_]/g, '\\$&')}%`;
  const reading =
    q.condition === 'hypertension'
      ? sql`SELECT DISTINCT ON (b.resident_id) b.resident_id, b.effective, (b.sbp < 140 AND b.dbp < 90) AS ok,
              (b.dbp < 90 AND b.sbp < CASE WHEN reg.birth_date IS NOT NULL AND b.effective >= (reg.birth_date + interval '65 years')::date THEN 150 ELSE 140 END) AS ok_national
            FROM proj_bp b JOIN reg USING (resident_id)
            WHERE b.plausible AND b.effective <= ${q.asOf} AND b.effective > ${d3} ORDER BY b.resident_id, b.effective DESC`
      : sql`SELECT DISTINCT ON (g.resident_id) g.resident_id, g.effective, (g.mmol_l < 7.0) AS ok, (g.mmol_l < 7.0) AS ok_national FROM proj_glucose g JOIN reg USING (resident_id)
            WHERE g.plausible AND g.effective <= ${q.asOf} AND g.effective > ${d3} ORDER BY g.resident_id, g.effective DESC`;
  const result = await sql<Record<string, unknown>>`
    WITH reg AS (
      SELECT c.resident_id, min(c.onset) AS since, min(substr(c.org_unit, 1, ${group})) AS grp, min(pr.birth_date) AS birth_date
      FROM proj_condition c LEFT JOIN proj_resident pr ON pr.resource_id = c.resident_id
      WHERE c.category = ${q.condition} AND c.active AND c.org_unit LIKE ${prefix} AND (c.onset IS NULL OR c.onset <= ${q.asOf})
      GROUP BY c.resident_id
    ), visits AS (
      -- Only the 12-month window matters (seen12, seen3 and the visit days all lie in it): bounding
      -- the scan by date keeps the cost to a year of events however long the history. Days are
      -- de-duplicated by a hash aggregate first (cheaper than count(DISTINCT), which sorts).
      SELECT d.resident_id, max(d.day) AS last, count(*) AS days12 FROM (
        SELECT v.resident_id, v.day FROM (
          SELECT resident_id, period_start AS day FROM proj_encounter WHERE period_start <= ${q.asOf} AND period_start > ${d12}
          UNION ALL SELECT resident_id, effective FROM proj_bp WHERE effective <= ${q.asOf} AND effective > ${d12}
          UNION ALL SELECT resident_id, effective FROM proj_glucose WHERE effective <= ${q.asOf} AND effective > ${d12}
        ) v WHERE v.resident_id IN (SELECT resident_id FROM reg) GROUP BY v.resident_id, v.day
      ) d GROUP BY d.resident_id
    ), latest AS (${reading}),
    flags AS (
      SELECT reg.grp, (reg.since IS NULL OR reg.since <= ${d3}) AS in_cohort, (visits.last > ${d12}) AS seen12,
             (visits.last > ${d3}) AS seen3, latest.ok, latest.ok_national, coalesce(visits.days12, 0) AS days12
      FROM reg LEFT JOIN visits USING (resident_id) LEFT JOIN latest USING (resident_id)
    ), med AS (
      SELECT grp, count(*)::int AS n FROM (SELECT substr(org_unit, 1, ${group}) AS grp, resident_id FROM proj_dispense
      WHERE org_unit LIKE ${prefix} AND handed_over <= ${q.asOf} AND handed_over > ${d12} AND drug_class ~ ${SERVICE_DRUGS} GROUP BY 1, 2) m GROUP BY grp
    ), ind AS (
      SELECT grp,
        count(*)::int AS registered,
        count(*) FILTER (WHERE in_cohort)::int AS cohort,
        count(*) FILTER (WHERE in_cohort AND seen12)::int AS under_care,
        count(*) FILTER (WHERE seen12 IS NOT TRUE)::int AS lost,
        count(*) FILTER (WHERE in_cohort AND seen12 AND ok)::int AS controlled,
        count(*) FILTER (WHERE in_cohort AND seen12 AND ok = false)::int AS uncontrolled,
        count(*) FILTER (WHERE in_cohort AND seen12 AND ok_national)::int AS controlled_national,
        count(*) FILTER (WHERE in_cohort AND seen12 AND ok_national = false)::int AS uncontrolled_national,
        count(*) FILTER (WHERE seen12)::int AS managed,
        count(*) FILTER (WHERE seen12 AND days12 >= 4)::int AS standard,
        count(*) FILTER (WHERE in_cohort AND seen12 AND seen3 AND ok IS NULL)::int AS visited_no_measure,
        count(*) FILTER (WHERE in_cohort AND seen12 AND seen3 IS NOT TRUE)::int AS missed
      FROM flags GROUP BY grp
    )
    SELECT coalesce(ind.grp, med.grp) AS grp, coalesce(registered, 0) AS registered, coalesce(cohort, 0) AS cohort,
      coalesce(under_care, 0) AS under_care, coalesce(lost, 0) AS lost, coalesce(controlled, 0) AS controlled,
      coalesce(uncontrolled, 0) AS uncontrolled, coalesce(visited_no_measure, 0) AS visited_no_measure,
      coalesce(missed, 0) AS missed, coalesce(controlled_national, 0) AS controlled_national,
      coalesce(uncontrolled_national, 0) AS uncontrolled_national, coalesce(managed, 0) AS managed, coalesce(standard, 0) AS standard, coalesce(med.n, 0) AS med
    FROM ind FULL JOIN med ON med.grp = ind.grp ORDER BY 1`.execute(ex);
  return result.rows;
}

/** Maps a row of counts (columns as the SQL above and the rollup name them; absent = 0) to ChronicIndicators. */
export function indicatorRow(r: Record<string, unknown>, condition: ChronicCategory, asOf: string): ChronicIndicators {
  const n = (column: string) => Number(r[column] ?? 0);
  const rate = (num: string, den: string) => (n(den) > 0 ? n(num) / n(den) : null);
  return {
    orgUnit: String(r.grp),
    condition,
    asOf,
    registered: n('registered'),
    cohort: n('cohort'),
    underCare: n('under_care'),
    lostToFollowUp: n('lost'),
    controlled: n('controlled'),
    uncontrolled: n('uncontrolled'),
    visitedNoMeasure: n('visited_no_measure'),
    missedVisits: n('missed'),
    controlRate: rate('controlled', 'under_care'),
    controlledNational: n('controlled_national'),
    uncontrolledNational: n('uncontrolled_national'),
    controlRateNational: rate('controlled_national', 'under_care'),
    managedInYear: n('managed'),
    standardManaged: n('standard'),
    standardManagementRate: rate('standard', 'managed'),
    medicationService: n('med'),
    overdue: n('overdue'),
    pdcWithFills: n('pdc_with_fills'),
    pdcMeasured: n('pdc_measured'),
    pdcAdherent: n('pdc_adherent'),
    pdcRate: rate('pdc_adherent', 'pdc_measured'),
  };
}
