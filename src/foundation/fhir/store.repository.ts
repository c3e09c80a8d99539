/**
 * SQL of the resource store (the only place in fhir/ besides search.repository.ts that writes
 * SQL). Rows are written in batches: one multi-row INSERT per table per flush.
 */
import { sql } from 'kysely';
import type { Executor } from '../db/index.js';
import type { IndexRows, IndexedType } from './indexer.js';
import { currentAuditSource } from './audit-source.js';

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

/** The index table of each search-parameter type. */
export const INDEX_TABLES: Record<IndexedType, 'sp_token' | 'sp_string' | 'sp_date' | 'sp_reference' | 'sp_quantity' | 'sp_number' | 'sp_uri'> = {
  token: 'sp_token',
  string: 'sp_string',
  date: 'sp_date',
  reference: 'sp_reference',
  quantity: 'sp_quantity',
  number: 'sp_number',
  uri: 'sp_uri',
};

/** A row of fhir_resource, fhir_resource_history or fhir_resource_version with the content as JSON text. */
export interface VersionRow {
  resource_type: string;
  id: string;
  version_id: number;
  last_updated: Date | string;
  deleted: boolean;
  resident_id: string | null;
  org_unit: string | null;
  content: string | null;
}

/** The store's view of a version row. */
export function toStored(row: VersionRow): StoredVersion {
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

/** Distinct ids grouped by resource type (a bulk batch holds up to thousands per type: no array copies). */
function idsByType<T>(items: readonly T[], type: (item: T) => string, id: (item: T) => string): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const item of items) {
    const set = sets.get(type(item));
    if (set) set.add(id(item));
    else sets.set(type(item), new Set([id(item)]));
  }
  return new Map([...sets].map(([t, ids]) => [t, [...ids]]));
}

/** Current versions (deleted ones included) of the given "Type/id" keys, by key. */
export async function readCurrentByKeys(ex: Executor, keys: readonly { type: string; id: string }[]): Promise<Map<string, StoredVersion>> {
  const out = new Map<string, StoredVersion>();
  const byType = idsByType(keys, (k) => k.type, (k) => k.id);
  for (const [type, ids] of byType) {
    const rows = await ex
      .selectFrom('fhir_resource')
      .select([...columns, sql<string | null>`content::text`.as('content')])
      .where('resource_type', '=', type)
      .where(sql<boolean>`id = ANY(${ids}::text[])`)
      .execute();
    for (const r of rows) out.set(`${type}/${r.id}`, toStored(r));
  }
  return out;
}

