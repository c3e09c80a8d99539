/**
 * The cockpit's count indicators per org unit, in SQL over the foundation's store tables and the
 * chronic-care projection `proj_encounter` (read, not imported). The definitions are the ones the
 * web app counted with FHIR `_summary=count` searches (docs/cockpit.md), so the figures did not
 * change when the cockpit moved to this endpoint:
 *
 *  residents        Patient records (not deleted) kept by a township centre (`managingOrganization`
 *                   of facility type `township-centre`: the residents' primary records, not a copy
 *                   registered at a clinic) of the unit's town(s), without `deceasedDateTime` and
 *                   without `deceasedBoolean: true` (FHIR R4 Patient search parameter `deceased`);
 *                   a village: those records of its town's centre whose org unit is the village
 *                   (the web searched `address:contains=<village name>`)
 *  encountersMonth  Encounters starting in the month at a facility (`serviceProvider`) of the unit;
 *                   at the district: every encounter of the district
 *  casesYear        the same with encounter type `infectious-case`, over the 12 months ending with the month
 *  trend            encounters and infectious-case encounters per month, the 12 months ending with the month
 *  casesByDisease   notifiable case reports (Condition category `notifiable`) recorded in those
 *                   12 months, per ICD-10 code, by the residence (org unit) of the Condition
 */
import { sql } from 'kysely';
import type { Executor } from '../foundation/db/index.js';
import { CASE_REPORT_CATEGORY_SYSTEM, FACILITY_TYPE_SYSTEM, ICD10_SYSTEM } from '../foundation/fhir/index.js';

/** One month of the 12-month trend. */
export interface TrendPoint {
  month: string;
  encounters: number;
  cases: number;
}

/** One org unit's cockpit figures (GET /api/indicators/cockpit; also the web app's type). */
export interface CockpitRow {
  orgUnit: string;
  residents: number;
  encountersMonth: number;
  casesYear: number;
  trend: TrendPoint[];
  casesByDisease: { code: string; count: number }[];
}

export interface CockpitQuery {
  orgUnit: string;
  /** YYYY-MM */
  month: string;
  /** Characters of the org-unit codes to group by: orgUnit.length (the unit itself), 9 (towns) or 12 (villages). */
  groupLength: number;
}

/** The 12 months ending with `month`, oldest first (YYYY-MM). */
export function last12Months(month: string): string[] {
  const [y, m] = month.split('-').map(Number);
  return Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(y, m - 12 + i, 1)).toISOString().slice(0, 7));
}

const firstDay = (month: string) => `${month}-01`;
function nextMonthStart(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
}
const likePrefix = (orgUnit: string) => `${orgUnit.replace(/[\\%_]/g, '\\$&')}%`;

