/**
 * SQL of the resource store (the only place in fhir/ besides search.repository.ts that writes
 * SQL). Rows are written in batches: one multi-row INSERT per table per flush.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/index.js';
import type { IndexRows, IndexedType } from './indexer.js';

/** A stored version as the store hands it around: the JSON text is passed through untouched. */
export interface StoredVersion {
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: Date;
  deleted: boolean;
  residentId: string | null;
  orgUnit: string | null;
  /** The resource JSON (null for a deletion). */
  json: string | null;
}

/** A version to write, with the index rows of the new current version (none when deleted). */
export interface PendingWrite extends StoredVersion {
  index: IndexRows | null;
}

const INDEX_TABLES: Record<IndexedType, 'sp_token' | 'sp_string' | 'sp_date' | 'sp_reference' | 'sp_quantity' | 'sp_number' | 'sp_uri'> = {
  token: 'sp_token',
  string: 'sp_string',
  date: 'sp_date',
  reference: 'sp_reference',
  quantity: 'sp_quantity',
  number: 'sp_number',
  uri: 'sp_uri',
};

/** Rows per INSERT statement: keeps bind parameters well under PostgreSQL's 65,535. */
const CHUNK = 1000;

function toStored(row: {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date | string;
  deleted: boolean;
  resident_id: string | null;
  org_unit: string | null;
  content: string | null;
}): StoredVersion {
  return {
    resourceType: row.resource_type,
    id: row.id,
    versionId: Number(row.version_id),
    lastUpdated: new Date(row.last_updated),
    deleted: row.deleted,
    residentId: row.resident_id,
    orgUnit: row.org_unit,
    json: row.content,
  };
}

const columns = ['resource_type', 'id', 'version_id', 'last_updated', 'deleted', 'resident_id', 'org_unit'] as const;

/** The current version of a resource (deleted ones included), or undefined. */
export async function readCurrent(ex: Executor, resourceType: string, id: string): Promise<StoredVersion | undefined> {
  const row = await ex
    .selectFrom('fhir_resource')
    .select([...columns, sql<string | null>`content::text`.as('content')])
    .where('resource_type', '=', resourceType)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toStored(row) : undefined;
}

/** Current versions of many resources of one type. */
export async function readCurrentMany(ex: Executor, resourceType: string, ids: readonly string[]): Promise<StoredVersion[]> {
  if (ids.length === 0) return [];
  const rows = await ex
    .selectFrom('fhir_resource')
    .select([...columns, sql<string | null>`content::text`.as('content')])
    .where('resource_type', '=', resourceType)
    .where('id', 'in', ids)
    .where('deleted', '=', false)
    .execute();
  return rows.map(toStored);
}

/** One historical version, or undefined. */
export async function readVersion(ex: Executor, resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
  const row = await ex
    .selectFrom('fhir_resource_history')
    .select([...columns, sql<string | null>`content::text`.as('content')])
    .where('resource_type', '=', resourceType)
    .where('id', '=', id)
    .where('version_id', '=', versionId)
    .executeTakeFirst();
  return row ? toStored(row) : undefined;
}

export interface HistoryQuery {
  resourceType?: string;
  id?: string;
  since?: Date;
  count: number;
  offset: number;
}

/** Versions newest first (instance, type or system history). */
export async function readHistory(ex: Executor, q: HistoryQuery): Promise<{ versions: StoredVersion[]; total: number }> {
  let base = ex.selectFrom('fhir_resource_history');
  if (q.resourceType) base = base.where('resource_type', '=', q.resourceType);
  if (q.id) base = base.where('id', '=', q.id);
  if (q.since) base = base.where('last_updated', '>=', q.since);
  const rows = await base
    .select([...columns, sql<string | null>`content::text`.as('content')])
    .orderBy('last_updated', 'desc')
    .orderBy('version_id', 'desc')
    .limit(q.count)
    .offset(q.offset)
    .execute();
  const total = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { versions: rows.map(toStored), total: Number(total.n) };
}

