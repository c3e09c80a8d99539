/**
 * SQL of the specialised-disease centres (the only file of this module with SQL besides the
 * migration): the projection rows, the centre's facility, the open enrolment of a resident (under
 * a transaction-scoped advisory lock), the bulk-enrolment candidates and the indicator rows.
 */
import { sql, type RawBuilder } from 'kysely';
import { insertRows, replaceRows, type Executor } from '../../foundation/db/index.js';
import { FACILITY_TYPE_SYSTEM, ICD10_SYSTEM, ORG_UNIT_EXTENSION, SPECIALISED_CENTRE_SYSTEM } from '../../foundation/fhir/index.js';
import type { CentreDefinition, CodeRange } from './centres-config.js';
import type { MilestoneKind } from './pathway.js';

/** Replaces the enrolment rows: deletes those of `episodeIds` (the EpisodeOfCare ids that may have rows), inserts `rows`. */
export async function replaceEnrolments(ex: Executor, episodeIds: readonly string[], rows: Record<string, unknown>[]): Promise<void> {
  await replaceRows(ex, 'care_centre_enrolment', 'episode_id', episodeIds, rows);
}

/** Replaces the milestone rows: deletes those of `keys` (the resources that may have rows), inserts `rows`. */
export async function replaceMilestones(ex: Executor, keys: readonly { resourceType: string; id: string }[], rows: Record<string, unknown>[]): Promise<void> {
  if (keys.length > 0) {
    // One statement for every resource type: the (type, id) pairs as a relation.
    await sql`DELETE FROM care_centre_milestone m USING unnest(${keys.map((k) => k.resourceType)}::text[], ${keys.map((k) => k.id)}::text[]) AS k(resource_type, resource_id)
      WHERE m.resource_type = k.resource_type AND m.resource_id = k.resource_id`.execute(ex);
  }
  await insertRows(ex, [{ table: 'care_centre_milestone', rows }]);
}

export interface CentreFacility {
  id: string;
  name: string | null;
  orgUnit: string | null;
}

/**
 * The facility a centre is bound to: the named Organization; else the district's specialised
 * centre tagged with the centre's code (SPECIALISED_CENTRE_SYSTEM), else its district hospital
 * (lowest id first when there are several). Null when the district has none.
 */
export async function centreFacility(ex: Executor, centre: CentreDefinition): Promise<CentreFacility | null> {
  const pick = async (where: RawBuilder<boolean>) => {
    const rows = await sql<{ id: string; name: string | null; org_unit: string | null }>`
      SELECT r.id, r.content->>'name' AS name,
        (SELECT x->>'valueCode' FROM jsonb_array_elements(coalesce(r.content->'extension', '[]'::jsonb)) x WHERE x->>'url' = ${ORG_UNIT_EXTENSION} LIMIT 1) AS org_unit
      FROM fhir_resource r WHERE r.resource_type = 'Organization' AND r.deleted = false AND ${where} ORDER BY r.id LIMIT 1`.execute(ex);
    const r = rows.rows[0];
    return r ? { id: r.id, name: r.name, orgUnit: r.org_unit } : null;
  };
  const typed = (system: string, code: string) =>
    sql<boolean>`r.id IN (SELECT t.resource_id FROM sp_token t WHERE t.resource_type = 'Organization' AND t.param = 'type' AND t.system = ${system} AND t.code = ${code})`;
  if ('organization' in centre.facility) return pick(sql<boolean>`r.id = ${centre.facility.organization}`);
  if (centre.facility.facilityType === 'specialised-centre') {
    const own = await pick(typed(SPECIALISED_CENTRE_SYSTEM, centre.code));
    if (own) return own;
  }
  return pick(typed(FACILITY_TYPE_SYSTEM, 'district-hospital'));
}

