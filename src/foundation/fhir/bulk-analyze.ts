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
