/**
 * SQL of the risk-intervention loop (the only file here that queries the database): residents'
 * histories from the projection tables (proj_condition, proj_bp, proj_glucose, proj_dispense,
 * proj_encounter), risk factors from the store's search indexes (no JSON parsed per observation),
 * the Patient's gender, birth date, family-doctor team and managing organization from its JSON (one
 * row per resident), open Tasks, and the saved models.
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { FAMILY_DOCTOR_TEAM_EXTENSION, LOINC, LOINC_SYSTEM, SNOMED_SYSTEM } from '../../foundation/fhir/index.js';
import type { IsoDate } from './models/index.js';
import { OPEN_TASK_STATUSES } from './codes.js';
import type { ResidentHistory, RiskFactorKind } from './features.js';

const likePrefix = (code: string) => `${code.replace(/[\\%_]/g, '\\$&')}%`;
const iso = (v: unknown): IsoDate => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

const FACTOR_CODES: Record<string, RiskFactorKind> = {
  [LOINC.totalCholesterol]: 'tc',
  [LOINC.hdl]: 'hdl',
  [LOINC.waist]: 'waist',
  [LOINC.bmi]: 'bmi',
};
/** SNOMED CT 77176002 "Smoker" as the value of LOINC 72166-2 tobacco smoking status. */
const CURRENT_SMOKER = '77176002';

export interface HistoryQuery {
  /** Org-unit code (prefix match). */
  orgUnit: string;
  /** Measurements of risk factors are taken on or before this date. */
  asOf: IsoDate;
  /** Only residents on the hypertension registry (training) instead of every adult (assessment). */
  hypertensionOnly?: boolean;
  /** Residents per batch (default 2,000). */
  batchSize?: number;
}

interface PatientRow {
  id: string;
  org_unit: string | null;
  sex: string | null;
  birth: string | null;
  team: string | null;
  managing: string | null;
}

/**
 * Streams the histories of the living residents (Patient records that are their own golden record)
 * of an org unit, in batches ordered by resident id (keyset pagination: memory is one batch).
 */
export async function* residentHistories(ex: Executor, q: HistoryQuery): AsyncGenerator<ResidentHistory[]> {
  const batchSize = q.batchSize ?? 2000;
  let after = '';
  const registry = q.hypertensionOnly
    ? sql`AND EXISTS (SELECT 1 FROM proj_condition c WHERE c.resident_id = p.id AND c.category = 'hypertension' AND c.active)`
    : sql``;
  for (;;) {
    const patients = await sql<PatientRow>`
      SELECT p.id, p.org_unit, p.content->>'gender' AS sex, p.content->>'birthDate' AS birth,
        (SELECT e->'valueReference'->>'reference' FROM jsonb_array_elements(coalesce(p.content->'extension', '[]'::jsonb)) e
          WHERE e->>'url' = ${FAMILY_DOCTOR_TEAM_EXTENSION} LIMIT 1) AS team,
        p.content->'managingOrganization'->>'reference' AS managing
      FROM fhir_resource p
      WHERE p.resource_type = 'Patient' AND NOT p.deleted AND p.id = p.resident_id AND p.id > ${after}
        AND p.org_unit LIKE ${likePrefix(q.orgUnit)}
        AND (p.content->>'deceasedDateTime' IS NULL OR p.content->>'deceasedDateTime' > ${q.asOf})
        ${registry}
      ORDER BY p.id LIMIT ${batchSize}`.execute(ex);
    if (patients.rows.length === 0) return;
    after = patients.rows[patients.rows.length - 1].id;
    yield await historiesOf(ex, patients.rows, q.asOf);
    if (patients.rows.length < batchSize) return;
  }
}

const refId = (reference: string | null, type: string): string | null =>
  reference && reference.startsWith(`${type}/`) ? reference.slice(type.length + 1) : null;

