/**
 * Mobile-round coverage (issue 10 indicators): of the residents a team's round plans listed in a
 * month, how many were visited within the plan's week — an encounter of theirs dated from the plan
 * day to 6 days after it (proj_encounter, any kind: a follow-up, a village-clinic visit) — and how
 * many of those visits were captured on the round through the offline sync (care_round_sync). A
 * resident listed on several days of the month counts once, as visited when any listing was
 * followed by a visit within its week. Aggregates only: no resident is named.
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';

export interface CoverageRow {
  team: string;
  month: string;
  /** Distinct residents on the team's plans dated in the month. */
  planned: number;
  /** Of them, visited within the week of a plan they were on. */
  visited: number;
  /** Of them, with a visit captured on the round (offline sync) in that week. */
  capturedOnRound: number;
  /** visited / planned (null when nobody was planned). */
  coverage: number | null;
}

/** The week a plan gives its residents: the plan day and the 6 days after it (the work lists' "due" window). */
export const PLAN_WEEK_DAYS = 7;

/** Coverage ratio (pure). */
export function coverageRatio(visited: number, planned: number): number | null {
  return planned === 0 ? null : visited / planned;
}

/** Per team (plans of teams under `orgUnit`) and month, plans dated `from`–`to` (ISO dates, inclusive). */
export async function roundCoverage(ex: Executor, q: { orgUnit: string; from: string; to: string }): Promise<CoverageRow[]> {
  const rows = await sql<{ team: string; month: string; planned: number; visited: number; captured: number }>`
    WITH listed AS (
      SELECT p.team, to_char(p.plan_date, 'YYYY-MM') AS month, p.resident_id,
        EXISTS (SELECT 1 FROM proj_encounter e WHERE e.resident_id = p.resident_id AND e.period_start BETWEEN p.plan_date AND p.plan_date + ${PLAN_WEEK_DAYS - 1}::int) AS visited,
        EXISTS (SELECT 1 FROM care_round_sync s WHERE s.resident_id = p.resident_id AND s.visit_date BETWEEN p.plan_date AND p.plan_date + ${PLAN_WEEK_DAYS - 1}::int) AS captured
      FROM care_round_plan p
      WHERE p.team LIKE ${`${q.orgUnit}%`} AND p.plan_date BETWEEN ${q.from}::date AND ${q.to}::date
    ), per_resident AS (
      SELECT team, month, resident_id, bool_or(visited) AS visited, bool_or(captured) AS captured FROM listed GROUP BY team, month, resident_id
    )
    SELECT team, month, count(*)::int AS planned, count(*) FILTER (WHERE visited)::int AS visited, count(*) FILTER (WHERE captured)::int AS captured
    FROM per_resident GROUP BY team, month ORDER BY team, month`.execute(ex);
  return rows.rows.map((r) => ({ team: r.team, month: r.month, planned: Number(r.planned), visited: Number(r.visited), capturedOnRound: Number(r.captured), coverage: coverageRatio(Number(r.visited), Number(r.planned)) }));
}
