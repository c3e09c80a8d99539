/**
 * The MPI service: Patient/$match, the possible-match review queue, merge and unmerge of persons
 * (audited in `mpi_event`, reversible), the person view and the links `$everything` follows.
 * SQL lives in mpi.repository.ts and mpi-admin.repository.ts; matching in pure/.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, Parameters, Patient, Person } from '@medplum/fhirtypes';
import type { Database, Executor } from '../db/index.js';
import { accessDenied, OperationOutcomeError, outcomes, validateInput, type FhirStore, type RequestContext } from '../fhir/index.js';
import { hashedBlockingKeys } from './block-key-hash.js';
import { ModelCache, safeRecord } from './mpi.projector.js';
import * as admin from './mpi-admin.repository.js';
import * as repo from './mpi.repository.js';
import { scoreCandidates, type ScoredCandidate } from './pure/index.js';

/** FHIR match-grade extension (R4 Patient/$match, Bundle.entry.search). */
export const MATCH_GRADE_URL = 'http://hl7.org/fhir/StructureDefinition/match-grade';

/** Match grade codes (HL7 value set match-grade). */
export type MatchGrade = 'certain' | 'probable' | 'possible' | 'certainly-not';

/**
 * Grade of a scored candidate: `certain` = auto-link; `probable` = review with P(match) ≥ 0.9;
 * `possible` = other review pairs; `certainly-not` = vetoed by a business rule (two different valid
 * resident IDs, a wholly different given name) or rejected by a data steward.
 */
export function matchGrade(c: ScoredCandidate): MatchGrade | null {
  if (c.rejected) return 'certainly-not';
  if (c.score.decision === 'link') return 'certain';
  if (c.score.decision === 'review') return c.score.probability >= 0.9 ? 'probable' : 'possible';
  return c.score.probability >= 0.5 ? 'certainly-not' : null;
}

/** Who acts on the review queue and merges: the audit actor and the compiled scope. */
export interface Steward {
  actor: string;
  context: RequestContext;
}

export interface MpiServiceOptions {
  db: Database;
  store: FhirStore;
  clock?: () => Date;
  newId?: () => string;
  maxBlockSize?: number;
}

function parameter(params: Parameters, name: string) {
  return (params.parameter ?? []).find((p) => p.name === name);
}

export class MpiService {
  private readonly clock: () => Date;
  private readonly newId: () => string;
  private readonly models = new ModelCache();

  constructor(private readonly options: MpiServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
  }

