/**
 * Bulk import of FHIR resources (NDJSON lines or a stream of resources): validated, written in
 * batches of one transaction each through the store (indexes, owners, references, audit).
 * Idempotent: resources keep their ids and identical content is skipped, so re-running an
 * import — also after a crash mid-run — adds nothing and loses nothing. A bad line is reported
 * with its file, line number and reason, skipped, and the load goes on.
 *
 * Lanes (`concurrency` > 1, PostgreSQL): resources are spread over lanes by the resident they
 * belong to (the Patient they refer to, or their own id for a Patient), and each lane writes its
 * batches one after another in its own transaction, on its own pooled connection, while the other
 * lanes write theirs and this process parses the next lines. Three rules keep the result what a
 * one-by-one load would give:
 * - one resident's resources all go through one lane, so projections recomputed per resident (the
 *   chronic-care registry) never see two writers at once;
 * - a batch that refers to a resource another lane has not committed yet waits for it (and makes
 *   that lane send its pending batch first), so references resolve as they would in file order;
 * - batches holding Patients take a turn each (the master patient index links a new Patient
 *   against the Patients committed before it: two at once could miss each other's duplicates).
 * Each batch is still all-or-nothing; the import as a whole is not one transaction (it never was).
 *
 * Planner statistics are refreshed on the bulk schedule (fhir/analyze-schedule.ts), not after every
 * 20,000 writes of the store.
 */
import { BulkAnalyzeSchedule, OperationOutcomeError, outcomes, validateInput, type FhirStore, type RequestContext } from '../fhir/index.js';
import { localTargets } from '../fhir/validate.js';
import type { Resource } from '@medplum/fhirtypes';
import type { SourceLine } from './ndjson-source.js';

export interface ImportProblem {
  /** e.g. `Patient.ndjson:17` */
  where: string;
  reason: string;
}

export interface ImportStats {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  seconds: number;
}

export interface ImportOptions {
  batchSize?: number;
  /**
   * Lanes writing at once, each in its own transaction (default 1: one batch after another, as
   * PGlite's single connection needs). On PostgreSQL the pool must hold this many connections.
   */
  concurrency?: number;
  onProblem?: (problem: ImportProblem) => void;
  onProgress?: (stats: ImportStats) => void;
  /** Written resources at which the first ANALYZE runs (default 20,000; then every ×4, and at the end). */
  analyzeFirstAt?: number;
}

interface Item {
  resource: Resource;
  where: string;
  /** "Type/id" */
  key: string;
  /** Local "Type/id" targets of its references. */
  refs: string[];
  problem?: string;
}

interface Lane {
  pending: Item[];
  pendingKeys: Set<string>;
  /** The batch being written (its keys stay here until the next batch of the lane replaces it). */
  running?: { keys: Set<string>; done: Promise<void>; finished: boolean };
}

/** PostgreSQL errors after which the whole transaction can simply run again (deadlock, serialization). */
const RETRYABLE = new Set(['40P01', '40001']);

