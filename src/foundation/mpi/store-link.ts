/**
 * Batch linking over the whole store (`healthy-brain mpi link`): read every current Patient, run
 * the batch engine (block → compare → fit by EM → score → cluster; pure/batch-dedupe.ts), persist
 * the fitted model for the real-time service, and rewrite features, blocking keys, persons, links
 * and the review queue in one transaction.
 *
 * Human decisions stand: a person with a manual link keeps all its Patients together (fixed links of
 * the clustering), rejected pairs are never linked directly nor proposed again. Person ids are kept
 * where a cluster continues an existing person (the id most of its Patients already carry), so
 * golden ids handed out earlier stay valid. Run it when few writes are expected: Patients written
 * during the run are re-matched by the real-time projector but not re-clustered.
 */
import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import type { Database, Executor } from '../db/index.js';
import { hashedBlockingKeys } from './block-key-hash.js';
import { recordFlags, safeRecord } from './mpi.projector.js';
import * as repo from './mpi.repository.js';
import { dedupeRecords, pairKey, probabilityFromWeight, type DedupePhase, type MatchRecord } from './pure/index.js';

/** Actor named on links and events written by the batch. */
export const BATCH_ACTOR = 'mpi link (batch)';

export interface StoreLinkOptions {
  clock?: () => Date;
  newId?: () => string;
  onProgress?: (phase: 'read' | DedupePhase | 'write', done: number, total: number) => void;
}

export interface StoreLinkResult {
  patients: number;
  persons: number;
  /** Patients whose person changed (or who had none). */
  relinked: number;
  newPersons: number;
  reviewPairs: number;
  candidatePairs: number;
  modelId: number;
  seconds: { read: number; match: number; write: number };
}

interface StoredPatient {
  id: string;
  orgUnit: string | null;
  record: MatchRecord;
}

async function readPatients(ex: Executor, onProgress?: (n: number) => void): Promise<StoredPatient[]> {
  const out: StoredPatient[] = [];
  let after = '';
  for (;;) {
    const page = await sql<{ id: string; org_unit: string | null; json: string }>`
      SELECT id, org_unit, content::text AS json FROM fhir_resource
      WHERE resource_type = 'Patient' AND deleted = false AND id > ${after} ORDER BY id LIMIT 5000`.execute(ex);
    for (const row of page.rows) out.push({ id: row.id, orgUnit: row.org_unit, record: safeRecord(JSON.parse(row.json) as Patient, row.id) });
    if (page.rows.length < 5000) break;
    after = page.rows[page.rows.length - 1].id;
    onProgress?.(out.length);
  }
  return out;
}

