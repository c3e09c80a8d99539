/** SQL of village-clinic visits (the only file of this module with SQL besides the migration). */
import { sql } from 'kysely';
import { replaceRows, type Executor } from '../../foundation/db/index.js';

/** Replaces the projection rows: deletes those of `encounterIds` (the Encounters that may have rows), inserts `rows`. */
export async function replaceVisits(ex: Executor, encounterIds: readonly string[], rows: Record<string, unknown>[]): Promise<void> {
  await replaceRows(ex, 'care_visit', 'encounter_id', encounterIds, rows);
}

/** Residents of these villages, first by id (the demo's deterministic pick), skipping the first `skip`. */
export async function residentsOf(ex: Executor, villages: readonly string[], n: number, skip: number): Promise<{ id: string; village: string }[]> {
  const rows = await sql<{ id: string; org_unit: string }>`
    SELECT id, org_unit FROM fhir_resource WHERE resource_type = 'Patient' AND deleted = false AND org_unit = ANY(${[...villages]}::text[])
      AND (content->>'deceasedDateTime') IS NULL AND coalesce(content->>'deceasedBoolean', 'false') = 'false'
    ORDER BY id LIMIT ${n} OFFSET ${skip}`.execute(ex);
  return rows.rows.map((r) => ({ id: r.id, village: r.org_unit }));
}
