/**
 * Recomputes proj_case from the stored Conditions (after a change of the disease list, or for a
 * database loaded before the projection existed). Batches of 1,000 Conditions by id; the time a
 * Condition was first received is its first version's time.
 */
import { sql } from 'kysely';
import type { Condition } from '@medplum/fhirtypes';
import type { Database } from '../../foundation/db/index.js';
import type { ResourceChange } from '../../foundation/fhir/index.js';
import { DEFAULT_DISEASES, type DiseaseList } from './diseases.js';
import { createCaseProjector } from './projector.js';

export async function rebuildCaseProjection(db: Database, list: DiseaseList = DEFAULT_DISEASES): Promise<{ conditions: number; rows: number }> {
  const projector = createCaseProjector(list);
  await sql`DELETE FROM proj_case`.execute(db);
  let after = '';
  let conditions = 0;
  for (;;) {
    const batch = await sql<{ id: string; version_id: number; resident_id: string | null; org_unit: string | null; content: Condition; first: Date }>`
      SELECT r.id, r.version_id, r.resident_id, r.org_unit, r.content,
        (SELECT min(h.last_updated) FROM fhir_resource_version h WHERE h.resource_type = 'Condition' AND h.id = r.id) AS first
      FROM fhir_resource r WHERE r.resource_type = 'Condition' AND r.deleted = false AND r.id > ${after}
      ORDER BY r.id LIMIT 1000`.execute(db);
    if (batch.rows.length === 0) break;
    const changes: ResourceChange[] = batch.rows.map((r) => ({
      resource: { ...r.content, meta: { ...r.content.meta, lastUpdated: new Date(r.first ?? r.content.meta?.lastUpdated ?? 0).toISOString() } },
      resourceType: 'Condition',
      id: r.id,
      versionId: r.version_id,
      deleted: false,
      residentId: r.resident_id,
      orgUnit: r.org_unit,
    }));
    await db.transaction().execute((tx) => projector.apply(tx, changes));
    conditions += batch.rows.length;
    after = batch.rows[batch.rows.length - 1].id;
  }
  const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case`.execute(db);
  return { conditions, rows: Number(rows.rows[0]?.n ?? 0) };
}
