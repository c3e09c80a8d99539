/** SQL of village-clinic visits (the only file of this module with SQL besides the migration). */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';

/** Replaces the projection rows of the given Encounters (one that no longer records an outcome leaves none). */
export async function replaceVisits(ex: Executor, encounterIds: readonly string[], rows: Record<string, unknown>[]): Promise<void> {
  if (encounterIds.length === 0) return;
  await sql`DELETE FROM care_visit WHERE encounter_id = ANY(${[...encounterIds]}::text[])`.execute(ex);
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const values = rows.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`);
  await sql`INSERT INTO care_visit (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(values)}`.execute(ex);
}

/** Residents of these villages, first by id (the demo's deterministic pick), skipping the first `skip`. */
export async function residentsOf(ex: Executor, villages: readonly string[], n: number, skip: number): Promise<{ id: string; village: string }[]> {
  const rows = await sql<{ id: string; org_unit: string }>`
    SELECT id, org_unit FROM fhir_resource WHERE resource_type = 'Patient' AND deleted = false AND org_unit = ANY(${[...villages]}::text[])
      AND (content->>'deceasedDateTime') IS NULL AND coalesce(content->>'deceasedBoolean', 'false') = 'false'
    ORDER BY id LIMIT ${n} OFFSET ${skip}`.execute(ex);
  return rows.rows.map((r) => ({ id: r.id, village: r.org_unit }));
}
