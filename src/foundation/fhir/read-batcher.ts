/**
 * Batches concurrent single reads (`GET [type]/[id]`) into one statement, as DataLoader does for
 * GraphQL resolvers: the reads a server starts while handling one turn of the event loop — several
 * facility systems reading at once — are collected until `setImmediate` and sent as one
 * `id = ANY(…)` query per resource type and access scope. Each read still gets exactly the row, the
 * `allowed` flag and the content that `readCurrentScoped` would give it (same columns, same scope
 * predicate); only the round trips are shared. On this project's VMs a round trip to PostgreSQL costs
 * ≈ 150 µs of the server's CPU in system calls, more than the read's own work (docs/benchmarks.md).
 *
 * Reads are grouped only when their scope compiles to the same SQL and parameters (the same user, or
 * users with the same scope); a group of one is a statement for one id. A failed batch fails each of
 * its reads with the same error. Only reads outside a transaction are batched: the store passes its
 * own database handle, never a transaction's.
 */
import type { RawBuilder } from 'kysely';
import type { Database } from '../db/index.js';
import { readCurrentEachScoped } from './scoped.repository.js';
import type { StoredVersion } from './store.repository.js';

type Scoped = StoredVersion & { allowed: boolean };

interface Pending {
  id: string;
  resolve: (v: Scoped | undefined) => void;
  reject: (e: unknown) => void;
}

interface Group {
  resourceType: string;
  scope: RawBuilder<boolean>;
  reads: Pending[];
}

export class ReadBatcher {
  private groups = new Map<string, Group>();
  private scheduled = false;
  /** Statements sent and reads served (for tests and the bench). */
  readonly stats = { statements: 0, reads: 0 };

  constructor(private readonly db: Database) {}

  /** The current version of `resourceType/id` with `allowed` under `scope` (readCurrentScoped, batched). */
  read(resourceType: string, id: string, scope: RawBuilder<boolean>): Promise<Scoped | undefined> {
    const compiled = scope.compile(this.db);
    const key = `${resourceType}\u0000${compiled.sql}\u0000${JSON.stringify(compiled.parameters)}`;
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { resourceType, scope, reads: [] }));
    const pending = group;
    const result = new Promise<Scoped | undefined>((resolve, reject) => pending.reads.push({ id, resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return result;
  }

  private flush(): void {
    const groups = [...this.groups.values()];
    this.groups = new Map();
    this.scheduled = false;
    for (const g of groups) void this.run(g);
  }

  private async run(g: Group): Promise<void> {
    this.stats.statements++;
    this.stats.reads += g.reads.length;
    try {
      const rows = await readCurrentEachScoped(this.db, g.resourceType, [...new Set(g.reads.map((r) => r.id))], g.scope);
      for (const r of g.reads) r.resolve(rows.get(r.id));
    } catch (e) {
      for (const r of g.reads) r.reject(e);
    }
  }
}