/** One historical version, or undefined. */
export async function readVersion(ex: Executor, resourceType: string, id: string, versionId: number): Promise<StoredVersion | undefined> {
  const row = await ex
    .selectFrom('fhir_resource_version')
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
  let base = ex.selectFrom('fhir_resource_version');
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

/** Which of the given "Type/id" keys exist and are not deleted (one statement per type, each id asked once). */
export async function existingKeys(ex: Executor, keys: readonly { type: string; id: string }[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const [type, ids] of idsByType(keys, (k) => k.type, (k) => k.id)) {
    const rows = await ex
      .selectFrom('fhir_resource')
      .select('id')
      .where('resource_type', '=', type)
      .where(sql<boolean>`id = ANY(${ids}::text[])`)
      .where('deleted', '=', false)
      .execute();
    for (const r of rows) found.add(`${type}/${r.id}`);
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

/** Column lists of the index tables, in the order the unnest() arrays are passed. */
const INDEX_COLUMNS: Record<IndexedType, { name: string; type: string }[]> = {
  token: [{ name: 'system', type: 'text' }, { name: 'code', type: 'text' }],
  string: [{ name: 'value', type: 'text' }, { name: 'exact', type: 'text' }],
  date: [{ name: 'low', type: 'timestamptz' }, { name: 'high', type: 'timestamptz' }],
  reference: [{ name: 'target_type', type: 'text' }, { name: 'target_id', type: 'text' }, { name: 'reference', type: 'text' }],
  quantity: [{ name: 'value', type: 'numeric' }, { name: 'system', type: 'text' }, { name: 'code', type: 'text' }],
  number: [{ name: 'value', type: 'numeric' }],
  uri: [{ name: 'value', type: 'text' }],
};

type Column = { name: string; type: string };

/**
 * The source of an `INSERT … SELECT`: `unnest($1::t1[], $2::t2[], …) WITH ORDINALITY AS t(…, n)`,
 * one bind parameter per column whatever the row count, so large batches cost one short statement
 * (no 65,535-parameter limit). A jsonb column goes as one JSON array text (the rows' JSON joined
 * with commas) and is taken apart by jsonb_array_elements: the resource JSON is not escaped into an
 * array literal by the driver and parsed back by the server, which was the largest CPU cost of a
 * bulk write. Selects the columns (jsonb ones as `NULLIF(jK.value, 'null')`) under their names.
 */
function unnestSource(columns: Column[], rows: unknown[][]) {
  const plain = columns.map((c, i) => ({ ...c, i })).filter((c) => c.type !== 'jsonb');
  const json = columns.map((c, i) => ({ ...c, i })).filter((c) => c.type === 'jsonb');
  const unnest = sql.join(plain.map((c) => sql`${arrayLiteral(rows, c.i)}::${sql.raw(c.type)}[]`));
  const alias = sql.join([...plain.map((c) => sql.ref(c.name)), sql.ref('n')]);
  const joins = json.map(
    (c, k) => sql`JOIN jsonb_array_elements(${`[${rows.map((r) => (r[c.i] as string | null) ?? 'null').join(',')}]`}::jsonb) WITH ORDINALITY AS ${sql.ref(`j${k}`)}(value, n) USING (n)`,
  );
  const select = sql.join(
    columns.map((c) => (c.type === 'jsonb' ? sql`NULLIF(${sql.ref(`j${json.findIndex((j) => j.name === c.name)}.value`)}, 'null'::jsonb) AS ${sql.ref(c.name)}` : sql.ref(`t.${c.name}`))),
  );
  return sql`SELECT ${select} FROM unnest(${unnest}) WITH ORDINALITY AS t(${alias}) ${sql.join(joins, sql` `)}`;
}

const NEEDS_ESCAPE = /["\\]/;

/**
 * Column `i` of `rows` as a PostgreSQL array literal (PostgreSQL 15 §8.15.6): every element
 * double-quoted, `"` and `\\` backslash-escaped, NULL for null. node-postgres builds the same
 * text from a JS array but runs two regular expressions per element; for the ~10 index rows of
 * every resource of a bulk load that was 4 % of the importer's CPU.
 */
export function arrayLiteral(rows: readonly unknown[][], i: number): string {
  const parts = new Array<string>(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const v = rows[k][i];
    if (v === null || v === undefined) parts[k] = 'NULL';
    else {
      const text = v instanceof Date ? v.toISOString() : String(v);
      parts[k] = `"${NEEDS_ESCAPE.test(text) ? text.replace(/["\\]/g, '\\$&') : text}"`;
    }
  }
  return `{${parts.join(',')}}`;
}

/** INSERT … SELECT FROM unnest(…) (see unnestSource). */
async function insertUnnest(ex: Executor, table: string, columns: Column[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  await sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c.name)))}) ${unnestSource(columns, rows)}`.execute(ex);
}

const RESOURCE_COLUMNS: Column[] = [
  { name: 'resource_type', type: 'text' },
  { name: 'id', type: 'text' },
  { name: 'version_id', type: 'int4' },
  { name: 'last_updated', type: 'timestamptz' },
  { name: 'deleted', type: 'bool' },
  { name: 'resident_id', type: 'text' },
  { name: 'org_unit', type: 'text' },
  { name: 'content', type: 'jsonb' },
];

/**
 * Writes versions: the current row (upsert), the replaced versions into history, and the index
 * rows (old ones removed first). The caller runs this inside its transaction.
 *
 * Every version is stored once (migration 0012): `fhir_resource` holds the current one,
 * `fhir_resource_history` those replaced, i.e. the current rows this batch updates or deletes and
 * the versions of this batch that a later one of the same batch replaces. A create writes no
 * history row.
 *
 * Everything after the removal of old index rows is ONE statement, data-modifying CTEs over one
 * source (PostgreSQL 15 §7.8.4): the versions' JSON is sent and parsed once, and a batch costs one
 * round trip, one parse and one plan instead of one per table. The sub-statements see the same
 * snapshot (so `h` reads the current rows as they were before `r` replaces them) and all run to
 * completion; the index inserts do not touch the resource tables, so their order does not matter.
 */
export async function writeVersions(ex: Executor, writes: readonly PendingWrite[], audit: readonly AuditRow[] = []): Promise<void> {
  if (writes.length === 0) return;
  // A resource written twice in one batch: only its last version becomes current.
  const last = new Map<string, PendingWrite>();
  for (const w of writes) last.set(`${w.resourceType}/${w.id}`, w);
  const replacing = [...last.values()].filter((w) => w.versionId > 1);
  await deleteIndexRows(ex, replacing);
  const isLast = (w: PendingWrite) => last.get(`${w.resourceType}/${w.id}`) === w;
  const source = unnestSource(
    [...RESOURCE_COLUMNS, { name: 'current', type: 'bool' }],
    writes.map((w) => [w.resourceType, w.id, w.versionId, w.lastUpdated.toISOString(), w.deleted, w.residentId, w.orgUnit, w.json, isLast(w)]),
  );
  const names = sql.join(RESOURCE_COLUMNS.map((c) => sql.ref(c.name)));
  const parts = [
    sql`r AS (INSERT INTO fhir_resource (${names}) SELECT ${names} FROM v WHERE v.current
      ON CONFLICT (resource_type, id) DO UPDATE SET version_id = excluded.version_id, last_updated = excluded.last_updated,
      deleted = excluded.deleted, resident_id = excluded.resident_id, org_unit = excluded.org_unit, content = excluded.content)`,
  ];
  const replaced = writes.some((w) => !isLast(w));
  if (replacing.length > 0 || replaced) {
    const old = sql.join(RESOURCE_COLUMNS.map((c) => sql.ref(`o.${c.name}`)));
    parts.push(sql`h AS (INSERT INTO fhir_resource_history (${names})
      SELECT ${names} FROM v WHERE NOT v.current
      UNION ALL
      SELECT ${old} FROM fhir_resource o WHERE (o.resource_type, o.id) IN (SELECT resource_type, id FROM v WHERE v.current AND v.version_id > 1))`);
  }
  for (const type of Object.keys(INDEX_TABLES) as IndexedType[]) {
    const columns = INDEX_COLUMNS[type];
    const rows: unknown[][] = [];
    for (const w of last.values()) {
      if (!w.index) continue;
      for (const r of w.index[type] as Record<string, unknown>[]) rows.push([w.resourceType, w.id, r.param, ...columns.map((c) => r[c.name])]);
    }
    if (rows.length === 0) continue;
    const all = [{ name: 'resource_type', type: 'text' }, { name: 'resource_id', type: 'text' }, { name: 'param', type: 'text' }, ...columns];
    parts.push(sql`${sql.ref(`i_${type}`)} AS (INSERT INTO ${sql.table(INDEX_TABLES[type])} (${sql.join(all.map((c) => sql.ref(c.name)))}) ${unnestSource(all, rows)})`);
  }
  // The writes' audit rows go in the same statement (one round trip less per write).
  if (audit.length > 0) parts.push(sql`a AS (INSERT INTO audit_log (${sql.join(AUDIT_COLUMNS.map((c) => sql.ref(c.name)))}) ${unnestSource(AUDIT_COLUMNS, audit.map(auditValues))})`);
  await sql`WITH v AS MATERIALIZED (${source}), ${sql.join(parts)} SELECT 1`.execute(ex);
}

async function deleteIndexRows(ex: Executor, writes: readonly PendingWrite[]): Promise<void> {
  const byType = idsByType(writes, (w) => w.resourceType, (w) => w.id);
  for (const [resourceType, ids] of byType) {
    for (const table of Object.values(INDEX_TABLES)) {
      await sql`DELETE FROM ${sql.table(table)} WHERE resource_type = ${resourceType} AND resource_id = ANY(${ids}::text[])`.execute(ex);
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
  /** Roles of the actor, comma-separated (undefined = those of the running request, see audit-source.ts). */
  roles?: string | null;
  /** Client network address (undefined = that of the running request). */
  address?: string | null;
}

/** Fills in the running request's roles and address where a row does not carry its own. */
export function withAuditSource(row: AuditRow): AuditRow {
  if (row.roles !== undefined && row.address !== undefined) return row;
  const source = currentAuditSource();
  return { ...row, roles: row.roles !== undefined ? row.roles : (source?.roles ?? null), address: row.address !== undefined ? row.address : (source?.address ?? null) };
}

const AUDIT_COLUMNS = [
  { name: 'recorded', type: 'timestamptz' },
  { name: 'actor', type: 'text' },
  { name: 'action', type: 'text' },
  { name: 'resource_type', type: 'text' },
  { name: 'resource_id', type: 'text' },
  { name: 'resident_id', type: 'text' },
  { name: 'outcome', type: 'text' },
  { name: 'detail', type: 'text' },
  { name: 'actor_roles', type: 'text' },
  { name: 'source_address', type: 'text' },
];

/** Appends audit rows. */
export async function insertAudit(ex: Executor, rows: readonly AuditRow[]): Promise<void> {
  await insertUnnest(
    ex,
    'audit_log',
    AUDIT_COLUMNS,
    rows.map(auditValues),
  );
}

function auditValues(row: AuditRow): unknown[] {
  const r = withAuditSource(row);
  return [r.recorded.toISOString(), r.actor, r.action, r.resourceType, r.resourceId, r.residentId, r.outcome, r.detail, r.roles ?? null, r.address ?? null];
}
