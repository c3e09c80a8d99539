/**
 * SQL of the MPI's administrative side: the review queue, persons, merge/unmerge and the audit
 * trail. Scope predicates (foundation/access, alias `r` = a fhir_resource row) are evaluated by the
 * database, never after fetching.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/index.js';
import type { MatchRecord } from './pure/index.js';

/** Patients among `ids` inside `scope` (current, not deleted). */
export async function readablePatients(ex: Executor, ids: readonly string[], scope: RawBuilder<boolean>): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await sql<{ id: string }>`
    SELECT r.id FROM fhir_resource r WHERE r.resource_type = 'Patient' AND r.id = ANY(${[...ids]}::text[]) AND r.deleted = false AND (${scope})`.execute(ex);
  return new Set(r.rows.map((x) => x.id));
}

/** A review pair's state: open (waiting for a steward), confirmed (same person, linked), rejected (different people). */
export type ReviewStatus = 'open' | 'confirmed' | 'rejected';

/** One review pair as the API returns it (also the web app's type). */
export interface ReviewItem {
  id: number;
  patientA: string;
  patientB: string;
  personA: string | null;
  personB: string | null;
  /** Fellegi–Sunter match weight (bits). */
  weight: number;
  /** P(match | comparison vector). */
  probability: number;
  /** Why it is in review: `weight` (between thresholds), `id-chain`, `bridge`. */
  reason: string;
  status: ReviewStatus;
  created: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** Comma-separated flags of each record (`invalid-resident-id`, `no-name`). */
  flagsA: string;
  flagsB: string;
}

const inScope = (col: RawBuilder<unknown>, scope: RawBuilder<boolean>) =>
  sql`EXISTS (SELECT 1 FROM fhir_resource r WHERE r.resource_type = 'Patient' AND r.id = ${col} AND r.deleted = false AND (${scope}))`;

const REVIEW_FROM = sql`mpi_review rv LEFT JOIN mpi_link la ON la.patient_id = rv.patient_a LEFT JOIN mpi_link lb ON lb.patient_id = rv.patient_b`;

/** Review pairs matching `where` (over REVIEW_FROM), strongest first, as the API returns them. */
async function selectReviews(ex: Executor, where: RawBuilder<unknown>, count: number, offset: number): Promise<ReviewItem[]> {
  const rows = await sql<{
    id: number; patient_a: string; patient_b: string; person_a: string | null; person_b: string | null; weight: number; probability: number;
    reason: string; status: ReviewStatus; created: Date; decided_by: string | null; decided_at: Date | null; flags_a: string | null; flags_b: string | null;
  }>`
    SELECT rv.id::int AS id, rv.patient_a, rv.patient_b, la.person_id AS person_a, lb.person_id AS person_b, rv.weight, rv.probability, rv.reason, rv.status,
      rv.created, rv.decided_by, rv.decided_at, fa.flags AS flags_a, fb.flags AS flags_b
    FROM ${REVIEW_FROM} LEFT JOIN mpi_feature fa ON fa.patient_id = rv.patient_a LEFT JOIN mpi_feature fb ON fb.patient_id = rv.patient_b
    WHERE ${where} ORDER BY rv.weight DESC, rv.id LIMIT ${count} OFFSET ${offset}`.execute(ex);
  return rows.rows.map((r) => ({
    id: r.id,
    patientA: r.patient_a,
    patientB: r.patient_b,
    personA: r.person_a,
    personB: r.person_b,
    weight: Number(r.weight),
    probability: Number(r.probability),
    reason: r.reason,
    status: r.status,
    created: new Date(r.created).toISOString(),
    decidedBy: r.decided_by,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    flagsA: r.flags_a ?? '',
    flagsB: r.flags_b ?? '',
  }));
}

/** Both Patients of the pair inside `scope` (no scope: all). */
const bothInScope = (scope?: RawBuilder<boolean>) => (scope ? sql`AND ${inScope(sql`rv.patient_a`, scope)} AND ${inScope(sql`rv.patient_b`, scope)}` : sql``);

