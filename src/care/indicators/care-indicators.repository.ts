/**
 * SQL of the care indicators: monthly counts over the care projections (care_referral, care_visit,
 * care_teleconsult) of the residents of an org unit (the row's `org_unit` is the resident's, so a
 * figure is "the care of the residents of this unit", like the centre indicators). Months are
 * China Standard Time (UTC+8); [from, to] are days, both included.
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';

export interface Period {
  orgUnit: string;
  from: string;
  to: string;
}

const month = (column: string) => sql`to_char((${sql.ref(column)} AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM')`;
const between = (column: string, q: Period) => sql`${sql.ref(column)} >= ${`${q.from}T00:00:00+08:00`}::timestamptz AND ${sql.ref(column)} < (${`${q.to}T00:00:00+08:00`}::timestamptz + interval '1 day')`;
const n = (v: unknown) => Number(v ?? 0);

/** Referrals requested per month, direction and receiving facility: requested, closed. */
export async function referralsByMonth(ex: Executor, q: Period) {
  const rows = await sql<Record<string, unknown>>`
    SELECT ${month('requested_at')} AS month, direction, performer_org AS facility, max(performer_name) AS facility_name,
      count(*) AS requested, count(*) FILTER (WHERE status = 'closed') AS closed
    FROM care_referral WHERE org_unit LIKE ${`${q.orgUnit}%`} AND ${between('requested_at', q)}
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(ex);
  return rows.rows.map((r) => ({ month: r.month as string, direction: r.direction as string, facility: r.facility as string, facilityName: (r.facility_name as string | null) ?? null, requested: n(r.requested), closed: n(r.closed) }));
}

/** Village-clinic visits per month by outcome. */
export async function visitsByMonth(ex: Executor, q: Period) {
  const rows = await sql<Record<string, unknown>>`
    SELECT ${month('visit_at')} AS month, count(*) AS visits,
      count(*) FILTER (WHERE outcome = 'resolved') AS resolved,
      count(*) FILTER (WHERE outcome = 'teleconsult') AS teleconsult,
      count(*) FILTER (WHERE outcome = 'referred') AS referred
    FROM care_visit WHERE org_unit LIKE ${`${q.orgUnit}%`} AND ${between('visit_at', q)}
    GROUP BY 1 ORDER BY 1`.execute(ex);
  return rows.rows.map((r) => ({ month: r.month as string, visits: n(r.visits), resolved: n(r.resolved), teleconsult: n(r.teleconsult), referred: n(r.referred) }));
}

/** Teleconsultations requested per month: counts by state and the median turnaround of the answered ones (minutes). */
export async function teleconsultsByMonth(ex: Executor, q: Period) {
  const rows = await sql<Record<string, unknown>>`
    SELECT ${month('requested_at')} AS month, count(*) AS requested,
      count(*) FILTER (WHERE status = 'answered') AS answered,
      count(*) FILTER (WHERE status = 'declined') AS declined,
      count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
      count(*) FILTER (WHERE status = 'requested') AS open,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY turnaround_minutes) FILTER (WHERE turnaround_minutes IS NOT NULL) AS median_minutes
    FROM care_teleconsult WHERE org_unit LIKE ${`${q.orgUnit}%`} AND ${between('requested_at', q)}
    GROUP BY 1 ORDER BY 1`.execute(ex);
  return rows.rows.map((r) => ({
    month: r.month as string,
    requested: n(r.requested),
    answered: n(r.answered),
    declined: n(r.declined),
    cancelled: n(r.cancelled),
    open: n(r.open),
    medianTurnaroundMinutes: r.median_minutes === null || r.median_minutes === undefined ? null : Number(r.median_minutes),
  }));
}
