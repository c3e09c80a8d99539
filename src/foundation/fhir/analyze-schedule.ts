/**
 * When the store refreshes planner statistics (ANALYZE). PGlite runs no autovacuum, and on
 * PostgreSQL a bulk load outruns it: without statistics the planner picks plans that are 100×
 * slower after a load (measured: 7 s vs 23 ms on 100k patients).
 */
import { sql } from 'kysely';
import type { Executor } from '../db/index.js';

/** ANALYZE of every table (the store's and the domain projections; ANALYZE samples, so its cost is bounded). */
export async function analyzeDatabase(db: Executor): Promise<void> {
  try {
    await sql`ANALYZE`.execute(db);
  } catch {
    // Statistics are an optimisation: a failed ANALYZE (e.g. during shutdown) must not fail a write.
  }
}

/** Resources in the store as the planner counts them (pg_class.reltuples, refreshed by ANALYZE; 0 before the first). */
export async function storedEstimate(db: Executor): Promise<number> {
  try {
    const { rows } = await sql<{ n: number }>`SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE relname = 'fhir_resource' AND relkind = 'r'`.execute(db);
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0;
  }
}

/**
 * The store's own schedule for its online writes: ANALYZE, in the background and one at a time,
 * once this process has written max(`every`, min(N / 10, `most`)) resources since the last one,
 * where N is the number of resources stored at the last one (`analyze` returns it): PostgreSQL's own
 * autovacuum rule (analyze scale factor 0.1, PostgreSQL 15 §25.1.6), which PGlite does not run and
 * a bulk load outruns, with a ceiling. A store of millions of resources is then not re-analysed
 * every 20,000 writes (one ANALYZE of the whole database costs seconds of CPU at that size).
 * The ceiling (200,000 writes) bounds what the planner may not know: a resource type written since
 * the last ANALYZE is missing from its statistics, and with a looser rule (N instead of N / 10,
 * tried and not kept) bench:fhir's Observation searches after 42,000 Synthea writes into a store of
 * 100,000 Patients took 4 s each instead of milliseconds.
 */
export class PeriodicAnalyze {
  private since = 0;
  private stored = 0;
  private running: Promise<void> | undefined;

  constructor(
    private readonly analyze: () => Promise<number>,
    private readonly every = 20_000,
    private readonly most = 200_000,
  ) {}

  /** `n` more resources written. */
  note(n: number): void {
    this.since += n;
    if (this.since < Math.max(this.every, Math.min(this.stored / 10, this.most)) || this.running) return;
    this.since = 0;
    this.running = this.analyze()
      .then((stored) => {
        this.stored = stored;
      })
      .finally(() => (this.running = undefined));
  }

  /** Resolves when a running ANALYZE has finished. */
  async settle(): Promise<void> {
    await this.running;
  }
}

/**
 * Planner statistics during a bulk write (the NDJSON import, the risk-scoring run). The store
 * refreshes them (ANALYZE) after every 20,000 writes, which for a bulk load is most of the
 * database's work: 5 ANALYZEs were 28 % of PostgreSQL's CPU in a 91k-resource import, and a
 * 2 M-resident load would run ≈ 900. A bulk writer passes `deferAnalyze` to the store and keeps
 * one of these instead: ANALYZE when its written count reaches 20,000, 80,000, 320,000… (×4), in
 * the background, one at a time, and once at the end if anything was written since the last one.
 * The statistics are never more than 4× out of date while the load runs.
 */
export class BulkAnalyzeSchedule {
  private next: number;
  private running: Promise<void> | undefined;
  private analysedAt = 0;
  private written = 0;

  constructor(
    private readonly store: { analyze(): Promise<void> },
    firstAt = 20_000,
  ) {
    this.next = firstAt;
  }

  /** `written`: resources written so far (created + updated). */
  note(written: number): void {
    this.written = written;
    if (this.running || written < this.next) return;
    while (this.next <= written) this.next *= 4;
    this.analysedAt = written;
    this.running = this.store.analyze().finally(() => (this.running = undefined));
  }

  /** Waits for a running ANALYZE, then runs the last one if writes came after it. */
  async finish(): Promise<void> {
    await this.running;
    if (this.written > this.analysedAt) {
      this.analysedAt = this.written;
      await this.store.analyze();
    }
  }
}
