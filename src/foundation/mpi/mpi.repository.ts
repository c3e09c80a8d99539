/**
 * SQL of the master patient index (the only file of the MPI with SQL). Tables: migration
 * 0003-mpi. Bulk writes go through `unnest` of parallel arrays: one statement per table, whatever
 * the batch size.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/index.js';
import { modelFromJson, modelToJson, type MatchRecord, type MpiModel } from './pure/index.js';

/** A stored candidate: record, link and the person's resident number (all on its feature row: migration 0010). */
export interface PoolRow {
  patientId: string;
  personId: string | null;
  how: string | null;
  residentNumber: string | null;
  record: MatchRecord;
}

/** Latest persisted model, if any. */
export async function latestModel(ex: Executor): Promise<{ id: number; model: MpiModel; created: Date; source: string; records: number } | undefined> {
  const r = await sql<{ id: number; model: string; created: Date; source: string; records: number }>`
    SELECT id::int AS id, model::text AS model, created, source, records FROM mpi_model ORDER BY id DESC LIMIT 1`.execute(ex);
  const row = r.rows[0];
  return row ? { id: row.id, model: modelFromJson(JSON.parse(row.model)), created: new Date(row.created), source: row.source, records: row.records } : undefined;
}

/** Id of the latest model (cheap check for a cache). */
export async function latestModelId(ex: Executor): Promise<number | null> {
  const r = await sql<{ id: number | null }>`SELECT max(id)::int AS id FROM mpi_model`.execute(ex);
  return r.rows[0]?.id ?? null;
}

export async function saveModel(ex: Executor, model: MpiModel, source: string, records: number, now: Date): Promise<number> {
  const r = await sql<{ id: number }>`
    INSERT INTO mpi_model (created, source, records, model) VALUES (${now.toISOString()}, ${source}, ${records}, ${JSON.stringify(modelToJson(model))}::jsonb)
    RETURNING id::int AS id`.execute(ex);
  return r.rows[0].id;
}

/** Removes the features and blocking keys of these Patients (before re-indexing or on delete). */
export async function deleteIndexOf(ex: Executor, patientIds: readonly string[]): Promise<void> {
  if (patientIds.length === 0) return;
  await sql`DELETE FROM mpi_block_key WHERE patient_id = ANY(${[...patientIds]}::text[])`.execute(ex);
  await sql`DELETE FROM mpi_feature WHERE patient_id = ANY(${[...patientIds]}::text[])`.execute(ex);
}

/**
 * Stored records sharing at least one of `keys`, skipping blocks larger than `cap` (each block is
 * read with LIMIT cap + 1, so a huge block costs no more than a small one).
 */
export async function fetchPool(ex: Executor, keys: readonly string[], cap: number): Promise<PoolRow[]> {
  return fetchCappedPool(ex, keys.map((key) => ({ key, cap })));
}

/**
 * The candidate query with a cap per key: stored records sharing at least one key whose block
 * holds at most its cap. Each block is read with LIMIT cap + 1 from the `(key, patient_id)` index,
 * so the index entries read per create are bounded by the sum of the caps whatever the register's size.
 * Each candidate is then one probe of `mpi_feature`, whose row carries the link and the person's
 * resident number too (copies kept by triggers: migration 0010).
 * The ORDER BY (the index's order) keeps the planner on that index when its statistics are stale:
 * without it, statistics taken while the register was small (a bulk load, PGlite, or PostgreSQL with
 * autovacuum off or behind) made it scan the whole table once per key: 21 s instead of 30 ms for
 * 5,000 keys over 91,000 block rows (2 December 2026), and the Patient load of bench:fhir fell to
 * 282 Patients/s.
 */
export function cappedPoolQuery(keys: readonly { key: string; cap: number }[]): RawBuilder<PoolSqlRow> {
  return sql<PoolSqlRow>`
    WITH hits AS (
      SELECT k.key, k.cap, b.patient_id FROM unnest(${keys.map((k) => k.key)}::bigint[], ${keys.map((k) => k.cap)}::int[]) AS k(key, cap)
      CROSS JOIN LATERAL (SELECT patient_id FROM mpi_block_key WHERE key = k.key ORDER BY patient_id LIMIT k.cap + 1) b
    ), small AS (SELECT key FROM hits GROUP BY key, cap HAVING count(*) <= cap),
    ids AS (SELECT DISTINCT patient_id FROM hits WHERE key IN (SELECT key FROM small))
    SELECT ids.patient_id, f.record::text AS record, f.person_id, f.how, f.resident_number
    FROM ids JOIN mpi_feature f ON f.patient_id = ids.patient_id`;
}

interface PoolSqlRow {
  patient_id: string;
  record: string;
  person_id: string | null;
  how: string | null;
  resident_number: string | null;
}

