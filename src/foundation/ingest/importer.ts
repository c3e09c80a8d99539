/**
 * Bulk import of FHIR resources (NDJSON lines or a stream of resources): validated, written in
 * batches of one transaction each through the store (indexes, owners, references, audit).
 * Idempotent: resources keep their ids and identical content is skipped, so re-running an
 * import — also after a crash mid-run — adds nothing and loses nothing. A bad line is reported
 * with its file, line number and reason, skipped, and the load goes on.
 */
import { OperationOutcomeError, outcomes, validateInput, type FhirStore, type RequestContext } from '../fhir/index.js';
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
  onProblem?: (problem: ImportProblem) => void;
  onProgress?: (stats: ImportStats) => void;
}

interface Item {
  resource: Resource;
  where: string;
  problem?: string;
}

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

/** Push-style importer: add() resources or lines as they come, finish() at the end. */
export class BatchImporter {
  readonly stats: ImportStats = { read: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, seconds: 0 };
  private batch: Item[] = [];
  /** Resources whose reference targets had not arrived yet: retried at the end (any file order works). */
  private deferred: Item[] = [];
  private readonly started = performance.now();
  private readonly batchSize: number;

  constructor(
    private readonly store: FhirStore,
    private readonly ctx: RequestContext,
    private readonly options: ImportOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
  }

  private reject(where: string, reason: string): void {
    this.stats.rejected++;
    this.options.onProblem?.({ where, reason });
  }

  /** Adds one NDJSON line. */
  async addLine(entry: SourceLine): Promise<void> {
    const where = `${entry.file.split('/').pop()}:${entry.line}`;
    this.stats.read++;
    try {
      this.batch.push({ resource: parseLine(entry.text), where });
    } catch (err) {
      this.reject(where, reasonOf(err));
    }
    await this.maybeFlush();
  }

  /** Adds one resource (it must carry its id). */
  async add(resource: Resource, where: string): Promise<void> {
    this.stats.read++;
    try {
      const valid = validateInput(resource);
      if (!valid.id) throw new Error('resource has no id');
      this.batch.push({ resource: valid, where });
    } catch (err) {
      this.reject(where, reasonOf(err));
    }
    await this.maybeFlush();
  }

  private async maybeFlush(): Promise<void> {
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  /** Writes the pending batch. */
  async flush(): Promise<void> {
    const items = this.batch;
    this.batch = [];
    if (items.length > 0) await this.write(items);
    this.stats.seconds = (performance.now() - this.started) / 1000;
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
    await this.store.analyze();
    this.stats.seconds = (performance.now() - this.started) / 1000;
    return this.stats;
  }

  private async write(items: Item[]): Promise<void> {
    try {
      const results = await this.store.importBatch(this.ctx, items.map((i) => ({ resource: i.resource, location: i.resource.resourceType })));
      for (const r of results) this.stats[r]++;
    } catch (err) {
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