/** Link every stored Patient (see the file comment). */
export async function linkStore(db: Database, options: StoreLinkOptions = {}): Promise<StoreLinkResult> {
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const progress = options.onProgress ?? (() => {});
  const t0 = performance.now();
  const patients = await readPatients(db, (n) => progress('read', n, n));
  const position = new Map(patients.map((p, i) => [p.id, i]));
  const existing = await sql<{ patient_id: string; person_id: string; how: string }>`SELECT patient_id, person_id, how FROM mpi_link`.execute(db);
  const current = new Map(existing.rows.map((r) => [r.patient_id, r]));
  const rejected = await sql<{ patient_a: string; patient_b: string }>`SELECT patient_a, patient_b FROM mpi_review WHERE status = 'rejected'`.execute(db);
  const rejectedSet = new Set(rejected.rows.map((r) => `${r.patient_a}|${r.patient_b}`));
  // A person a data steward touched (any manual link) keeps all its Patients together.
  const touched = new Set(existing.rows.filter((r) => r.how === 'manual').map((r) => r.person_id));
  const manualAnchor = new Map<string, number>();
  const fixedLinks: Array<[number, number]> = [];
  for (const r of existing.rows) {
    const i = position.get(r.patient_id);
    if (!touched.has(r.person_id) || i === undefined) continue;
    const anchor = manualAnchor.get(r.person_id);
    if (anchor === undefined) manualAnchor.set(r.person_id, i);
    else fixedLinks.push([anchor, i]);
  }
  const t1 = performance.now();
  const records = patients.map((p) => p.record);
  const result = dedupeRecords(records, {
    fixedLinks,
    cannotLink: (a, b) => rejectedSet.has(pairKey(patients[a].id, patients[b].id)),
    onProgress: options.onProgress,
  });
  const t2 = performance.now();

  // Person ids: each cluster keeps the existing person most of its Patients carry (each id once).
  const members = new Map<number, number[]>();
  result.cluster.forEach((c, i) => {
    const list = members.get(c);
    if (list) list.push(i);
    else members.set(c, [i]);
  });
  const taken = new Set<string>();
  const personOfCluster = new Map<number, { id: string; isNew: boolean }>();
  const clusters = [...members.entries()].sort((a, b) => b[1].length - a[1].length);
  for (const [c, list] of clusters) {
    const votes = new Map<string, number>();
    for (const i of list) {
      const p = current.get(patients[i].id)?.person_id;
      if (p && !taken.has(p)) votes.set(p, (votes.get(p) ?? 0) + 1);
    }
    const best = [...votes.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    if (best) taken.add(best);
    personOfCluster.set(c, best ? { id: best, isNew: false } : { id: newId(), isNew: true });
  }

  const now = clock();
  let relinked = 0;
  const written = await db.transaction().execute(async (trx) => {
    const modelId = await repo.saveModel(trx, result.model, BATCH_ACTOR, patients.length, now);
    await sql`DELETE FROM mpi_block_key`.execute(trx);
    await sql`DELETE FROM mpi_feature`.execute(trx);
    const step = 20_000;
    // Each person's resident number: the least resident ID among its Patients' records, as the
    // UPDATE below sets it (that UPDATE stays the rule; this copy lets every row be written once).
    const personOf = patients.map((_, i) => personOfCluster.get(result.cluster[i])!.id);
    const numberOf = new Map<string, string>();
    patients.forEach((p, i) => {
      const person = personOf[i];
      const id = p.record.residentId;
      const n = numberOf.get(person);
      if (id && (n === undefined || id < n)) numberOf.set(person, id);
    });
    const newPersons = [...personOfCluster.values()].filter((p) => p.isNew).map((p) => ({ id: p.id, residentNumber: numberOf.get(p.id) ?? null }));
    await repo.insertPersons(trx, newPersons, now);
    const links: repo.LinkRow[] = [];
    const events: repo.EventRow[] = [];
    const features: repo.FeatureRow[] = [];
    patients.forEach((p, i) => {
      const person = personOf[i];
      const was = current.get(p.id);
      const how = was && was.person_id === person ? was.how : was?.how === 'manual' ? 'manual' : 'auto';
      // Written with its link as decided, so no link trigger rewrites the row (migration 0010).
      features.push({ patientId: p.id, record: p.record, flags: recordFlags(p.record), personId: person, how, residentNumber: numberOf.get(person) ?? null });
      if (was && was.person_id === person) return;
      relinked++;
      links.push({ patientId: p.id, personId: person, how, score: null, orgUnit: p.orgUnit });
      if (was) events.push({ action: 'batch-relink', patientId: p.id, fromPerson: was.person_id, toPerson: person, detail: null });
    });
    for (let i = 0; i < links.length; i += step) await repo.upsertLinks(trx, links.slice(i, i + step), BATCH_ACTOR, now);
    for (let i = 0; i < patients.length; i += step) {
      await repo.insertFeatures(trx, features.slice(i, i + step), now);
      await repo.insertKeys(trx, patients.slice(i, i + step).flatMap((p) => hashedBlockingKeys(p.record).map((key) => ({ key, patientId: p.id }))));
      progress('write', Math.min(i + step, patients.length), patients.length);
    }
    for (let i = 0; i < events.length; i += step) await repo.insertEvents(trx, events.slice(i, i + step), BATCH_ACTOR, now);
    const reviews = result.review.map((r) => {
      const [a, b] = [patients[r.a].id, patients[r.b].id].sort();
      return { a, b, weight: r.weight, probability: probabilityFromWeight(r.weight, result.model.params.lambda), reason: r.reason };
    });
    await repo.upsertReviews(trx, reviews, now);
    // Persons: resident number from their records; those left without Patients retired.
    await sql`UPDATE mpi_person p SET resident_number = x.rn FROM (
        SELECT l.person_id, min(f.record->>'residentId') AS rn FROM mpi_link l JOIN mpi_feature f ON f.patient_id = l.patient_id GROUP BY l.person_id) x
      WHERE p.id = x.person_id AND p.resident_number IS DISTINCT FROM x.rn`.execute(trx);
    await sql`UPDATE mpi_person p SET status = 'retired', updated = ${now.toISOString()}::timestamptz
      WHERE p.status = 'active' AND NOT EXISTS (SELECT 1 FROM mpi_link l WHERE l.person_id = p.id)`.execute(trx);
    return { modelId, newPersons: newPersons.length, reviewPairs: reviews.length };
  });
  const t3 = performance.now();
  return {
    patients: patients.length,
    persons: result.clusters,
    relinked,
    newPersons: written.newPersons,
    reviewPairs: written.reviewPairs,
    candidatePairs: result.candidatePairs,
    modelId: written.modelId,
    seconds: { read: (t1 - t0) / 1000, match: (t2 - t1) / 1000, write: (t3 - t2) / 1000 },
  };
}