async function historiesOf(ex: Executor, patients: PatientRow[], asOf: IsoDate): Promise<ResidentHistory[]> {
  const ids = patients.map((p) => p.id);
  const [conditions, ascvd, bp, glucose, dispenses, visits, factors] = await Promise.all([
    sql<{ resident_id: string; category: string; since: unknown }>`
      SELECT resident_id, category, min(coalesce(onset, DATE '1900-01-01')) AS since FROM proj_condition
      WHERE active AND resident_id = ANY(${ids}::text[]) GROUP BY 1, 2`.execute(ex),
    // Stroke and myocardial infarction (ICD-10 I21–I22, I60–I64) from the Condition search index.
    sql<{ resident_id: string; since: unknown }>`
      SELECT r.resident_id, min(coalesce(d.low, r.last_updated))::date AS since
      FROM fhir_resource r JOIN sp_token t ON t.resource_type = 'Condition' AND t.resource_id = r.id AND t.param = 'code'
      LEFT JOIN sp_date d ON d.resource_type = 'Condition' AND d.resource_id = r.id AND d.param = 'onset-date'
      WHERE r.resource_type = 'Condition' AND NOT r.deleted AND r.resident_id = ANY(${ids}::text[])
        AND t.system LIKE 'http://hl7.org/fhir/sid/icd-10%' AND (t.code LIKE 'I21%' OR t.code LIKE 'I22%' OR t.code ~ '^I6[0-4]')
      GROUP BY 1`.execute(ex),
    sql<{ resident_id: string; resource_id: string; effective: unknown; sbp: string; dbp: string }>`
      SELECT resident_id, resource_id, effective, sbp, dbp FROM proj_bp WHERE plausible AND resident_id = ANY(${ids}::text[])
      ORDER BY resident_id, effective, resource_id`.execute(ex),
    sql<{ resident_id: string; resource_id: string; effective: unknown; mmol_l: string }>`
      SELECT resident_id, resource_id, effective, mmol_l FROM proj_glucose WHERE plausible AND resident_id = ANY(${ids}::text[])
      ORDER BY resident_id, effective, resource_id`.execute(ex),
    sql<{ resident_id: string; handed_over: unknown; drug: string; drug_class: string; days_supply: number }>`
      SELECT resident_id, handed_over, drug, drug_class, days_supply FROM proj_dispense WHERE resident_id = ANY(${ids}::text[])
      ORDER BY resident_id, handed_over, resource_id`.execute(ex),
    sql<{ resident_id: string; period_start: unknown }>`
      SELECT resident_id, period_start FROM proj_encounter WHERE resident_id = ANY(${ids}::text[]) ORDER BY resident_id, period_start`.execute(ex),
    // Latest risk-factor measurement per resident and LOINC code on or before asOf (search indexes).
    sql<{ resident_id: string; id: string; code: string; value: string | null; concept: string | null; low: unknown }>`
      SELECT DISTINCT ON (r.resident_id, t.code) r.resident_id, r.id, t.code, q.value, c.code AS concept, d.low
      FROM fhir_resource r
      JOIN sp_token t ON t.resource_type = 'Observation' AND t.resource_id = r.id AND t.param = 'code' AND t.system = ${LOINC_SYSTEM}
        AND t.code IN (${sql.join([...Object.keys(FACTOR_CODES), LOINC.smokingStatus])})
      JOIN sp_date d ON d.resource_type = 'Observation' AND d.resource_id = r.id AND d.param = 'date'
      LEFT JOIN sp_quantity q ON q.resource_type = 'Observation' AND q.resource_id = r.id AND q.param = 'value-quantity'
      LEFT JOIN sp_token c ON c.resource_type = 'Observation' AND c.resource_id = r.id AND c.param = 'value-concept' AND c.system = ${SNOMED_SYSTEM}
      WHERE r.resource_type = 'Observation' AND NOT r.deleted AND r.resident_id = ANY(${ids}::text[]) AND d.low < (${asOf}::date + 1)
      ORDER BY r.resident_id, t.code, d.low DESC, r.id`.execute(ex),
  ]);
  const group = <T extends { resident_id: string }>(rows: T[]) => {
    const out = new Map<string, T[]>();
    for (const r of rows) {
      const list = out.get(r.resident_id);
      if (list) list.push(r);
      else out.set(r.resident_id, [r]);
    }
    return out;
  };
  const cond = group(conditions.rows);
  const asc = new Map(ascvd.rows.map((r) => [r.resident_id, iso(r.since)]));
  const bpBy = group(bp.rows);
  const glBy = group(glucose.rows);
  const dispBy = group(dispenses.rows);
  const visBy = group(visits.rows);
  const facBy = group(factors.rows);
  return patients.map((p): ResidentHistory => {
    const since = (category: string) => {
      const c = cond.get(p.id)?.find((x) => x.category === category);
      return c ? iso(c.since) : null;
    };
    const f: Partial<Record<RiskFactorKind, { id: string; date: IsoDate; value: number }>> = {};
    for (const r of facBy.get(p.id) ?? []) {
      const date = iso(r.low);
      if (r.code === LOINC.smokingStatus) f.smoker = { id: r.id, date, value: r.concept === CURRENT_SMOKER ? 1 : 0 };
      else if (r.value !== null) f[FACTOR_CODES[r.code]] = { id: r.id, date, value: Number(r.value) };
    }
    return {
      residentId: p.id,
      orgUnit: p.org_unit,
      sex: p.sex === 'male' || p.sex === 'female' ? p.sex : null,
      birthDate: p.birth && /^\d{4}-\d{2}-\d{2}$/.test(p.birth) ? p.birth : null,
      careTeam: refId(p.team, 'CareTeam'),
      managingOrganization: refId(p.managing, 'Organization'),
      hypertensionSince: since('hypertension'),
      diabetesSince: since('diabetes'),
      ascvdSince: asc.get(p.id) ?? null,
      bp: (bpBy.get(p.id) ?? []).map((r) => ({ id: r.resource_id, date: iso(r.effective), sbp: Number(r.sbp), dbp: Number(r.dbp) })),
      glucose: (glBy.get(p.id) ?? []).map((r) => ({ id: r.resource_id, date: iso(r.effective), mmolL: Number(r.mmol_l) })),
      dispenses: (dispBy.get(p.id) ?? []).map((r) => ({ date: iso(r.handed_over), drug: r.drug, drugClass: r.drug_class, daysSupply: Number(r.days_supply) })),
      visits: (visBy.get(p.id) ?? []).map((r) => iso(r.period_start)),
      factors: f,
    };
  });
}

