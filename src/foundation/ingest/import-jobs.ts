/**
 * Import jobs of the server's FHIR `$import` (issue 3): a facility system posts an NDJSON body,
 * the server keeps it in a file, answers at once, and loads it in the background through the same
 * BatchImporter as `healthy-brain import` (validation, access rules of the submitter, indexes,
 * idempotence). One job runs at a time. A job cut short by a stop or a crash is taken up again on
 * the next start: the import is idempotent, so nothing is lost and nothing is duplicated.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'kysely';
import type { Database } from '../db/index.js';
import type { FhirStore, RequestContext } from '../fhir/index.js';
import { BatchImporter, type ImportProblem, type ImportStats } from './importer.js';
import { readNdjson } from './ndjson-source.js';

/** Who submitted a job: the id that may see it, the audit actor, and what rebuilds their access rights. */
export interface ImportJobOwner {
  id: string;
  /** Saved with the job (JSON) and handed back to `contextOf` when the job runs, also after a restart. */
  saved: unknown;
}

export type ImportJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface ImportJobView {
  id: string;
  status: ImportJobStatus;
  created: Date;
  started: Date | null;
  finished: Date | null;
  /** Counts so far (running) or final. */
  stats: ImportStats | null;
  /** Share of the body read, 0–1. */
  progress: number;
  /** The first problems (`line N: reason`), at most MAX_PROBLEMS. */
  problems: ImportProblem[];
  problemCount: number;
  error: string | null;
}

export interface ImportJobsOptions {
  db: Database;
  store: FhirStore;
  /** Where submitted bodies are kept until their job ends. */
  dir: string;
  /** The access context a job runs with, from the owner's saved rights. */
  contextOf: (saved: unknown) => RequestContext;
  clock?: () => Date;
  batchSize?: number;
  /** Called with an unexpected error of a job (for the server log; it names no data). */
  onError?: (err: unknown) => void;
}

const MAX_PROBLEMS = 1000;

interface Live {
  stats: ImportStats;
  bytes: number;
}

interface JobRow {
  id: string;
  owner_id: string;
  owner: unknown;
  status: ImportJobStatus;
  body_path: string;
  body_bytes: string | number;
  created: Date | string;
  started: Date | string | null;
  finished: Date | string | null;
  stats: ImportStats | string | null;
  problems: ImportProblem[] | string;
  problem_count: number;
  error: string | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const date = (v: Date | string | null) => (v === null ? null : new Date(v));

export class ImportJobs {
  private readonly queue: string[] = [];
  private readonly live = new Map<string, Live>();
  private readonly cancelled = new Set<string>();
  private worker: Promise<void> | undefined;
  private stopping = false;
  private readonly clock: () => Date;

  constructor(private readonly options: ImportJobsOptions) {
    this.clock = options.clock ?? (() => new Date());
    mkdirSync(options.dir, { recursive: true });
  }

  /** Takes up the jobs a previous run left queued or running. */
  async resume(): Promise<number> {
    const rows = await sql<{ id: string }>`SELECT id FROM import_job WHERE status IN ('queued', 'running') ORDER BY created`.execute(this.options.db);
    for (const r of rows.rows) this.enqueue(r.id);
    return rows.rows.length;
  }

  /** Stores the body and queues its job; returns the job id. Throws if the body cannot be read (nothing is kept then). */
  async submit(owner: ImportJobOwner, body: Readable | Iterable<Buffer | string> | AsyncIterable<Buffer | string>): Promise<string> {
    const id = randomUUID();
    const path = join(this.options.dir, `${id}.ndjson`);
    try {
      await pipeline(body instanceof Readable ? body : Readable.from(body), createWriteStream(path));
    } catch (err) {
      rmSync(path, { force: true });
      throw err;
    }
    const bytes = statSync(path).size;
    await sql`
      INSERT INTO import_job (id, owner_id, owner, status, body_path, body_bytes, created)
      VALUES (${id}, ${owner.id}, ${JSON.stringify(owner.saved ?? null)}::jsonb, 'queued', ${path}, ${bytes}, ${this.clock().toISOString()})`.execute(this.options.db);
    this.enqueue(id);
    return id;
  }

  /** The job if it exists and belongs to `ownerId`. */
  async get(id: string, ownerId: string): Promise<ImportJobView | undefined> {
    const row = (await sql<JobRow>`SELECT * FROM import_job WHERE id = ${id} AND owner_id = ${ownerId}`.execute(this.options.db)).rows[0];
    if (!row) return undefined;
    const live = this.live.get(id);
    const total = Number(row.body_bytes);
    const finished = row.status === 'completed';
    return {
      id: row.id,
      status: row.status,
      created: date(row.created) as Date,
      started: date(row.started),
      finished: date(row.finished),
      stats: live ? { ...live.stats } : row.stats === null ? null : json<ImportStats>(row.stats),
      progress: finished ? 1 : live && total > 0 ? Math.min(1, live.bytes / total) : 0,
      problems: json<ImportProblem[]>(row.problems),
      problemCount: row.problem_count,
      error: row.error,
    };
  }

