/**
 * Reads under an access predicate (issue 8). The predicate is a SQL expression on the alias `r`
 * (a row of fhir_resource or of the fhir_resource_version view) and is evaluated by the database in the same
 * statement as the read, so no row the actor may not see ever leaves the database: a single read
 * returns whether the row exists and whether it is allowed, but its content only when allowed.
 * Callers pass the predicate folded for the type they read where they can (`readableFor`).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/index.js';
import { toStored, type StoredVersion, type VersionRow } from './store.repository.js';

/**
 * The read predicate for rows of one resource type: AccessControl.typedReadable while it still
 * belongs to the current `readable` (a wrapper that widens `readable` gets the general form), else
 * `readable` itself.
 */
export function readableFor(
  access: { readable: RawBuilder<boolean>; typedReadable?: { base: RawBuilder<boolean>; of(resourceType: string): RawBuilder<boolean> } },
  resourceType: string,
): RawBuilder<boolean> {
  const typed = access.typedReadable;
  return typed && typed.base === access.readable ? typed.of(resourceType) : access.readable;
}

/**
 * A single read under a scope: the predicate is evaluated once, as the condition of the content
 * column. A row outside the scope comes back with NULL content; an allowed row with its text, or ''
 * for an allowed deletion (deleted versions have no content), so `allowed` = content IS NOT NULL.
 * (The former form computed `allowed` and the content each from the predicate: twice the predicate
 * in the statement to parse, plan and run. A subquery computing it once — LATERAL, or a derived
 * table with OFFSET 0 to stop the planner from inlining it — measured slower to plan than that.)
 */
const SCOPED_COLUMNS = (scope: RawBuilder<boolean>) =>
  sql`r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.resident_id, r.org_unit,
      CASE WHEN (${scope}) THEN coalesce(r.content::text, '') END AS content`;

function toScoped(row: VersionRow): StoredVersion & { allowed: boolean } {
  return { ...toStored({ ...row, content: row.content === '' ? null : row.content }), allowed: row.content !== null };
}

/** Columns of reads whose WHERE already holds the scope: every row returned is allowed. */
const COLUMNS = sql`r.resource_type, r.id, r.version_id, r.last_updated, r.deleted, r.resident_id, r.org_unit, r.content::text AS content`;

/**
 * Current versions of resources of one type with `allowed` = the scope predicate: a row per id found
 * (deleted and outside-scope rows included, content only when allowed). One statement for one id or
 * for the reads the ReadBatcher collected.
 */
export async function readCurrentEachScoped(ex: Executor, resourceType: string, ids: readonly string[], scope: RawBuilder<boolean>): Promise<Map<string, StoredVersion & { allowed: boolean }>> {
  const result = await sql<VersionRow>`SELECT ${SCOPED_COLUMNS(scope)} FROM fhir_resource r WHERE r.resource_type = ${resourceType} AND r.id = ANY(${[...ids]}::text[])`.execute(ex);
  return new Map(result.rows.map((row) => [row.id, toScoped(row)]));
}

/** Current version of one resource with `allowed` = the scope predicate; content only when allowed. */
export async function readCurrentScoped(ex: Executor, resourceType: string, id: string, scope: RawBuilder<boolean>): Promise<(StoredVersion & { allowed: boolean }) | undefined> {
  return (await readCurrentEachScoped(ex, resourceType, [id], scope)).get(id);
}

/** One historical version with `allowed`; content only when allowed. */
export async function readVersionScoped(ex: Executor, resourceType: string, id: string, versionId: number, scope: RawBuilder<boolean>): Promise<(StoredVersion & { allowed: boolean }) | undefined> {
  const result = await sql<VersionRow>`
    SELECT ${SCOPED_COLUMNS(scope)} FROM fhir_resource_version r
    WHERE r.resource_type = ${resourceType} AND r.id = ${id} AND r.version_id = ${versionId}`.execute(ex);
  return result.rows[0] ? toScoped(result.rows[0]) : undefined;
}

/** Current, non-deleted versions of many resources of one type, only those inside the scope (for _include). */
export async function readCurrentManyScoped(ex: Executor, resourceType: string, ids: readonly string[], scope: RawBuilder<boolean>): Promise<StoredVersion[]> {
  if (ids.length === 0) return [];
  const result = await sql<VersionRow>`
    SELECT ${COLUMNS} FROM fhir_resource r
    WHERE r.resource_type = ${resourceType} AND r.id = ANY(${[...ids]}::text[]) AND r.deleted = false AND (${scope})`.execute(ex);
  return result.rows.map(toStored);
}

/** Versions newest first (instance, type or system history), only those inside the scope. */
export async function readHistoryScoped(
  ex: Executor,
  q: { resourceType?: string; id?: string; since?: Date; count: number; offset: number },
  scope: RawBuilder<boolean>,
): Promise<{ versions: StoredVersion[]; total: number; denied: number }> {
  const conds: RawBuilder<unknown>[] = [sql`true`];
  if (q.resourceType) conds.push(sql`r.resource_type = ${q.resourceType}`);
  if (q.id) conds.push(sql`r.id = ${q.id}`);
  if (q.since) conds.push(sql`r.last_updated >= ${q.since.toISOString()}`);
  const where = sql.join(conds, sql` AND `);
  const rows = await sql<VersionRow>`
    SELECT ${COLUMNS} FROM fhir_resource_version r WHERE ${where} AND (${scope})
    ORDER BY r.last_updated DESC, r.version_id DESC LIMIT ${q.count} OFFSET ${q.offset}`.execute(ex);
  const counts = await sql<{ n: number; allowed: number }>`
    SELECT count(*)::int AS n, count(*) FILTER (WHERE coalesce((${scope}), false))::int AS allowed FROM fhir_resource_version r WHERE ${where}`.execute(ex);
  const { n, allowed } = counts.rows[0];
  return { versions: rows.rows.map(toStored), total: Number(allowed), denied: Number(n) - Number(allowed) };
}

/**
 * Keys among `keys` whose current row is NOT inside `scope` (deleted rows are skipped): the write
 * check runs this before a write (on the old rows) and after it (on the new rows), in the write's
 * own transaction, so a write outside the actor's scope rolls back.
 */
export async function outsideScope(ex: Executor, keys: readonly { resourceType: string; id: string }[], scope: RawBuilder<boolean>): Promise<{ resourceType: string; id: string; residentId: string | null }[]> {
  if (keys.length === 0) return [];
  const result = await sql<{ resource_type: string; id: string; resident_id: string | null }>`
    SELECT r.resource_type, r.id, r.resident_id FROM fhir_resource r
    JOIN unnest(${keys.map((k) => k.resourceType)}::text[], ${keys.map((k) => k.id)}::text[]) AS k(resource_type, id)
      ON r.resource_type = k.resource_type AND r.id = k.id
    WHERE r.deleted = false AND NOT coalesce((${scope}), false)`.execute(ex);
  return result.rows.map((r) => ({ resourceType: r.resource_type, id: r.id, residentId: r.resident_id }));
}