/** Which of the given "Type/id" keys exist and are not deleted. */
export async function existingKeys(ex: Executor, keys: readonly { type: string; id: string }[]): Promise<Set<string>> {
  const found = new Set<string>();
  const byType = new Map<string, string[]>();
  for (const k of keys) byType.set(k.type, [...(byType.get(k.type) ?? []), k.id]);
  for (const [type, ids] of byType) {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await ex
        .selectFrom('fhir_resource')
        .select('id')
        .where('resource_type', '=', type)
        .where('id', 'in', ids.slice(i, i + CHUNK))
        .where('deleted', '=', false)
        .execute();
      for (const r of rows) found.add(`${type}/${r.id}`);
    }
  }
  return found;
}

/** Resident id and org unit of the given patients. */
export async function patientOwners(ex: Executor, patientIds: readonly string[]): Promise<Map<string, { residentId: string | null; orgUnit: string | null }>> {
  const out = new Map<string, { residentId: string | null; orgUnit: string | null }>();
  if (patientIds.length === 0) return out;
  const rows = await ex
    .selectFrom('fhir_resource')
    .select(['id', 'resident_id', 'org_unit'])
    .where('resource_type', '=', 'Patient')
    .where('id', 'in', [...new Set(patientIds)])
    .execute();
  for (const r of rows) out.set(r.id, { residentId: r.resident_id, orgUnit: r.org_unit });
  return out;
}

/**
 * Writes versions: history rows, the current row (upsert), and the index rows (old ones
 * removed first). The caller runs this inside its transaction.
 */
export async function writeVersions(ex: Executor, writes: readonly PendingWrite[]): Promise<void> {
  if (writes.length === 0) return;
  for (let i = 0; i < writes.length; i += CHUNK) {
    const chunk = writes.slice(i, i + CHUNK);
    const rows = chunk.map((w) => ({
      resource_type: w.resourceType,
      id: w.id,
      version_id: w.versionId,
      last_updated: w.lastUpdated,
      deleted: w.deleted,
      resident_id: w.residentId,
      org_unit: w.orgUnit,
      content: w.json ?? 'null',
    }));
    const withNullContent = rows.map((r) => ({ ...r, content: sql`${r.content}::jsonb` as unknown as string }));
    await ex.insertInto('fhir_resource_history').values(withNullContent).execute();
    await ex
      .insertInto('fhir_resource')
      .values(withNullContent)
      .onConflict((oc) =>
        oc.columns(['resource_type', 'id']).doUpdateSet((eb) => ({
          version_id: eb.ref('excluded.version_id'),
          last_updated: eb.ref('excluded.last_updated'),
          deleted: eb.ref('excluded.deleted'),
          resident_id: eb.ref('excluded.resident_id'),
          org_unit: eb.ref('excluded.org_unit'),
          content: eb.ref('excluded.content'),
        })),
      )
      .execute();
  }
  const replaced = writes.filter((w) => w.versionId > 1);
  await deleteIndexRows(ex, replaced);
  for (const type of Object.keys(INDEX_TABLES) as IndexedType[]) {
    const table = INDEX_TABLES[type];
    const rows: Record<string, unknown>[] = [];
    for (const w of writes) {
      if (!w.index) continue;
      for (const r of w.index[type]) rows.push({ resource_type: w.resourceType, resource_id: w.id, ...r });
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      await ex.insertInto(table).values(rows.slice(i, i + CHUNK) as never).execute();
    }
  }
}

async function deleteIndexRows(ex: Executor, writes: readonly PendingWrite[]): Promise<void> {
  const byType = new Map<string, string[]>();
  for (const w of writes) byType.set(w.resourceType, [...(byType.get(w.resourceType) ?? []), w.id]);
  for (const [resourceType, ids] of byType) {
    for (const table of Object.values(INDEX_TABLES)) {
      await ex.deleteFrom(table).where('resource_type', '=', resourceType).where('resource_id', 'in', ids).execute();
    }
  }
}

export interface AuditRow {
  recorded: Date;
  actor: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  residentId: string | null;
  outcome: string;
  detail: string | null;
}

/** Appends audit rows. */
export async function insertAudit(ex: Executor, rows: readonly AuditRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await ex
      .insertInto('audit_log')
      .values(
        rows.slice(i, i + CHUNK).map((r) => ({
          recorded: r.recorded,
          actor: r.actor,
          action: r.action,
          resource_type: r.resourceType,
          resource_id: r.resourceId,
          resident_id: r.residentId,
          outcome: r.outcome,
          detail: r.detail,
        })),
      )
      .execute();
  }
}