/** Runs {@link cappedPoolQuery}: one statement, one round trip. */
export async function fetchCappedPool(ex: Executor, keys: readonly { key: string; cap: number }[]): Promise<PoolRow[]> {
  if (keys.length === 0) return [];
  const r = await cappedPoolQuery(keys).execute(ex);
  return r.rows.map((row) => ({
    patientId: row.patient_id,
    personId: row.person_id,
    how: row.how,
    residentNumber: row.resident_number,
    record: JSON.parse(row.record) as MatchRecord,
  }));
}

/** Current links of these Patients. */
export async function linksOf(ex: Executor, patientIds: readonly string[]): Promise<Map<string, { personId: string; how: string; orgUnit: string | null }>> {
  const out = new Map<string, { personId: string; how: string; orgUnit: string | null }>();
  if (patientIds.length === 0) return out;
  const r = await sql<{ patient_id: string; person_id: string; how: string; org_unit: string | null }>`
    SELECT patient_id, person_id, how, org_unit FROM mpi_link WHERE patient_id = ANY(${[...patientIds]}::text[])`.execute(ex);
  for (const row of r.rows) out.set(row.patient_id, { personId: row.person_id, how: row.how, orgUnit: row.org_unit });
  return out;
}

/** Number of Patients linked to each person, other than the given Patients. */
export async function otherMembers(ex: Executor, personIds: readonly string[], excluding: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (personIds.length === 0) return out;
  const r = await sql<{ person_id: string; n: number }>`
    SELECT person_id, count(*)::int AS n FROM mpi_link
    WHERE person_id = ANY(${[...personIds]}::text[]) AND NOT (patient_id = ANY(${[...excluding]}::text[]))
    GROUP BY person_id`.execute(ex);
  for (const row of r.rows) out.set(row.person_id, row.n);
  return out;
}

/** Rejected pairs touching these Patients, as `a|b`. */
export async function rejectedPairs(ex: Executor, patientIds: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (patientIds.length === 0) return out;
  const ids = [...patientIds];
  const r = await sql<{ patient_a: string; patient_b: string }>`
    SELECT patient_a, patient_b FROM mpi_review WHERE status = 'rejected' AND (patient_a = ANY(${ids}::text[]) OR patient_b = ANY(${ids}::text[]))`.execute(ex);
  for (const row of r.rows) out.add(`${row.patient_a}|${row.patient_b}`);
  return out;
}

/**
 * A feature row, with the link as decided (person, how, the person's resident number) when the
 * writer knows it: the row is then written once. Without them the insert trigger copies the
 * Patient's current link (migration 0010), and a link written after it updates the row again.
 */
export interface FeatureRow {
  patientId: string;
  record: MatchRecord;
  flags: string;
  personId?: string | null;
  how?: string | null;
  residentNumber?: string | null;
}

/** `INSERT INTO mpi_feature … ON CONFLICT DO UPDATE` of these rows (a statement, or a CTE of {@link writePlan}). */
function featureInsert(rows: readonly FeatureRow[], now: Date): RawBuilder<unknown> {
  return sql`INSERT INTO mpi_feature (patient_id, record, flags, updated, person_id, how, resident_number)
      SELECT id, rec::jsonb, flags, ${now.toISOString()}::timestamptz, person, how, rn
      FROM unnest(${rows.map((r) => r.patientId)}::text[], ${rows.map((r) => JSON.stringify(r.record))}::text[], ${rows.map((r) => r.flags)}::text[],
                  ${rows.map((r) => r.personId ?? null)}::text[], ${rows.map((r) => r.how ?? null)}::text[], ${rows.map((r) => r.residentNumber ?? null)}::text[]) AS t(id, rec, flags, person, how, rn)
      ON CONFLICT (patient_id) DO UPDATE SET record = EXCLUDED.record, flags = EXCLUDED.flags, updated = EXCLUDED.updated,
        person_id = EXCLUDED.person_id, how = EXCLUDED.how, resident_number = EXCLUDED.resident_number`;
}