function reasonOf(err: unknown): string {
  if (err instanceof OperationOutcomeError) {
    const issue = err.outcome.issue?.[0];
    const at = issue?.expression?.[0];
    return `${issue?.details?.text ?? issue?.diagnostics ?? 'invalid'}${at ? ` (at ${at})` : ''}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Parses and validates one NDJSON line; a resource without id gets none (rejected: bulk data carries ids). */
export function parseLine(text: string): Resource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('malformed JSON');
  }
  const resource = validateInput(value);
  if (!resource.id) throw new Error('resource has no id (bulk import keeps the ids of the source)');
  return resource;
}

/** 32-bit FNV-1a of a string (lane choice only: any even spread will do). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The resident a resource belongs to for lane choice: a Patient itself, else the first Patient it refers to. */
export function residentKey(resource: Resource, refs: readonly string[]): string {
  if (resource.resourceType === 'Patient') return `Patient/${resource.id}`;
  return refs.find((r) => r.startsWith('Patient/')) ?? `${resource.resourceType}/${resource.id}`;
}

/** Push-style importer: add() resources or lines as they come, finish() at the end. */
export class BatchImporter {
  readonly stats: ImportStats = { read: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, seconds: 0 };
  /** Resources whose reference targets had not arrived yet: retried at the end (any file order works). */
  private deferred: Item[] = [];
  private readonly started = performance.now();
  private readonly batchSize: number;
  private readonly lanes: Lane[];
  /** Batches holding Patients run one at a time: each waits for the previous one's commit. */
  private patientTurn: Promise<void> = Promise.resolve();
  /** The first unexpected error of a batch (a lost connection, a server error): the import stops with it. */
  private failure: unknown;
  private readonly statistics: BulkAnalyzeSchedule;

  constructor(
    private readonly store: FhirStore,
    private readonly ctx: RequestContext,
    private readonly options: ImportOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.statistics = new BulkAnalyzeSchedule(store, options.analyzeFirstAt);
    const n = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.lanes = Array.from({ length: n }, () => ({ pending: [], pendingKeys: new Set<string>() }));
  }

  private reject(where: string, reason: string): void {
    this.stats.rejected++;
    this.options.onProblem?.({ where, reason });
  }

  /** Adds one NDJSON line. */
  async addLine(entry: SourceLine): Promise<void> {
    const where = `${entry.file.split('/').pop()}:${entry.line}`;
    this.stats.read++;
    let resource: Resource;
    try {
      resource = parseLine(entry.text);
    } catch (err) {
      return this.reject(where, reasonOf(err));
    }
    await this.enqueue(resource, where);
  }

  /** Adds one resource (it must carry its id). */
  async add(resource: Resource, where: string): Promise<void> {
    this.stats.read++;
    let valid: Resource;
    try {
      valid = validateInput(resource);
      if (!valid.id) throw new Error('resource has no id');
    } catch (err) {
      return this.reject(where, reasonOf(err));
    }
    await this.enqueue(valid, where);
  }

  private async enqueue(resource: Resource, where: string): Promise<void> {
    if (this.failure) {
      // Let the other lanes' transactions end before the caller closes the database.
      await Promise.all(this.lanes.map((l) => l.running?.done));
      throw this.failure;
    }
    const key = `${resource.resourceType}/${resource.id}`;
    // Only needed to order lanes; with one lane the write session's own check is enough.
    const refs = this.lanes.length > 1 ? localTargets(resource).map((t) => `${t.type}/${t.id}`) : [];
    const index = this.lanes.length > 1 ? hash(residentKey(resource, refs)) % this.lanes.length : 0;
    const lane = this.lanes[index];
    lane.pending.push({ resource, where, key, refs });
    lane.pendingKeys.add(key);
    if (lane.pending.length >= this.batchSize) await this.dispatch(index);
  }

  /**
   * Starts writing lane `index`'s pending batch. Pending resources of other lanes that it refers
   * to join it (and, in turn, those they refer to): resources that refer to each other, in any
   * order, are written in one transaction as a one-lane import would. The batch starts once the
   * previous batches of its lanes have committed, and every other lane's batch it refers to.
   * Returns when the batch has started.
   */
  private async dispatch(index: number): Promise<void> {
    if (this.lanes[index].pending.length === 0) return;
    const group = [index];
    const items: Item[] = [];
    const keys = new Set<string>();
    for (let k = 0; k < group.length; k++) {
      const lane = this.lanes[group[k]];
      const taken = lane.pending;
      for (const key of lane.pendingKeys) keys.add(key);
      lane.pending = [];
      lane.pendingKeys = new Set();
      items.push(...taken);
      for (let j = 0; j < this.lanes.length; j++) {
        const other = this.lanes[j];
        if (other.pending.length > 0 && !group.includes(j) && taken.some((i) => i.refs.some((r) => other.pendingKeys.has(r)))) group.push(j);
      }
    }
    const waits: Promise<void>[] = [];
    for (let j = 0; j < this.lanes.length; j++) {
      const running = this.lanes[j].running;
      if (!running || running.finished) continue;
      if (group.includes(j) || items.some((i) => i.refs.some((r) => running.keys.has(r)))) waits.push(running.done);
    }
    await Promise.all(waits);
    const running: NonNullable<Lane['running']> = { keys, finished: false, done: Promise.resolve() };
    running.done = this.run(items).finally(() => (running.finished = true));
    for (const j of group) this.lanes[j].running = running;
  }

  /** Writes one batch in its turn; never rejects (an unexpected error is kept for the caller). */
  private async run(items: Item[]): Promise<void> {
    const patients = items.some((i) => i.resource.resourceType === 'Patient');
    let release = () => {};
    if (patients) {
      const before = this.patientTurn;
      this.patientTurn = new Promise((resolve) => (release = resolve));
      await before;
    }
    try {
      await this.write(items);
    } catch (err) {
      this.failure ??= err;
    } finally {
      release();
    }
    this.stats.seconds = (performance.now() - this.started) / 1000;
    this.options.onProgress?.(this.stats);
  }

  /** Writes every pending batch and waits for all of them. */
  async flush(): Promise<void> {
    for (let i = 0; i < this.lanes.length; i++) await this.dispatch(i);
    await Promise.all(this.lanes.map((l) => l.running?.done));
    this.stats.seconds = (performance.now() - this.started) / 1000;
    if (this.failure) throw this.failure;
    this.options.onProgress?.(this.stats);
  }

  /** Writes what is pending, retries deferred resources until no more resolve, and returns the counts. */
  async finish(): Promise<ImportStats> {
    await this.flush();
    while (this.deferred.length > 0) {
      const retry = this.deferred;
      this.deferred = [];
      const before = retry.length;
      for (let i = 0; i < retry.length; i += this.batchSize) await this.write(retry.slice(i, i + this.batchSize));
      if (this.deferred.length === before) {
        for (const item of this.deferred) this.reject(item.where, item.problem ?? 'unresolved reference');
        this.deferred = [];
      }
    }
    await this.statistics.finish();
    this.stats.seconds = (performance.now() - this.started) / 1000;
    return this.stats;
  }

  private async write(items: Item[], attempt = 1): Promise<void> {
    try {
      const results = await this.store.importBatch(
        this.ctx,
        items.map((i) => ({ resource: i.resource, location: i.resource.resourceType })),
        { deferAnalyze: true },
      );
      for (const r of results) this.stats[r]++;
      this.statistics.note(this.stats.created + this.stats.updated);
    } catch (err) {
      // Two lanes' transactions may, rarely, wait on each other (e.g. on a shared index page): the loser is rolled back whole and simply runs again.
      if (attempt < 5 && RETRYABLE.has((err as { code?: string }).code ?? '')) return this.write(items, attempt + 1);
      if (!(err instanceof OperationOutcomeError) || outcomes.statusOf(err.outcome) >= 500) throw err;
      // One bad resource spoils its batch's transaction: redo the batch one by one to name it.
      if (items.length === 1) {
        const reason = reasonOf(err);
        if (/^Invalid reference: .* does not exist/.test(reason)) {
          this.deferred.push({ ...items[0], problem: reason });
          return;
        }
        return this.reject(items[0].where, reason);
      }
      for (const item of items) await this.write([item]);
    }
  }
}

/** Imports NDJSON lines; returns the counts. */
export async function importResources(store: FhirStore, ctx: RequestContext, source: AsyncIterable<SourceLine>, options: ImportOptions = {}): Promise<ImportStats> {
  const importer = new BatchImporter(store, ctx, options);
  for await (const line of source) await importer.addLine(line);
  return importer.finish();
}