/**
 * Review pairs by status, strongest first. Open pairs are listed only while their Patients are
 * in different persons (a pair joined through other links needs no human).
 */
export async function listReviews(ex: Executor, q: { status: string; count: number; offset: number; scope?: RawBuilder<boolean> }): Promise<{ total: number; items: ReviewItem[] }> {
  const where = sql`rv.status = ${q.status}
    ${q.status === 'open' ? sql`AND la.person_id IS DISTINCT FROM lb.person_id AND la.person_id IS NOT NULL AND lb.person_id IS NOT NULL` : sql``}
    ${bothInScope(q.scope)}`;
  const items = await selectReviews(ex, where, q.count, q.offset);
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${REVIEW_FROM} WHERE ${where}`.execute(ex);
  return { total: total.rows[0].n, items };
}

/** One review pair by id, whatever its status, when both its Patients are inside `scope`; else null. */
export async function getReview(ex: Executor, id: number, scope?: RawBuilder<boolean>): Promise<ReviewItem | null> {
  const [item] = await selectReviews(ex, sql`rv.id = ${id} ${bothInScope(scope)}`, 1, 0);
  return item ?? null;
}

export async function reviewById(ex: Executor, id: number) {
  const r = await sql<{ id: number; patient_a: string; patient_b: string; status: string }>`
    SELECT id::int AS id, patient_a, patient_b, status FROM mpi_review WHERE id = ${id} FOR UPDATE`.execute(ex);
  return r.rows[0];
}

export async function decideReview(ex: Executor, id: number, status: 'confirmed' | 'rejected', actor: string, now: Date): Promise<void> {
  await sql`UPDATE mpi_review SET status = ${status}, decided_by = ${actor}, decided_at = ${now.toISOString()}::timestamptz WHERE id = ${id}`.execute(ex);
}

export async function persons(ex: Executor, ids: readonly string[]) {
  const out = new Map<string, { status: string; mergedInto: string | null; residentNumber: string | null }>();
  if (ids.length === 0) return out;
  const r = await sql<{ id: string; status: string; merged_into: string | null; resident_number: string | null }>`
    SELECT id, status, merged_into, resident_number FROM mpi_person WHERE id = ANY(${[...ids]}::text[]) FOR UPDATE`.execute(ex);
  for (const row of r.rows) out.set(row.id, { status: row.status, mergedInto: row.merged_into, residentNumber: row.resident_number });
  return out;
}

export async function membersOf(ex: Executor, personIds: readonly string[]) {
  const r = await sql<{ patient_id: string; person_id: string; how: string; score: number | null; linked_by: string; linked_at: Date }>`
    SELECT patient_id, person_id, how, score, linked_by, linked_at FROM mpi_link WHERE person_id = ANY(${[...personIds]}::text[]) ORDER BY linked_at, patient_id`.execute(ex);
  return r.rows.map((x) => ({ patientId: x.patient_id, personId: x.person_id, how: x.how, score: x.score, linkedBy: x.linked_by, linkedAt: new Date(x.linked_at).toISOString() }));
}

export async function personSizes(ex: Executor, personIds: readonly string[]): Promise<Map<string, number>> {
  const r = await sql<{ person_id: string; n: number }>`
    SELECT person_id, count(*)::int AS n FROM mpi_link WHERE person_id = ANY(${[...personIds]}::text[]) GROUP BY person_id`.execute(ex);
  return new Map(r.rows.map((x) => [x.person_id, x.n]));
}

/** Moves every link of `source` to `target` (manual links now); returns the Patients moved. */
export async function moveLinks(ex: Executor, source: string, target: string, actor: string, now: Date): Promise<string[]> {
  const r = await sql<{ patient_id: string }>`
    UPDATE mpi_link SET person_id = ${target}, how = 'manual', score = NULL, linked_by = ${actor}, linked_at = ${now.toISOString()}::timestamptz
    WHERE person_id = ${source} RETURNING patient_id`.execute(ex);
  return r.rows.map((x) => x.patient_id).sort();
}

export async function markMerged(ex: Executor, source: string, target: string, sourceNumber: string | null, now: Date): Promise<void> {
  await sql`UPDATE mpi_person SET status = 'merged', merged_into = ${target}, updated = ${now.toISOString()}::timestamptz WHERE id = ${source}`.execute(ex);
  await sql`UPDATE mpi_person SET resident_number = coalesce(resident_number, ${sourceNumber}), updated = ${now.toISOString()}::timestamptz WHERE id = ${target}`.execute(ex);
}

/** Patients a merge of `source` into `target` moved that are still linked to `target`. */
export async function movedByMerge(ex: Executor, source: string, target: string): Promise<string[]> {
  const r = await sql<{ patient_id: string }>`
    SELECT DISTINCT e.patient_id FROM mpi_event e JOIN mpi_link l ON l.patient_id = e.patient_id AND l.person_id = ${target}
    WHERE e.action = 'merge' AND e.from_person = ${source} AND e.to_person = ${target} AND e.patient_id IS NOT NULL
    ORDER BY e.patient_id`.execute(ex);
  return r.rows.map((x) => x.patient_id);
}

export async function moveBack(ex: Executor, patientIds: readonly string[], person: string, actor: string, now: Date): Promise<void> {
  if (patientIds.length === 0) return;
  await sql`
    UPDATE mpi_link SET person_id = ${person}, how = 'manual', score = NULL, linked_by = ${actor}, linked_at = ${now.toISOString()}::timestamptz
    WHERE patient_id = ANY(${[...patientIds]}::text[])`.execute(ex);
}

export async function reactivate(ex: Executor, person: string, now: Date): Promise<void> {
  await sql`UPDATE mpi_person SET status = 'active', merged_into = NULL, updated = ${now.toISOString()}::timestamptz WHERE id = ${person}`.execute(ex);
}

/** Resident number of each person = the valid resident ID of its records (one by construction). */
export async function recomputeResidentNumber(ex: Executor, personIds: readonly string[], now: Date): Promise<void> {
  await sql`
    UPDATE mpi_person p SET updated = ${now.toISOString()}::timestamptz, resident_number = (
      SELECT min(f.record->>'residentId') FROM mpi_link l JOIN mpi_feature f ON f.patient_id = l.patient_id WHERE l.person_id = p.id)
    WHERE p.id = ANY(${[...personIds]}::text[])`.execute(ex);
}

export async function featureOf(ex: Executor, patientId: string): Promise<MatchRecord | undefined> {
  const r = await sql<{ record: string }>`SELECT record::text AS record FROM mpi_feature WHERE patient_id = ${patientId}`.execute(ex);
  return r.rows[0] ? (JSON.parse(r.rows[0].record) as MatchRecord) : undefined;
}

export async function eventsOfPerson(ex: Executor, personId: string) {
  const r = await sql<{ id: number; recorded: Date; actor: string; action: string; patient_id: string | null; from_person: string | null; to_person: string | null; detail: string | null }>`
    SELECT id::int AS id, recorded, actor, action, patient_id, from_person, to_person, detail FROM mpi_event
    WHERE to_person = ${personId} OR from_person = ${personId} ORDER BY id`.execute(ex);
  return r.rows.map((e) => ({ id: e.id, recorded: new Date(e.recorded).toISOString(), actor: e.actor, action: e.action, patient: e.patient_id, from: e.from_person, to: e.to_person, detail: e.detail }));
}

/** Every Patient linked to the person of `patientId` (itself included; just itself when unlinked). */
export async function samePerson(ex: Executor, patientId: string): Promise<string[]> {
  const r = await sql<{ patient_id: string }>`
    SELECT l2.patient_id FROM mpi_link l1 JOIN mpi_link l2 ON l2.person_id = l1.person_id WHERE l1.patient_id = ${patientId} ORDER BY l2.patient_id`.execute(ex);
  return r.rows.length ? r.rows.map((x) => x.patient_id) : [patientId];
}
