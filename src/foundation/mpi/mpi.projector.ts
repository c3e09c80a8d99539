/**
 * Real-time matching: a Projector that runs in the write transaction of every Patient create,
 * update and delete. Per write batch (one request, or one import chunk) it does a fixed number of
 * statements whatever the batch size: drop the batch's old features and keys, read the links and
 * the candidate pool (blocking-key index), decide every link in memory (pure/incremental-link.ts),
 * then write features, keys, persons, links, review pairs and audit events with one `unnest`
 * insert each. Patients of the same batch are matched against each other too.
 */
import { randomUUID } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import type { Executor } from '../db/index.js';
import type { Projector, ResourceChange } from '../fhir/index.js';
import { cappedBlockingKeys, mergeCappedKeys } from './block-key-hash.js';
import {
  defaultMpiModel,
  extractMatchRecord,
  IncrementalLinker,
  normaliseName,
  type FeatureOptions,
  type MatchRecord,
  type MpiModel,
} from './pure/index.js';
import * as repo from './mpi.repository.js';

/** Actor named on links and events written by the projector. */
export const REALTIME_ACTOR = 'mpi (real-time)';

export interface MpiProjectorOptions {
  clock?: () => Date;
  newId?: () => string;
  /** Blocks larger than this are ignored (default 1000, as the batch). */
  maxBlockSize?: number;
  /**
   * Broad name blocks (pinyin+sex, given+year) larger than this are ignored when the record has a
   * narrower key (ID, phone, birth date) — default 100; keeps the candidates of a create bounded.
   */
  broadBlockSize?: number;
  /** How long a loaded model is trusted before checking for a newer one (ms, default 5000). */
  modelCheckMs?: number;
  features?: FeatureOptions;
}

/** Flags kept beside a record: a malformed resident ID (kept as sent, never corrected), no usable name. */
export function recordFlags(r: MatchRecord): string {
  const flags: string[] = [];
  if (r.residentIdStatus === 'invalid') flags.push('invalid-resident-id');
  if (!r.name.chars && !r.name.pinyin) flags.push('no-name');
  return flags.join(',');
}

/** The matching record of a Patient; a Patient whose structure cannot be read is matched on nothing. */
export function safeRecord(patient: Patient, id: string, opts: FeatureOptions = {}): MatchRecord {
  try {
    return { ...extractMatchRecord(patient, opts), id };
  } catch {
    return { id, name: normaliseName({}), residentIdStatus: 'absent', phones: [], addressTokens: [] };
  }
}

/** Caches the latest persisted model, re-checking its id at most every `checkMs`. */
export class ModelCache {
  private model: MpiModel = defaultMpiModel();
  private id: number | null = null;
  private checked = -Infinity;

  constructor(private readonly checkMs = 5000) {}

  /** The model to use now (the default until a fitted one is saved). */
  async get(ex: Executor): Promise<MpiModel> {
    const t = performance.now();
    if (t - this.checked < this.checkMs) return this.model;
    this.checked = t;
    const latest = await repo.latestModelId(ex);
    if (latest !== this.id) {
      const loaded = latest === null ? undefined : await repo.latestModel(ex);
      this.model = loaded?.model ?? defaultMpiModel();
      this.id = loaded?.id ?? null;
    }
    return this.model;
  }

  /** Forget the cached model (after a fit in this process). */
  invalidate(): void {
    this.checked = -Infinity;
  }
}