/**
 * (resident, intervention code) pairs that must not get a new Task on `asOf`: one is open, or one was
 * already authored on that date (a re-run must not re-open a Task the doctor has completed).
 */
export async function blockedTasks(ex: Executor, residentIds: readonly string[], asOf: IsoDate): Promise<Set<string>> {
  if (residentIds.length === 0) return new Set();
  const rows = await sql<{ resident_id: string; code: string }>`
    SELECT DISTINCT resident_id, code FROM proj_risk_task
    WHERE resident_id = ANY(${[...residentIds]}::text[]) AND (status IN (${sql.join([...OPEN_TASK_STATUSES])}) OR authored = ${asOf})`.execute(ex);
  return new Set(rows.rows.map((r) => `${r.resident_id}|${r.code}`));
}

/** The date of the latest plausible BP reading in the org unit (the data's "today"), or null. */
export async function latestBpDate(ex: Executor, orgUnit: string): Promise<IsoDate | null> {
  const row = await sql<{ last: unknown }>`SELECT max(effective) AS last FROM proj_bp WHERE plausible AND org_unit LIKE ${likePrefix(orgUnit)}`.execute(ex);
  const last = row.rows[0]?.last;
  return last ? iso(last) : null;
}

/** Saves a trained model (JSON) under its id; the newest per target is what the server scores with. */
export async function saveModel(ex: Executor, model: { id: string; target: string; created: string }, json: string): Promise<void> {
  await sql`INSERT INTO risk_model (id, created, target, content) VALUES (${model.id}, ${model.created}, ${model.target}, ${json}::jsonb)
    ON CONFLICT (id) DO UPDATE SET created = EXCLUDED.created, content = EXCLUDED.content`.execute(ex);
}

/** The newest saved model of a target, as stored (parsed JSON), or null. */
export async function latestModel(ex: Executor, target: string): Promise<unknown> {
  const row = await sql<{ content: unknown }>`SELECT content FROM risk_model WHERE target = ${target} ORDER BY created DESC, id DESC LIMIT 1`.execute(ex);
  const content = row.rows[0]?.content;
  return typeof content === 'string' ? JSON.parse(content) : (content ?? null);
}