export async function insertFeatures(ex: Executor, rows: readonly FeatureRow[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await featureInsert(rows, now).execute(ex);
}

export async function insertKeys(ex: Executor, rows: readonly { key: string; patientId: string }[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 20_000) {
    const chunk = rows.slice(i, i + 20_000);
    await sql`INSERT INTO mpi_block_key (key, patient_id) SELECT * FROM unnest(${chunk.map((r) => r.key)}::bigint[], ${chunk.map((r) => r.patientId)}::text[])`.execute(ex);
  }
}

export async function insertPersons(ex: Executor, rows: readonly { id: string; residentNumber: string | null }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO mpi_person (id, created, updated, status, resident_number)
    SELECT id, ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz, 'active', rn FROM unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.residentNumber)}::text[]) AS t(id, rn)`.execute(ex);
}

/** Link rows to write (insert or replace). */
export interface LinkRow {
  patientId: string;
  personId: string;
  how: string;
  score: number | null;
  orgUnit: string | null;
}

export async function upsertLinks(ex: Executor, rows: readonly LinkRow[], actor: string, now: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO mpi_link (patient_id, person_id, how, score, linked_by, linked_at, org_unit)
    SELECT p, person, how, score, ${actor}, ${now.toISOString()}::timestamptz, org
    FROM unnest(${rows.map((r) => r.patientId)}::text[], ${rows.map((r) => r.personId)}::text[], ${rows.map((r) => r.how)}::text[],
                ${rows.map((r) => r.score)}::float8[], ${rows.map((r) => r.orgUnit)}::text[]) AS t(p, person, how, score, org)
    ON CONFLICT (patient_id) DO UPDATE SET person_id = EXCLUDED.person_id, how = EXCLUDED.how, score = EXCLUDED.score,
      linked_by = CASE WHEN mpi_link.person_id = EXCLUDED.person_id THEN mpi_link.linked_by ELSE EXCLUDED.linked_by END,
      linked_at = CASE WHEN mpi_link.person_id = EXCLUDED.person_id THEN mpi_link.linked_at ELSE EXCLUDED.linked_at END,
      org_unit = EXCLUDED.org_unit`.execute(ex);
}

export async function deleteLinks(ex: Executor, patientIds: readonly string[]): Promise<void> {
  if (patientIds.length === 0) return;
  await sql`DELETE FROM mpi_link WHERE patient_id = ANY(${[...patientIds]}::text[])`.execute(ex);
}

/** Review pairs to open; a pair already decided (confirmed or rejected) is left as it is. */
export async function upsertReviews(
  ex: Executor,
  rows: readonly { a: string; b: string; weight: number; probability: number; reason: string }[],
  now: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const unique = new Map(rows.map((r) => [`${r.a}|${r.b}`, r]));
  const list = [...unique.values()];
  await sql`
    INSERT INTO mpi_review (patient_a, patient_b, weight, probability, reason, status, created)
    SELECT a, b, w, p, reason, 'open', ${now.toISOString()}::timestamptz
    FROM unnest(${list.map((r) => r.a)}::text[], ${list.map((r) => r.b)}::text[], ${list.map((r) => r.weight)}::float8[],
                ${list.map((r) => r.probability)}::float8[], ${list.map((r) => r.reason)}::text[]) AS t(a, b, w, p, reason)
    ON CONFLICT (patient_a, patient_b) DO UPDATE SET weight = EXCLUDED.weight, probability = EXCLUDED.probability, reason = EXCLUDED.reason
      WHERE mpi_review.status = 'open'`.execute(ex);
}

/** One audited change of the MPI. */
export interface EventRow {
  action: string;
  patientId: string | null;
  fromPerson: string | null;
  toPerson: string | null;
  detail: string | null;
}

export async function insertEvents(ex: Executor, rows: readonly EventRow[], actor: string, now: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    INSERT INTO mpi_event (recorded, actor, action, patient_id, from_person, to_person, detail)
    SELECT ${now.toISOString()}::timestamptz, ${actor}, a, p, f, t, d
    FROM unnest(${rows.map((r) => r.action)}::text[], ${rows.map((r) => r.patientId)}::text[], ${rows.map((r) => r.fromPerson)}::text[],
                ${rows.map((r) => r.toPerson)}::text[], ${rows.map((r) => r.detail)}::text[]) AS x(a, p, f, t, d)`.execute(ex);
}

export async function setResidentNumbers(ex: Executor, rows: readonly { personId: string; residentNumber: string }[], now: Date): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    UPDATE mpi_person p SET resident_number = t.rn, updated = ${now.toISOString()}::timestamptz
    FROM unnest(${rows.map((r) => r.personId)}::text[], ${rows.map((r) => r.residentNumber)}::text[]) AS t(id, rn)
    WHERE p.id = t.id AND p.resident_number IS NULL`.execute(ex);
}

/** Marks persons left without any linked Patient as retired (kept for the audit trail). */
export async function retireEmpty(ex: Executor, personIds: readonly string[], now: Date): Promise<void> {
  if (personIds.length === 0) return;
  await sql`
    UPDATE mpi_person p SET status = 'retired', updated = ${now.toISOString()}::timestamptz
    WHERE p.id = ANY(${[...personIds]}::text[]) AND p.status = 'active'
      AND NOT EXISTS (SELECT 1 FROM mpi_link l WHERE l.person_id = p.id)`.execute(ex);
}

