/**
 * Audit of reads and writes of health data (DESIGN.md convention 5). Writes are audited inside
 * their own transaction by the store; reads go through a small buffer that is flushed every
 * few hundred milliseconds (and on close), so that a read costs no extra round trip.
 */
import type { Database } from '../db/index.js';
import { insertAudit, withAuditSource, type AuditRow } from './store.repository.js';

export { insertAudit, type AuditRow } from './store.repository.js';

/** Where the store sends audit rows of reads. */
export interface AuditSink {
  record(rows: AuditRow[]): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** Buffers read-audit rows and writes them in batches. */
export class BufferedAuditWriter implements AuditSink {
  private buffer: AuditRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly intervalMs = 250,
    private readonly maxRows = 2000,
  ) {}

  record(rows: AuditRow[]): void {
    // Stamped now, while the request that caused the read is still the running one.
    this.buffer.push(...rows.map(withAuditSource));
    if (this.buffer.length >= this.maxRows) void this.flush();
    else if (!this.timer) this.timer = setTimeout(() => void this.flush(), this.intervalMs);
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (rows.length > 0) await insertAudit(this.db, rows);
    });
    await this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}