/** Creates the MPI projector (one per store: it caches the model). */
export function createMpiProjector(options: MpiProjectorOptions = {}): Projector & { models: ModelCache } {
  const clock = options.clock ?? (() => new Date());
  const newId = options.newId ?? randomUUID;
  const cap = options.maxBlockSize ?? 1000;
  const models = new ModelCache(options.modelCheckMs);
  return {
    name: 'mpi',
    resourceTypes: ['Patient'],
    models,
    async apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void> {
      const now = clock();
      const latest = new Map<string, ResourceChange>();
      for (const c of changes) if (c.resourceType === 'Patient') latest.set(c.id, c);
      const ids = [...latest.keys()];
      if (ids.length === 0) return;
      // A created Patient has no features, keys, links or decided pairs yet: skip those reads.
      const seen = ids.filter((id) => !latest.get(id)!.created);
      await repo.deleteIndexOf(ex, seen);
      const links = await repo.linksOf(ex, seen);
      const events: repo.EventRow[] = [];
      const left = new Set<string>();

      const gone = ids.filter((id) => latest.get(id)!.deleted || !latest.get(id)!.resource);
      const goneLinked = gone.filter((id) => links.has(id));
      if (goneLinked.length) {
        await repo.deleteLinks(ex, goneLinked);
        for (const id of goneLinked) {
          left.add(links.get(id)!.personId);
          events.push({ action: 'unlink', patientId: id, fromPerson: links.get(id)!.personId, toPerson: null, detail: 'Patient deleted' });
        }
      }

      const live = ids.filter((id) => !gone.includes(id));
      const records = live.map((id) => safeRecord(latest.get(id)!.resource as Patient, id, options.features));
      // Hashed keys with their real-time block caps (broad name blocks capped lower: block-key-hash.ts).
      const capped = records.map((r) => cappedBlockingKeys(r, { maxBlockSize: cap, broadBlockSize: options.broadBlockSize }));
      const keys = capped.map((ks) => ks.map((k) => k.key));
      const lookup = mergeCappedKeys(capped);
      const model = live.length ? await models.get(ex) : defaultMpiModel();
      const pool = live.length ? await repo.fetchCappedPool(ex, lookup) : [];
      const rejected = await repo.rejectedPairs(ex, live.filter((id) => !latest.get(id)!.created));
      const autoPersons = [...new Set(live.map((id) => links.get(id)).filter((l) => l && l.how !== 'manual').map((l) => l!.personId))];
      const others = await repo.otherMembers(ex, autoPersons, live);
      const numbers = new Map<string, string>();
      for (const p of pool) if (p.personId && p.residentNumber) numbers.set(p.personId, p.residentNumber);
      // One create: the candidate query read exactly its candidates, so the linker needs no blocking index.
      const linker = new IncrementalLinker(pool, { model, newId, rejected, personResidentNumbers: numbers, maxBlockSize: cap, poolIsCandidates: live.length === 1 });

      const persons: { id: string; residentNumber: string | null }[] = [];
      const linkRows: repo.LinkRow[] = [];
      const reviews: Parameters<typeof repo.upsertReviews>[1][number][] = [];
      const numbered: { personId: string; residentNumber: string }[] = [];
      records.forEach((record, i) => {
        const id = live[i];
        const current = links.get(id);
        const d = linker.link({ patientId: id, record, current, othersInPerson: current ? (others.get(current.personId) ?? 0) : undefined });
        if (d.newPerson) persons.push({ id: d.personId, residentNumber: record.residentId ?? null });
        else if (record.residentId) numbered.push({ personId: d.personId, residentNumber: record.residentId });
        linkRows.push({ patientId: id, personId: d.personId, how: d.how, score: d.score, orgUnit: latest.get(id)!.orgUnit });
        reviews.push(...d.reviews);
        if (d.fromPerson) left.add(d.fromPerson);
        if (d.action === 'auto-link' || d.fromPerson) {
          events.push({
            action: d.fromPerson ? 'auto-relink' : 'auto-link',
            patientId: id,
            fromPerson: d.fromPerson,
            toPerson: d.personId,
            detail: d.score === null ? null : `weight ${d.score.toFixed(2)}`,
          });
        }
      });
      // Large batches (imports) are written in chunks so no statement carries too many parameters' worth of rows.
      // Each feature row carries its link and the person's number (the candidate row, migration 0010):
      // written here as decided, so the feature's insert trigger need not look them up; the link's
      // trigger still checks them at the end of the statement and corrects a number this batch did not know.
      const features = records.map((r, i) => {
        const link = linkRows[i];
        return { patientId: live[i], record: r, flags: recordFlags(r), personId: link.personId, how: link.how, residentNumber: linker.residentNumberOf(link.personId) ?? null };
      });
      const keyRows = keys.flatMap((ks, i) => ks.map((key) => ({ key, patientId: live[i] })));
      if (live.length <= 2000) {
        await repo.writePlan(ex, { features, keys: keyRows, persons, links: linkRows, numbered, reviews, events }, REALTIME_ACTOR, now);
      } else {
        await repo.insertFeatures(ex, features, now);
        await repo.insertKeys(ex, keyRows);
        await repo.insertPersons(ex, persons, now);
        await repo.upsertLinks(ex, linkRows, REALTIME_ACTOR, now);
        await repo.setResidentNumbers(ex, numbered, now);
        await repo.upsertReviews(ex, reviews, now);
        await repo.insertEvents(ex, events, REALTIME_ACTOR, now);
      }
      await repo.retireEmpty(ex, [...left], now);
    },
  };
}