/** Everything one projector batch writes (see {@link writePlan}). */
export interface WritePlan {
  /** With the link as decided (person, how, the person's resident number), when the writer knows it. */
  features: FeatureRow[];
  keys: { key: string; patientId: string }[];
  persons: { id: string; residentNumber: string | null }[];
  links: LinkRow[];
  numbered: { personId: string; residentNumber: string }[];
  reviews: { a: string; b: string; weight: number; probability: number; reason: string }[];
  events: EventRow[];
}

/**
 * Writes a projector batch in one statement: data-modifying CTEs (PostgreSQL §7.8.4), one per
 * table, so a single create costs one round trip for all its MPI rows. The parts touch different
 * tables (or different rows: resident numbers are set on existing persons only), as CTEs require.
 */
export async function writePlan(ex: Executor, plan: WritePlan, actor: string, now: Date): Promise<void> {
  const t = now.toISOString();
  const parts: RawBuilder<unknown>[] = [];
  if (plan.features.length) parts.push(sql`f AS (${featureInsert(plan.features, now)})`);
  if (plan.keys.length) {
    parts.push(sql`k AS (INSERT INTO mpi_block_key (key, patient_id) SELECT * FROM unnest(${plan.keys.map((r) => r.key)}::bigint[], ${plan.keys.map((r) => r.patientId)}::text[]))`);
  }
  if (plan.persons.length) {
    const p = plan.persons;
    parts.push(sql`p AS (INSERT INTO mpi_person (id, created, updated, status, resident_number)
      SELECT id, ${t}::timestamptz, ${t}::timestamptz, 'active', rn FROM unnest(${p.map((r) => r.id)}::text[], ${p.map((r) => r.residentNumber)}::text[]) AS t(id, rn))`);
  }
  if (plan.links.length) {
    const l = plan.links;
    parts.push(sql`l AS (INSERT INTO mpi_link (patient_id, person_id, how, score, linked_by, linked_at, org_unit)
      SELECT p, person, how, score, ${actor}, ${t}::timestamptz, org
      FROM unnest(${l.map((r) => r.patientId)}::text[], ${l.map((r) => r.personId)}::text[], ${l.map((r) => r.how)}::text[], ${l.map((r) => r.score)}::float8[], ${l.map((r) => r.orgUnit)}::text[]) AS t(p, person, how, score, org)
      ON CONFLICT (patient_id) DO UPDATE SET person_id = EXCLUDED.person_id, how = EXCLUDED.how, score = EXCLUDED.score,
        linked_by = CASE WHEN mpi_link.person_id = EXCLUDED.person_id THEN mpi_link.linked_by ELSE EXCLUDED.linked_by END,
        linked_at = CASE WHEN mpi_link.person_id = EXCLUDED.person_id THEN mpi_link.linked_at ELSE EXCLUDED.linked_at END,
        org_unit = EXCLUDED.org_unit)`);
  }
  const created = new Set(plan.persons.map((p) => p.id));
  const numbered = plan.numbered.filter((n) => !created.has(n.personId));
  if (numbered.length) {
    parts.push(sql`n AS (UPDATE mpi_person x SET resident_number = t.rn, updated = ${t}::timestamptz
      FROM unnest(${numbered.map((r) => r.personId)}::text[], ${numbered.map((r) => r.residentNumber)}::text[]) AS t(id, rn)
      WHERE x.id = t.id AND x.resident_number IS NULL)`);
  }
  if (plan.reviews.length) {
    const r = [...new Map(plan.reviews.map((x) => [`${x.a}|${x.b}`, x])).values()];
    parts.push(sql`r AS (INSERT INTO mpi_review (patient_a, patient_b, weight, probability, reason, status, created)
      SELECT a, b, w, p, reason, 'open', ${t}::timestamptz
      FROM unnest(${r.map((x) => x.a)}::text[], ${r.map((x) => x.b)}::text[], ${r.map((x) => x.weight)}::float8[], ${r.map((x) => x.probability)}::float8[], ${r.map((x) => x.reason)}::text[]) AS t(a, b, w, p, reason)
      ON CONFLICT (patient_a, patient_b) DO UPDATE SET weight = EXCLUDED.weight, probability = EXCLUDED.probability, reason = EXCLUDED.reason
      WHERE mpi_review.status = 'open')`);
  }
  if (plan.events.length) {
    const e = plan.events;
    parts.push(sql`e AS (INSERT INTO mpi_event (recorded, actor, action, patient_id, from_person, to_person, detail)
      SELECT ${t}::timestamptz, ${actor}, a, p, f, t, d
      FROM unnest(${e.map((r) => r.action)}::text[], ${e.map((r) => r.patientId)}::text[], ${e.map((r) => r.fromPerson)}::text[], ${e.map((r) => r.toPerson)}::text[], ${e.map((r) => r.detail)}::text[]) AS x(a, p, f, t, d))`);
  }
  if (parts.length) await sql`WITH ${sql.join(parts, sql`, `)} SELECT 1`.execute(ex);
}