  /** Stops a queued or running job (what was loaded stays loaded). False if there is no such job of that owner, or it has ended. */
  async cancel(id: string, ownerId: string): Promise<boolean> {
    const result = await sql`
      UPDATE import_job SET status = 'cancelled', finished = ${this.clock().toISOString()}
      WHERE id = ${id} AND owner_id = ${ownerId} AND status IN ('queued', 'running')`.execute(this.options.db);
    if (Number(result.numAffectedRows ?? 0) === 0) return false;
    this.cancelled.add(id);
    const row = (await sql<{ body_path: string }>`SELECT body_path FROM import_job WHERE id = ${id}`.execute(this.options.db)).rows[0];
    if (row && !this.live.has(id)) rmSync(row.body_path, { force: true });
    return true;
  }

  /** Lets the running job stop at its next batch (it stays `running` and resumes on the next start). */
  async close(): Promise<void> {
    this.stopping = true;
    await this.worker;
  }

  /** Resolves when no job is queued or running in this process (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.worker) await this.worker;
  }

  private enqueue(id: string): void {
    if (!this.queue.includes(id)) this.queue.push(id);
    this.worker ??= this.work().finally(() => {
      this.worker = undefined;
    });
  }

  private async work(): Promise<void> {
    for (let id = this.queue.shift(); id !== undefined && !this.stopping; id = this.queue.shift()) {
      try {
        await this.run(id);
      } catch (err) {
        this.options.onError?.(err);
        await this.finish(id, 'failed', null, 'the import stopped on an internal error (see the server log); submitting the same file again resumes it');
      }
    }
  }

  private async run(id: string): Promise<void> {
    const row = (await sql<JobRow>`SELECT * FROM import_job WHERE id = ${id}`.execute(this.options.db)).rows[0];
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return;
    if (!existsSync(row.body_path)) return this.finish(id, 'failed', null, 'the submitted body is no longer on the server; submit it again');
    await sql`UPDATE import_job SET status = 'running', started = coalesce(started, ${this.clock().toISOString()}) WHERE id = ${id}`.execute(this.options.db);
    const problems = json<ImportProblem[]>(row.problems);
    let problemCount = row.problem_count;
    const fileName = `${id}.ndjson:`;
    const importer = new BatchImporter(this.options.store, this.options.contextOf(json(row.owner)), {
      batchSize: this.options.batchSize,
      onProblem: (p) => {
        problemCount++;
        if (problems.length < MAX_PROBLEMS) problems.push({ where: p.where.replace(fileName, 'line '), reason: p.reason });
      },
    });
    const live: Live = { stats: importer.stats, bytes: 0 };
    this.live.set(id, live);
    let saved = performance.now();
    const save = async () => {
      saved = performance.now();
      await sql`UPDATE import_job SET stats = ${JSON.stringify(importer.stats)}::jsonb, problems = ${JSON.stringify(problems)}::jsonb, problem_count = ${problemCount} WHERE id = ${id}`.execute(this.options.db);
    };
    try {
      let interrupted = false;
      for await (const line of readNdjson([row.body_path])) {
        if (this.stopping || this.cancelled.has(id)) {
          interrupted = true;
          break;
        }
        live.bytes += Buffer.byteLength(line.text) + 1;
        await importer.addLine(line);
        if (performance.now() - saved > 2000) await save();
      }
      if (interrupted) {
        // Write what was read; references still waiting for their targets are left for the resume.
        await importer.flush();
        await save();
        if (this.cancelled.has(id)) rmSync(row.body_path, { force: true });
        return;
      }
      const stats = await importer.finish();
      await sql`UPDATE import_job SET problems = ${JSON.stringify(problems)}::jsonb, problem_count = ${problemCount} WHERE id = ${id}`.execute(this.options.db);
      await this.finish(id, 'completed', stats, null);
      rmSync(row.body_path, { force: true });
    } finally {
      this.live.delete(id);
      this.cancelled.delete(id);
    }
  }

  private async finish(id: string, status: ImportJobStatus, stats: ImportStats | null, error: string | null): Promise<void> {
    await sql`
      UPDATE import_job SET status = ${status}, finished = ${this.clock().toISOString()}, error = ${error},
        stats = coalesce(${stats ? JSON.stringify(stats) : null}::jsonb, stats)
      WHERE id = ${id} AND status IN ('queued', 'running')`.execute(this.options.db);
  }
}
