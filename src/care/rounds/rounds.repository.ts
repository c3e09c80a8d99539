/**
 * SQL of the mobile rounds: names of villages (Location reference data), the open risk-intervention
 * Tasks of the team's residents (proj_risk_task, the risk module's projection, read like the cockpit
 * reads projections), the offline-sync client-id table, and the round coverage. Patient-level
 * queries take the caller's compiled scope on alias `r` (the resident's Patient row), so nothing
 * outside it is ever fetched.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { orgUnitLocations } from '../../foundation/fhir/index.js';
import type { RoundRiskTask } from './round-plan.js';
import type { StoredResult } from './round-sync.js';

/** FHIR R4 Task statuses before an end state (R4 §12.1.2 task state machine): the task is still to do. */
export const OPEN_TASK_STATUSES = ['draft', 'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'] as const;

const prefix = (orgUnit: string) => `${orgUnit.replace(/[\\%_]/g, '\\$&')}%`;

/** Names of org units by code (Location with an org-unit identifier). */
export async function orgUnitNames(ex: Executor, codes: readonly string[]): Promise<Map<string, string>> {
  const units = await orgUnitLocations(ex, { codes });
  return new Map(units.filter((u) => u.location.name).map((u) => [u.code, u.location.name as string]));
}

/** Open risk-intervention Tasks authored by `asOf` of living residents in `orgUnit`, inside `scope`. */
export async function openRiskTasks(ex: Executor, q: { orgUnit: string; asOf: string; scope?: RawBuilder<boolean>; limit: number }): Promise<RoundRiskTask[]> {
  const rows = await sql<Record<string, unknown>>`
    SELECT t.resource_id, t.resident_id, t.org_unit, t.code, t.reason, t.authored::text AS authored, t.due::text AS due
    FROM proj_risk_task t
    JOIN fhir_resource r ON r.resource_type = 'Patient' AND r.id = t.resident_id AND r.deleted = false
    LEFT JOIN proj_resident res ON res.resource_id = t.resident_id
    WHERE t.org_unit LIKE ${prefix(q.orgUnit)} AND t.status IN (${sql.join([...OPEN_TASK_STATUSES])}) AND t.authored <= ${q.asOf}
      AND (res.deceased IS NULL OR res.deceased > ${q.asOf}) ${q.scope ? sql`AND ${q.scope}` : sql``}
    ORDER BY t.due NULLS LAST, t.resident_id, t.resource_id LIMIT ${q.limit}`.execute(ex);
  return rows.rows.map((r) => ({
    task: String(r.resource_id),
    resident: String(r.resident_id),
    orgUnit: r.org_unit === null ? null : String(r.org_unit),
    code: String(r.code),
    reason: r.reason === null ? null : String(r.reason),
    authored: String(r.authored),
    due: r.due === null ? null : String(r.due),
  }));
}

export interface SyncRow {
  fingerprint: string;
  actor: string;
  result: StoredResult;
}

/** The accepted record of a client id, or undefined. */
export async function syncedRecord(ex: Executor, clientId: string): Promise<SyncRow | undefined> {
  const rows = await sql<{ fingerprint: string; actor: string; result: StoredResult | string }>`
    SELECT fingerprint, actor, result FROM care_round_sync WHERE client_id = ${clientId}::uuid`.execute(ex);
  const row = rows.rows[0];
  if (!row) return undefined;
  return { fingerprint: row.fingerprint, actor: row.actor, result: typeof row.result === 'string' ? (JSON.parse(row.result) as StoredResult) : row.result };
}

/** Maps a client id to its result, in the transaction of the follow-up (the resident's golden id and org unit from the Patient row). */
export async function insertSynced(ex: Executor, row: { clientId: string; fingerprint: string; actor: string; patient: string; visitDate: string; result: StoredResult }): Promise<void> {
  const inserted = await sql`INSERT INTO care_round_sync (client_id, fingerprint, actor, patient_id, resident_id, org_unit, visit_date, recorded_at, received_at, encounter_id, result)
    SELECT ${row.clientId}::uuid, ${row.fingerprint}, ${row.actor}, ${row.patient}, coalesce(p.resident_id, p.id), p.org_unit, ${row.visitDate}::date,
      ${row.result.recordedAt}::timestamptz, ${row.result.receivedAt}::timestamptz, ${row.result.encounter}, ${JSON.stringify(row.result)}::jsonb
    FROM fhir_resource p WHERE p.resource_type = 'Patient' AND p.id = ${row.patient}`.execute(ex);
  if (Number(inserted.numAffectedRows ?? 0) !== 1) throw new Error('care_round_sync: the Patient row of a recorded follow-up was not found');
}

/** Remembers who a plan listed (team, day, resident): the denominator of the round coverage. A plan asked for again adds nothing. */
export async function rememberPlan(ex: Executor, q: { team: string; date: string; at: Date; residents: readonly { resident: string; orgUnit: string; priority: string }[] }): Promise<void> {
  for (let i = 0; i < q.residents.length; i += 500) {
    const chunk = q.residents.slice(i, i + 500);
    const values = chunk.map((r) => sql`(${q.team}, ${q.date}::date, ${r.resident}, ${r.orgUnit || null}, ${r.priority}, ${q.at.toISOString()}::timestamptz)`);
    await sql`INSERT INTO care_round_plan (team, plan_date, resident_id, org_unit, priority, planned_at) VALUES ${sql.join(values)} ON CONFLICT DO NOTHING`.execute(ex);
  }
}