/** Serialises enrolments of one resident in one centre until the transaction ends (PostgreSQL advisory lock). */
export async function lockResidentCentre(ex: Executor, centre: string, residentId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`care-centre:${centre}:${residentId}`}))`.execute(ex);
}

export interface EnrolmentRow {
  episode_id: string;
  centre: string;
  resident_id: string;
  patient_id: string;
  org_unit: string | null;
  facility: string | null;
  condition_id: string | null;
  enrolled: Date;
  ended: Date | null;
  status: string;
}

/** Statuses of an EpisodeOfCare that are not (or no longer) an enrolment in care. */
const NOT_IN_CARE = ['entered-in-error', 'cancelled', 'planned', 'waitlist', 'finished'];

/** The resident's open enrolment in the centre, if any. */
export async function openEnrolment(ex: Executor, centre: string, residentId: string): Promise<EnrolmentRow | undefined> {
  const rows = await sql<EnrolmentRow>`
    SELECT * FROM care_centre_enrolment WHERE centre = ${centre} AND resident_id = ${residentId} AND ended IS NULL
      AND status <> ALL(${NOT_IN_CARE}::text[]) ORDER BY enrolled LIMIT 1`.execute(ex);
  return rows.rows[0];
}

/** The golden resident id of a Patient as the store recorded it. */
export async function residentOfPatient(ex: Executor, patientId: string): Promise<string | null> {
  const rows = await sql<{ resident_id: string | null }>`SELECT resident_id FROM fhir_resource WHERE resource_type = 'Patient' AND id = ${patientId} AND deleted = false`.execute(ex);
  return rows.rows[0]?.resident_id ?? null;
}

const inRanges = (column: RawBuilder<unknown>, ranges: readonly CodeRange[]) =>
  sql<boolean>`(${sql.join(ranges.map((r) => sql`upper(substr(replace(${column}, '.', ''), 1, 3)) BETWEEN ${r.from} AND ${r.to}`), sql` OR `)})`;

/**
 * Conditions coded in the centre's ICD-10 ranges of residents with no open enrolment in it (JSON
 * included: the caller applies the pure criteria, active status among them), oldest first.
 */
export async function candidateConditions(ex: Executor, centre: CentreDefinition, orgUnit: string): Promise<{ id: string; resident_id: string; content: string }[]> {
  const rows = await sql<{ id: string; resident_id: string; content: string }>`
    SELECT r.id, r.resident_id, r.content::text AS content FROM fhir_resource r
    WHERE r.resource_type = 'Condition' AND r.deleted = false AND r.resident_id IS NOT NULL
      ${orgUnit ? sql`AND r.org_unit LIKE ${`${orgUnit}%`}` : sql``}
      AND r.id IN (SELECT t.resource_id FROM sp_token t WHERE t.resource_type = 'Condition' AND t.param = 'code'
        AND (t.system = ${ICD10_SYSTEM} OR t.system LIKE ${`${ICD10_SYSTEM}%`}) AND ${inRanges(sql.ref('t.code'), centre.criteria)})
      AND NOT EXISTS (SELECT 1 FROM care_centre_enrolment e WHERE e.centre = ${centre.code} AND e.resident_id = r.resident_id
        AND e.ended IS NULL AND e.status <> ALL(${NOT_IN_CARE}::text[]))
    ORDER BY r.resident_id, r.last_updated, r.id`.execute(ex);
  return rows.rows;
}

const dayStart = (day: string) => `${day}T00:00:00+08:00`;

/** Residents in care in each centre (and in any centre) at the end of `to` (enrolled by then, not ended), residents of `orgUnit`. */
export async function managedCounts(ex: Executor, q: { orgUnit: string; to: string }): Promise<{ byCentre: Map<string, number>; residents: number }> {
  const rows = await sql<{ centre: string | null; n: string }>`
    SELECT centre, count(DISTINCT resident_id) AS n FROM care_centre_enrolment
    WHERE org_unit LIKE ${`${q.orgUnit}%`} AND enrolled < (${dayStart(q.to)}::timestamptz + interval '1 day')
      AND (ended IS NULL OR ended >= (${dayStart(q.to)}::timestamptz + interval '1 day'))
      AND status NOT IN ('entered-in-error', 'cancelled', 'planned', 'waitlist')
    GROUP BY GROUPING SETS ((centre), ())`.execute(ex);
  const total = rows.rows.find((r) => r.centre === null);
  return { byCentre: new Map(rows.rows.filter((r) => r.centre !== null).map((r) => [r.centre as string, Number(r.n)])), residents: total ? Number(total.n) : 0 };
}

/** New enrolments per centre and month (UTC+8) in [from, to]. */
export async function enrolmentsByMonth(ex: Executor, q: { orgUnit: string; from: string; to: string }): Promise<{ centre: string; month: string; n: number }[]> {
  const rows = await sql<{ centre: string; month: string; n: string }>`
    SELECT centre, to_char((enrolled AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM') AS month, count(*) AS n FROM care_centre_enrolment
    WHERE org_unit LIKE ${`${q.orgUnit}%`} AND enrolled >= ${dayStart(q.from)}::timestamptz AND enrolled < (${dayStart(q.to)}::timestamptz + interval '1 day')
      AND status NOT IN ('entered-in-error', 'cancelled')
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(ex);
  return rows.rows.map((r) => ({ centre: r.centre, month: r.month, n: Number(r.n) }));
}

export interface MilestoneRow {
  resident_id: string;
  kind: MilestoneKind;
  at: Date;
  encounter_id: string | null;
  resource_id: string;
}

/**
 * Milestones of the residents (of `orgUnit`) ever enrolled in `centre`: the treatments of `kind`
 * in [from, to] and the arrivals from `lookbackHours` before `from`.
 */
export async function pathwayMilestones(ex: Executor, q: { centre: string; kind: MilestoneKind; orgUnit: string; from: string; to: string; lookbackHours: number }): Promise<MilestoneRow[]> {
  const rows = await sql<MilestoneRow>`
    SELECT m.resident_id, m.kind, m.at, m.encounter_id, m.resource_id FROM care_centre_milestone m
    WHERE m.resident_id IN (SELECT e.resident_id FROM care_centre_enrolment e WHERE e.centre = ${q.centre} AND e.org_unit LIKE ${`${q.orgUnit}%`} AND e.status <> 'entered-in-error')
      AND ((m.kind = ${q.kind} AND m.at >= ${dayStart(q.from)}::timestamptz)
        OR (m.kind = 'arrival' AND m.at >= ${new Date(Date.parse(dayStart(q.from)) - q.lookbackHours * 3_600_000)}))
      AND m.kind IN (${q.kind}, 'arrival') AND m.at < (${dayStart(q.to)}::timestamptz + interval '1 day')
    ORDER BY m.resident_id, m.at, m.resource_id`.execute(ex);
  return rows.rows;
}

/** Current resources that may hold a pathway milestone (emergency Encounters, MedicationAdministrations, Procedures), a page at a time by id. */
export async function milestoneSources(ex: Executor, resourceType: 'Encounter' | 'MedicationAdministration' | 'Procedure', after: string, limit: number): Promise<{ id: string; resident_id: string | null; org_unit: string | null; content: string }[]> {
  const rows = await sql<{ id: string; resident_id: string | null; org_unit: string | null; content: string }>`
    SELECT id, resident_id, org_unit, content::text AS content FROM fhir_resource
    WHERE resource_type = ${resourceType} AND deleted = false AND id > ${after}
      ${resourceType === 'Encounter' ? sql`AND content->'class'->>'code' = 'EMER'` : sql``}
    ORDER BY id LIMIT ${limit}`.execute(ex);
  return rows.rows;
}

/**
 * The registry of a centre: its enrolments whose EpisodeOfCare the caller may read (`readable`, a
 * predicate on alias `r`; undefined = the system), of residents of `orgUnit`, open ones only unless
 * `all`; newest first.
 */
export async function listEnrolments(ex: Executor, q: { centre: string; readable?: RawBuilder<boolean>; orgUnit: string; all: boolean; count: number; offset: number }): Promise<{ total: number; rows: EnrolmentRow[] }> {
  const from = sql`FROM care_centre_enrolment e JOIN fhir_resource r ON r.resource_type = 'EpisodeOfCare' AND r.id = e.episode_id AND r.deleted = false`;
  const where = sql`e.centre = ${q.centre} AND ${q.readable ?? sql`true`}
    ${q.orgUnit ? sql`AND e.org_unit LIKE ${`${q.orgUnit}%`}` : sql``}
    ${q.all ? sql`` : sql`AND e.ended IS NULL AND e.status <> ALL(${NOT_IN_CARE}::text[])`}`;
  const total = await sql<{ n: string }>`SELECT count(*) AS n ${from} WHERE ${where}`.execute(ex);
  const rows = await sql<EnrolmentRow>`SELECT e.* ${from} WHERE ${where} ORDER BY e.enrolled DESC, e.episode_id LIMIT ${q.count} OFFSET ${q.offset}`.execute(ex);
  return { total: Number(total.rows[0].n), rows: rows.rows };
}

export interface PathwayCandidate {
  resident_id: string;
  centre: string;
  facility: string | null;
  /** The qualifying Condition's subject (the Patient record of the centre), its first code, and its Encounter. */
  patient_ref: string | null;
  code: string | null;
  encounter_ref: string | null;
  /** period.start of that Encounter (the admission), else the Condition's onset/recorded time. */
  admitted: string | null;
  onset: string | null;
}

/**
 * Enrolled residents of the given centres with their qualifying Condition and its Encounter's
 * start, who have no treatment milestone yet (the demo's pathway seeding; re-running adds none).
 */
export async function pathwayCandidates(ex: Executor, centres: readonly string[]): Promise<PathwayCandidate[]> {
  const rows = await sql<PathwayCandidate>`
    SELECT e.resident_id, e.centre, e.facility, c.content->'subject'->>'reference' AS patient_ref,
      c.content->'code'->'coding'->0->>'code' AS code, c.content->'encounter'->>'reference' AS encounter_ref,
      enc.content->'period'->>'start' AS admitted, coalesce(c.content->>'onsetDateTime', c.content->>'recordedDate') AS onset
    FROM care_centre_enrolment e
    JOIN fhir_resource c ON c.resource_type = 'Condition' AND c.id = e.condition_id AND c.deleted = false
    LEFT JOIN fhir_resource enc ON enc.resource_type = 'Encounter' AND enc.deleted = false AND 'Encounter/' || enc.id = c.content->'encounter'->>'reference'
    WHERE e.centre = ANY(${[...centres]}::text[]) AND e.status <> 'entered-in-error'
      AND NOT EXISTS (SELECT 1 FROM care_centre_milestone m WHERE m.resident_id = e.resident_id AND m.kind IN ('thrombolysis', 'pci'))
    ORDER BY e.centre, e.resident_id, e.episode_id`.execute(ex);
  return rows.rows;
}