/** The indicators of every org unit of `groupLength` characters under `orgUnit` (rows with no data at all are left out). */
export async function cockpitIndicators(ex: Executor, q: CockpitQuery): Promise<CockpitRow[]> {
  const months = last12Months(q.month);
  const from = firstDay(months[0]);
  const to = nextMonthStart(q.month);
  const prefix = likePrefix(q.orgUnit);
  const g = q.groupLength;
  // The district asked for itself counts every encounter (the web's unscoped search); below it, by facility.
  const wholeDistrict = q.orgUnit.length === 6 && g === 6;
  const village = g >= 12;
  const [residents, encounters, cases] = await Promise.all([
    // Grouped by the managing centre's area; a village by the residence of a record its town's centre keeps.
    sql<{ grp: string; n: number }>`
      SELECT ${village ? sql`substr(p.org_unit, 1, 12)` : sql`substr(c.org_unit, 1, ${g})`} AS grp, count(DISTINCT p.id)::int AS n
      FROM fhir_resource p
      JOIN sp_reference r ON r.resource_type = 'Patient' AND r.resource_id = p.id AND r.param = 'organization'
      JOIN fhir_resource c ON c.resource_type = 'Organization' AND c.id = r.target_id AND NOT c.deleted
      JOIN sp_token t ON t.resource_type = 'Organization' AND t.resource_id = c.id AND t.param = 'type' AND t.system = ${FACILITY_TYPE_SYSTEM} AND t.code = 'township-centre'
      WHERE p.resource_type = 'Patient' AND NOT p.deleted
        AND p.content->>'deceasedDateTime' IS NULL AND coalesce(p.content->>'deceasedBoolean', 'false') <> 'true'
        AND ${village ? sql`p.org_unit LIKE ${prefix} AND length(p.org_unit) >= 12 AND c.org_unit = substr(p.org_unit, 1, 9)` : sql`c.org_unit LIKE ${prefix} AND length(c.org_unit) >= ${g}`}
      GROUP BY 1`.execute(ex),
    sql<{ grp: string; month: string; encounters: number; cases: number }>`
      WITH enc AS (
        SELECT e.period_start, e.kind, ${wholeDistrict ? sql`${q.orgUnit}::text` : sql`substr(o.org_unit, 1, ${g})`} AS grp
        FROM proj_encounter e
        ${
          wholeDistrict
            ? sql``
            : sql`JOIN sp_reference r ON r.resource_type = 'Encounter' AND r.resource_id = e.resource_id AND r.param = 'service-provider'
                  JOIN fhir_resource o ON o.resource_type = 'Organization' AND o.id = r.target_id AND NOT o.deleted
                    AND o.org_unit LIKE ${prefix} AND length(o.org_unit) >= ${g}`
        }
        WHERE e.period_start >= ${from} AND e.period_start < ${to}
      )
      SELECT grp, to_char(period_start, 'YYYY-MM') AS month, count(*)::int AS encounters,
             count(*) FILTER (WHERE kind = 'infectious-case')::int AS cases
      FROM enc GROUP BY 1, 2`.execute(ex),
    sql<{ grp: string; code: string; n: number }>`
      SELECT substr(c.org_unit, 1, ${g}) AS grp, t.code, count(DISTINCT c.id)::int AS n
      FROM fhir_resource c
      JOIN sp_token cat ON cat.resource_type = 'Condition' AND cat.resource_id = c.id AND cat.param = 'category'
        AND cat.system = ${CASE_REPORT_CATEGORY_SYSTEM} AND cat.code = 'notifiable'
      JOIN sp_token t ON t.resource_type = 'Condition' AND t.resource_id = c.id AND t.param = 'code' AND t.system = ${ICD10_SYSTEM}
      WHERE c.resource_type = 'Condition' AND NOT c.deleted AND ${wholeDistrict ? sql`true` : sql`c.org_unit LIKE ${prefix} AND length(c.org_unit) >= ${g}`}
        AND substr(c.content->>'recordedDate', 1, 7) >= ${months[0]} AND substr(c.content->>'recordedDate', 1, 7) <= ${q.month}
      GROUP BY 1, 2`.execute(ex),
  ]);
  const rows = new Map<string, CockpitRow>();
  const row = (grp: string) => {
    let r = rows.get(grp);
    if (!r) {
      r = { orgUnit: grp, residents: 0, encountersMonth: 0, casesYear: 0, trend: months.map((month) => ({ month, encounters: 0, cases: 0 })), casesByDisease: [] };
      rows.set(grp, r);
    }
    return r;
  };
  for (const r of residents.rows) row(r.grp).residents = Number(r.n);
  for (const r of encounters.rows) {
    const x = row(r.grp);
    const point = x.trend.find((p) => p.month === r.month);
    if (!point) continue;
    point.encounters = Number(r.encounters);
    point.cases = Number(r.cases);
  }
  for (const x of rows.values()) {
    x.encountersMonth = x.trend[11].encounters;
    x.casesYear = x.trend.reduce((s, p) => s + p.cases, 0);
  }
  for (const r of cases.rows) {
    const grp = wholeDistrict ? q.orgUnit : r.grp;
    const x = row(grp);
    const found = x.casesByDisease.find((c) => c.code === r.code);
    if (found) found.count += Number(r.n);
    else x.casesByDisease.push({ code: r.code, count: Number(r.n) });
  }
  for (const x of rows.values()) x.casesByDisease.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return [...rows.values()].sort((a, b) => (a.orgUnit < b.orgUnit ? -1 : 1));
}

/** The newest month (YYYY-MM, not after `today`) with an encounter of a resident of the unit, or null. */
export async function latestMonth(ex: Executor, orgUnit: string, today: string): Promise<string | null> {
  const r = await sql<{ last: string | null }>`
    SELECT to_char(max(period_start), 'YYYY-MM') AS last FROM proj_encounter
    WHERE period_start <= ${today} AND ${orgUnit.length === 6 ? sql`true` : sql`org_unit LIKE ${likePrefix(orgUnit)}`}`.execute(ex);
  return r.rows[0]?.last ?? null;
}