  /**
   * Patient/$match (FHIR R4 §8.1.4 operation-patient-match): Parameters with `resource` (a Patient),
   * `onlyCertainMatches` and `count`, or a bare Patient. Returns a searchset Bundle of the Patients
   * the caller may read, best first, with `search.score` = P(match) and the match-grade extension.
   */
  async match(ctx: RequestContext, body: unknown, baseUrl: string): Promise<Bundle> {
    const b = body as { resourceType?: string } | null;
    let input: unknown = body;
    let onlyCertain = false;
    let count = 10;
    if (b && b.resourceType === 'Parameters') {
      const params = body as Parameters;
      input = parameter(params, 'resource')?.resource;
      if (!input) outcomes.fail('Parameters must carry a "resource" parameter with a Patient', 'Parameters.parameter');
      const only = parameter(params, 'onlyCertainMatches');
      if (only && typeof only.valueBoolean !== 'boolean') outcomes.fail('onlyCertainMatches must be a valueBoolean', 'Parameters.parameter');
      onlyCertain = only?.valueBoolean ?? false;
      const c = parameter(params, 'count');
      if (c) {
        const n = c.valueInteger ?? c.valuePositiveInt;
        if (!Number.isInteger(n) || (n as number) < 1) outcomes.fail('count must be a positive integer', 'Parameters.parameter');
        count = Math.min(n as number, 100);
      }
    }
    const patient = validateInput(input, 'Patient') as Patient;
    if (ctx.access && !ctx.access.canReadType('Patient')) throw accessDenied('Access denied: $match needs read access to Patient');
    const record = safeRecord(patient, patient.id ?? '');
    const db = this.options.db;
    const pool = await repo.fetchPool(db, hashedBlockingKeys(record), this.options.maxBlockSize ?? 1000);
    const rejected = record.id ? await repo.rejectedPairs(db, [record.id]) : undefined;
    const graded = scoreCandidates(record, pool, await this.models.get(db), rejected)
      .map((c) => ({ c, grade: matchGrade(c) }))
      .filter((x) => x.grade !== null && (!onlyCertain || x.grade === 'certain'));
    // Reads go through the store: the caller's scope in SQL, and the read audited.
    const ids = graded.map((x) => x.c.patientId);
    const found = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 100) {
      const r = await this.options.store.search(ctx, 'Patient', { _id: [ids.slice(i, i + 100).join(',')], _count: ['100'] });
      for (const m of r.matches) found.set(m.id, m.json);
    }
    const visible = graded.filter((x) => found.has(x.c.patientId));
    // onlyCertainMatches (R4 Patient-match): with several possible persons, return none rather than guess.
    const ambiguous = onlyCertain && new Set(visible.map((x) => x.c.personId ?? x.c.patientId)).size > 1;
    const entries: BundleEntry[] = (ambiguous ? [] : visible)
      .slice(0, onlyCertain ? Math.min(count, 1) : count)
      .map(({ c, grade }) => ({
        fullUrl: `${baseUrl}/Patient/${c.patientId}`,
        resource: JSON.parse(found.get(c.patientId)!) as Patient,
        search: { mode: 'match', score: Number(c.score.probability.toFixed(6)), extension: [{ url: MATCH_GRADE_URL, valueCode: grade! }] },
      }));
    return { resourceType: 'Bundle', type: 'searchset', total: entries.length, entry: entries };
  }

  /** Review queue: open pairs whose two Patients are in different persons, both inside the steward's scope. */
  async listReviews(steward: Steward, q: { status: string; count: number; offset: number }) {
    return admin.listReviews(this.options.db, { ...q, scope: steward.context.access?.readable });
  }

  /** One review pair by id (any status), or null when there is none or a Patient of it is outside the steward's scope. */
  async getReview(steward: Steward, id: number) {
    return admin.getReview(this.options.db, id, steward.context.access?.readable);
  }

  private async inScope(ex: Executor, steward: Steward, patientIds: readonly string[]): Promise<void> {
    if (!steward.context.access) return;
    const ok = await admin.readablePatients(ex, patientIds, steward.context.access.readable);
    if (patientIds.some((id) => !ok.has(id))) throw accessDenied();
  }

  /** Confirm a review pair: the two persons are merged (the larger one kept). */
  async confirm(steward: Steward, reviewId: number) {
    return this.options.db.transaction().execute(async (trx) => {
      const pair = await this.openPair(trx, reviewId);
      await this.inScope(trx, steward, [pair.patient_a, pair.patient_b]);
      const links = await repo.linksOf(trx, [pair.patient_a, pair.patient_b]);
      const pa = links.get(pair.patient_a)?.personId;
      const pb = links.get(pair.patient_b)?.personId;
      if (!pa || !pb) throw new OperationOutcomeError(outcomes.notFound);
      let merged: { target: string; moved: string[] } = { target: pa, moved: [] };
      if (pa !== pb) {
        const sizes = await admin.personSizes(trx, [pa, pb]);
        const [source, target] = (sizes.get(pa) ?? 0) >= (sizes.get(pb) ?? 0) ? [pb, pa] : [pa, pb];
        merged = { target, moved: await this.mergeIn(trx, steward.actor, source, target, `review ${reviewId}`) };
      }
      await admin.decideReview(trx, reviewId, 'confirmed', steward.actor, this.clock());
      return { review: reviewId, status: 'confirmed', person: merged.target, moved: merged.moved };
    });
  }

  /** Reject a review pair: remembered, never proposed or auto-linked again; split if they share a person. */
  async reject(steward: Steward, reviewId: number) {
    return this.options.db.transaction().execute(async (trx) => {
      const pair = await this.openPair(trx, reviewId);
      await this.inScope(trx, steward, [pair.patient_a, pair.patient_b]);
      const links = await repo.linksOf(trx, [pair.patient_a, pair.patient_b]);
      let split: string | null = null;
      if (links.get(pair.patient_a) && links.get(pair.patient_a)?.personId === links.get(pair.patient_b)?.personId) {
        split = await this.detachIn(trx, steward.actor, pair.patient_b, `review ${reviewId} rejected`);
      }
      await admin.decideReview(trx, reviewId, 'rejected', steward.actor, this.clock());
      return { review: reviewId, status: 'rejected', ...(split ? { newPerson: split } : {}) };
    });
  }

  private async openPair(ex: Executor, id: number) {
    const pair = await admin.reviewById(ex, id);
    if (!pair) throw new OperationOutcomeError(outcomes.notFound);
    if (pair.status !== 'open') throw new OperationOutcomeError(outcomes.conflict(`review ${id} is already ${pair.status}`));
    return pair;
  }

  /** Merge person `source` into `target` (every link of source moves; audited; reversed by {@link unmergePerson}). */
  async merge(steward: Steward, source: string, target: string) {
    if (source === target) outcomes.fail('source and target are the same person', 'source');
    return this.options.db.transaction().execute(async (trx) => {
      const members = await admin.membersOf(trx, [source, target]);
      await this.inScope(trx, steward, members.map((m) => m.patientId));
      const moved = await this.mergeIn(trx, steward.actor, source, target, 'manual merge');
      return { person: target, merged: source, moved };
    });
  }

  private async mergeIn(ex: Executor, actor: string, source: string, target: string, detail: string): Promise<string[]> {
    const persons = await admin.persons(ex, [source, target]);
    const s = persons.get(source);
    const t = persons.get(target);
    if (!s || !t || s.status !== 'active' || t.status !== 'active') throw new OperationOutcomeError(outcomes.notFound);
    // GB 11643 numbers are unique per person: two different valid numbers are two people.
    if (s.residentNumber && t.residentNumber && s.residentNumber !== t.residentNumber) {
      throw new OperationOutcomeError(outcomes.conflict('the two persons carry different valid resident IDs: they are two people'));
    }
    const now = this.clock();
    const moved = await admin.moveLinks(ex, source, target, actor, now);
    await admin.markMerged(ex, source, target, s.residentNumber, now);
    await repo.insertEvents(ex, [{ action: 'merge', patientId: null, fromPerson: source, toPerson: target, detail }, ...moved.map((p) => ({ action: 'merge', patientId: p, fromPerson: source, toPerson: target, detail }))], actor, now);
    return moved;
  }

  /** Undo a merge: the Patients the merge moved (and still linked to the target) go back to `person`. */
  async unmergePerson(steward: Steward, person: string) {
    return this.options.db.transaction().execute(async (trx) => {
      const p = (await admin.persons(trx, [person])).get(person);
      if (!p) throw new OperationOutcomeError(outcomes.notFound);
      if (p.status !== 'merged' || !p.mergedInto) throw new OperationOutcomeError(outcomes.conflict(`person ${person} is not merged`));
      const back = await admin.movedByMerge(trx, person, p.mergedInto);
      await this.inScope(trx, steward, back);
      const now = this.clock();
      await admin.moveBack(trx, back, person, steward.actor, now);
      await admin.reactivate(trx, person, now);
      await admin.recomputeResidentNumber(trx, [person, p.mergedInto], now);
      await repo.insertEvents(trx, [{ action: 'unmerge', patientId: null, fromPerson: p.mergedInto, toPerson: person, detail: null }, ...back.map((id) => ({ action: 'unmerge', patientId: id, fromPerson: p.mergedInto, toPerson: person, detail: null }))], steward.actor, now);
      return { person, from: p.mergedInto, moved: back };
    });
  }

  /** Take one Patient out of its person into a new person of its own (manual link; audited). */
  async unmergePatient(steward: Steward, patientId: string) {
    return this.options.db.transaction().execute(async (trx) => {
      await this.inScope(trx, steward, [patientId]);
      const person = await this.detachIn(trx, steward.actor, patientId, 'manual unmerge');
      return { patient: patientId, person };
    });
  }

  private async detachIn(ex: Executor, actor: string, patientId: string, detail: string): Promise<string> {
    const link = (await repo.linksOf(ex, [patientId])).get(patientId);
    if (!link) throw new OperationOutcomeError(outcomes.notFound);
    const now = this.clock();
    const record = await admin.featureOf(ex, patientId);
    const id = this.newId();
    await repo.insertPersons(ex, [{ id, residentNumber: record?.residentId ?? null }], now);
    await repo.upsertLinks(ex, [{ patientId, personId: id, how: 'manual', score: null, orgUnit: link.orgUnit }], actor, now);
    await admin.recomputeResidentNumber(ex, [link.personId], now);
    await repo.retireEmpty(ex, [link.personId], now);
    await repo.insertEvents(ex, [{ action: 'unmerge', patientId, fromPerson: link.personId, toPerson: id, detail }], actor, now);
    return id;
  }

  /** The golden person as a FHIR Person: one `link` per linked Patient the caller may read. */
  async person(ctx: RequestContext, personId: string): Promise<Person> {
    const p = (await admin.persons(this.options.db, [personId])).get(personId);
    if (!p) throw new OperationOutcomeError(outcomes.notFound);
    const members = await admin.membersOf(this.options.db, [personId]);
    const visible = ctx.access ? await admin.readablePatients(this.options.db, members.map((m) => m.patientId), ctx.access.readable) : new Set(members.map((m) => m.patientId));
    return {
      resourceType: 'Person',
      id: personId,
      active: p.status === 'active',
      ...(p.mergedInto ? { extension: [{ url: 'urn:healthy-brain:mpi:merged-into', valueString: p.mergedInto }] } : {}),
      // Person.link.assurance (R4): level4 = confirmed by a person, level3 = automatic link.
      link: members
        .filter((m) => visible.has(m.patientId))
        .map((m) => ({ target: { reference: `Patient/${m.patientId}` }, assurance: m.how === 'manual' ? 'level4' : 'level3' })),
    };
  }

  /** 403/404 unless the caller may read the Patient (the read is audited by the store). */
  async assertReadable(ctx: RequestContext, patientId: string): Promise<void> {
    await this.options.store.read(ctx, 'Patient', patientId, 'mpi-person');
  }

  /** Person of a Patient, or undefined when the Patient is not linked. */
  async personOfPatient(patientId: string): Promise<string | undefined> {
    return (await repo.linksOf(this.options.db, [patientId])).get(patientId)?.personId;
  }

  /** Audit trail of a person's links (merges, unmerges, automatic links). */
  async history(personId: string) {
    return admin.eventsOfPerson(this.options.db, personId);
  }
}

/** Every Patient linked to the same person as `patientId` (itself included), for `$everything`. */
export async function linkedPatientIds(db: Executor, patientId: string): Promise<string[]> {
  return admin.samePerson(db, patientId);
}
