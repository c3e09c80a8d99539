/**
 * The FHIR resource store: read, vread, create, update, delete, history, search, $everything.
 * Writes run in a transaction through a WriteSession (indexes, ownership, references,
 * projections and audit in the same transaction); reads are audited through the AuditSink.
 */
import { randomUUID } from 'node:crypto';
import { OperationOutcomeError } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { RawBuilder } from 'kysely';
import type { Database, Executor } from '../db/index.js';
import { analyzeDatabase, PeriodicAnalyze, storedEstimate } from './analyze-schedule.js';
import type { AuditSink } from './audit.js';
import { patientCompartmentParams, patientCompartmentTypes } from './compartment.js';
import { conflict, gone, notFound, notFoundOutcome, preconditionFailed } from './outcomes.js';
import { ReadBatcher } from './read-batcher.js';
import { outsideScope, readableFor, readCurrentManyScoped, readHistoryScoped, readVersionScoped } from './scoped.repository.js';
import { compileSearch, type CompiledSearch } from './search-compile.js';
import { includeTargets, referencingResources, searchCount, searchPage } from './search.repository.js';
import { paramStorage } from './param-storage.js';
import { readCurrent, readCurrentByKeys, readCurrentMany, readHistory, readVersion, type StoredVersion } from './store.repository.js';
import { assertId, assertResourceType, validateInput } from './validate.js';
import { WriteSession, type Projector, type WriteGuard } from './write-session.js';
import { pushTo } from '../collections.js';

/**
 * What the acting user may see and change, compiled by the access module (foundation/access) into
 * SQL predicates on the alias `r` (a fhir_resource row or a fhir_resource_version row). The store puts
 * them into the SQL of every read and checks every write with them, in the write's transaction.
 */
export interface AccessControl {
  /** Rows the actor may read. */
  readonly readable: RawBuilder<boolean>;
  /**
   * `readable` folded for rows of one resource type (clauses about other types dropped): the same
   * rows of that type, a shorter statement to parse and plan. Used (readableFor) only while
   * `readable` is still `base`, so a wrapper that widens `readable` falls back to the general form.
   */
  readonly typedReadable?: { readonly base: RawBuilder<boolean>; of(resourceType: string): RawBuilder<boolean> };
  /** Rows the actor may create, change or delete. */
  readonly writable: RawBuilder<boolean>;
  /**
   * The constant predicate `true` when `writable` is it (a platform-wide role that writes every type):
   * the write check then needs no statement. Compared by identity with `writable`, so a wrapper that
   * replaces `writable` falls back to the statement.
   */
  readonly writesEverywhere?: RawBuilder<boolean>;
  /** False when the actor may read no resource of this type at all (403 rather than an empty result). */
  canReadType(resourceType: string): boolean;
  /** Residents reached through an active break-the-glass grant (their reads are flagged in the audit). */
  readonly breakGlass: ReadonlySet<string>;
  /**
   * Set for a role that sees the resident ID and phone masked (access/masking.ts, docs/access.md
   * *Privacy*): `mask` rewrites every resource JSON the store returns (read, vread, search and its
   * includes, history, $everything); `assertUnmasked` refuses (422) a write carrying masked values.
   * Absent: nothing is parsed or changed.
   */
  readonly privacy?: { mask(json: string): string; assertUnmasked(resource: object): void };
}

/** Who is acting: every audit row names them. Without `access` the actor is the system (CLI, import, seeding). */
export interface RequestContext {
  actor: string;
  access?: AccessControl;
}

/** The versions as a masked context may see them (unchanged, same objects, when not masked). */
function shown<T extends { json: string | null }>(ctx: RequestContext, items: T[]): T[] {
  const mask = ctx.access?.privacy?.mask;
  return mask ? items.map((v) => (v.json ? { ...v, json: mask(v.json) } : v)) : items;
}

/** 403 with a reason that names no data. */
export function accessDenied(text = 'Access denied: outside your scope'): OperationOutcomeError {
  return new OperationOutcomeError({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'forbidden', details: { text } }] });
}

export interface StoreOptions {
  db: Database;
  audit: AuditSink;
  clock?: () => Date;
  projectors?: Projector[];
  newId?: () => string;
}

export interface WriteResult {
  version: StoredVersion;
  created: boolean;
}

export type ImportOutcome = 'created' | 'updated' | 'unchanged';

/** JSON with sorted keys and without meta.versionId/lastUpdated: equal for equal content. */
function canonical(resource: unknown): string {
  const strip = (node: unknown, top: boolean): unknown => {
    if (Array.isArray(node)) return node.map((n) => strip(n, false));
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node).sort()) {
        let value = (node as Record<string, unknown>)[key];
        if (top && key === 'meta') {
          const { versionId: _v, lastUpdated: _l, ...rest } = value as Record<string, unknown>;
          if (Object.keys(rest).length === 0) continue;
          value = rest;
        }
        out[key] = strip(value, false);
      }
      return out;
    }
    return node;
  };
  return JSON.stringify(strip(resource, true));
}

export interface SearchResult {
  matches: { id: string; json: string }[];
  included: { resourceType: string; id: string; json: string }[];
  total?: number;
  search: CompiledSearch;
}

export class FhirStore {
  readonly db: Database;
  private readonly audit: AuditSink;
  private readonly clock: () => Date;
  private readonly projectors: Projector[];
  /** Server-assigned ids (UUIDs unless the options give another generator): bundles take theirs here too. */
  readonly newId: () => string;
  /** Concurrent scoped single reads share one statement (read-batcher.ts). */
  readonly reads: ReadBatcher;
  /** ANALYZE after max(20,000, a tenth of the resources stored, at most 200,000) writes of this process (analyze-schedule.ts), unless a bulk load defers it. */
  private readonly statistics = new PeriodicAnalyze(async () => {
    await this.analyze();
    return storedEstimate(this.db);
  });

  constructor(options: StoreOptions) {
    this.db = options.db;
    this.audit = options.audit;
    this.clock = options.clock ?? (() => new Date());
    this.projectors = options.projectors ?? [];
    this.newId = options.newId ?? randomUUID;
    this.reads = new ReadBatcher(this.db);
  }

  private auditRead(ctx: RequestContext, action: string, items: { resourceType: string; id: string; residentId?: string | null }[], detail: string | null = null, outcome = 'success'): void {
    const recorded = this.clock();
    const glass = ctx.access?.breakGlass;
    this.audit.record(
      items.map((v) => ({
        recorded,
        actor: ctx.actor,
        action,
        resourceType: v.resourceType,
        resourceId: v.id,
        residentId: v.residentId ?? null,
        outcome,
        // Reads reached through break-the-glass are flagged for review.
        detail: glass && v.residentId && glass.has(v.residentId) ? `break-glass${detail ? `; ${detail}` : ''}` : detail,
      })),
    );
  }

  /** Records a refused request (403) and returns the error to throw. */
  private denied(ctx: RequestContext, action: string, item: { resourceType: string | null; id?: string | null; residentId?: string | null }, detail: string | null = null): OperationOutcomeError {
    this.audit.record([{ recorded: this.clock(), actor: ctx.actor, action, resourceType: item.resourceType, resourceId: item.id ?? null, residentId: item.residentId ?? null, outcome: 'denied', detail }]);
    return accessDenied();
  }

  /** 403 (audited) when the actor may read no resource of the type at all. */
  private assertTypeReadable(ctx: RequestContext, action: string, resourceType: string): void {
    if (ctx.access && !ctx.access.canReadType(resourceType)) throw this.denied(ctx, action, { resourceType }, 'resource type outside role');
  }

  /** Current version; 404 if unknown, 410 if deleted, 403 if outside the actor's scope. */
  async read(ctx: RequestContext, resourceType: string, id: string, action = 'read'): Promise<StoredVersion> {
    assertResourceType(resourceType);
    assertId(id);
    this.assertTypeReadable(ctx, action, resourceType);
    const v = ctx.access ? await this.reads.read(resourceType, id, readableFor(ctx.access, resourceType)) : await readCurrent(this.db, resourceType, id);
    if (!v) throw new OperationOutcomeError(notFoundOutcome(`${resourceType}/${id} not found`));
    if (v.deleted) throw new OperationOutcomeError(gone);
    if ('allowed' in v && !v.allowed) throw this.denied(ctx, action, v);
    this.auditRead(ctx, action, [v]);
    return shown(ctx, [v])[0];
  }

  /** A given version; 404 if unknown, 410 if that version is a deletion. */
  async vread(ctx: RequestContext, resourceType: string, id: string, versionId: string): Promise<StoredVersion> {
    assertResourceType(resourceType);
    assertId(id);
    const n = Number(versionId);
    if (!Number.isInteger(n) || n < 1) throw new OperationOutcomeError(notFoundOutcome(`Version '${versionId}' not found`));
    this.assertTypeReadable(ctx, 'vread', resourceType);
    const v = ctx.access ? await readVersionScoped(this.db, resourceType, id, n, readableFor(ctx.access, resourceType)) : await readVersion(this.db, resourceType, id, n);
    if (!v) throw new OperationOutcomeError(notFoundOutcome(`${resourceType}/${id}/_history/${versionId} not found`));
    if (v.deleted) throw new OperationOutcomeError(gone);
    if ('allowed' in v && !v.allowed) throw this.denied(ctx, 'vread', v);
    this.auditRead(ctx, 'vread', [v]);
    return shown(ctx, [v])[0];
  }

  /**
   * Runs `work` in one transaction with a write session; everything or nothing is written.
   * `deferAnalyze`: these writes do not count towards the periodic ANALYZE (the caller, a bulk
   * load, refreshes statistics on its own schedule).
   */
  async inTransaction<T>(ctx: RequestContext, work: (session: WriteSession) => Promise<T>, options: { deferAnalyze?: boolean } = {}): Promise<T> {
    let written = 0;
    const result = await this.db.transaction().execute(async (trx) => {
      const session = new WriteSession(trx, ctx.actor, this.projectors, this.writeGuard(ctx));
      const result = await work(session);
      await session.flush();
      written = session.writeCount;
      return result;
    });
    if (!options.deferAnalyze) this.statistics.note(written);
    return result;
  }

  /** Resolves when background maintenance (statistics) has finished: call before closing the database. */
  async settle(): Promise<void> {
    await this.statistics.settle();
  }

  /** ANALYZE of the database (also run at the end of a bulk import). */
  analyze(): Promise<void> {
    return analyzeDatabase(this.db);
  }

  /**
   * The write check of the actor's scope: the rows replaced (before) and the rows written (after)
   * must satisfy the `writable` predicate, evaluated by the database inside the transaction.
   */
  private writeGuard(ctx: RequestContext): WriteGuard | undefined {
    const access = ctx.access;
    if (!access) return undefined;
    return async (ex, phase, keys) => {
      // A masked view written back must not replace the real resident ID or phone (422 before the scope check).
      if (access.privacy) for (const k of keys) if (k.resource) access.privacy.assertUnmasked(k.resource);
      if (access.writesEverywhere !== undefined && access.writesEverywhere === access.writable) return;
      const outside = await outsideScope(ex, keys, access.writable);
      if (outside.length > 0) {
        const w = outside[0];
        throw this.denied(ctx, phase === 'before' ? 'write' : 'create', { resourceType: w.resourceType, id: phase === 'before' ? w.id : null, residentId: w.residentId }, `write outside scope (${phase})`);
      }
    };
  }

  /** Stamps id, versionId and lastUpdated on a validated resource and queues it. */
  stage(session: WriteSession, resource: Resource, id: string, versionId: number, location: string): StoredVersion {
    const lastUpdated = this.clock();
    const stored = { ...resource, id, meta: { ...resource.meta, versionId: String(versionId), lastUpdated: lastUpdated.toISOString() } } as Resource;
    return session.put(stored, { resourceType: resource.resourceType, id, versionId, lastUpdated }, location);
  }

  /** create (R4 §3.1.0.8): server-assigned id. */
  async create(ctx: RequestContext, body: unknown, expectedType?: string): Promise<WriteResult> {
    if (expectedType) assertResourceType(expectedType);
    const resource = validateInput(body, expectedType);
    return this.inTransaction(ctx, (session) => this.createIn(session, resource, resource.resourceType));
  }

  /** Creates inside an existing session (transactions use this). */
  async createIn(session: WriteSession, resource: Resource, location: string, id = this.newId()): Promise<WriteResult> {
    return { version: this.stage(session, resource, id, 1, location), created: true };
  }

  /** update (R4 §3.1.0.4), with optional If-Match version; creates when the id is new (update-as-create). */
  async update(ctx: RequestContext, resourceType: string, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
    assertResourceType(resourceType);
    assertId(id);
    const resource = validateInput(body, resourceType);
    return this.inTransaction(ctx, (session) => this.updateIn(session, resource, id, ifMatch, resourceType));
  }

  async updateIn(session: WriteSession, resource: Resource, id: string, ifMatch: string | undefined, location: string): Promise<WriteResult> {
    if (resource.id !== undefined && resource.id !== id) {
      throw new OperationOutcomeError({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'invalid', details: { text: `Resource id '${resource.id}' does not match the URL id '${id}'` }, expression: [`${resource.resourceType}.id`] }],
      });
    }
    const current = await session.current(resource.resourceType, id);
    if (ifMatch !== undefined) {
      const wanted = /^(?:W\/)?"?([^"]+)"?$/.exec(ifMatch.trim())?.[1];
      if (!current || current.deleted || String(current.versionId) !== wanted) {
        throw new OperationOutcomeError(preconditionFailed);
      }
    }
    const versionId = current ? current.versionId + 1 : 1;
    return { version: this.stage(session, resource, id, versionId, location), created: !current || current.deleted };
  }

  /** delete (R4 §3.1.0.7): soft delete, a new version with no content. Deleting an unknown or deleted resource succeeds. */
  async delete(ctx: RequestContext, resourceType: string, id: string): Promise<void> {
    assertResourceType(resourceType);
    assertId(id);
    await this.inTransaction(ctx, (session) => this.deleteIn(session, resourceType, id));
  }

  async deleteIn(session: WriteSession, resourceType: string, id: string): Promise<void> {
    const current = await session.current(resourceType, id);
    if (!current || current.deleted) return;
    const referrers = await referencingResources(session.ex, null, null, resourceType, [id]);
    const other = referrers.find((r) => !(r.resourceType === resourceType && r.id === id));
    if (other) {
      throw new OperationOutcomeError(conflict(`${resourceType}/${id} is referenced by ${other.resourceType}/${other.id}; delete that first`));
    }
    session.put(null, { resourceType, id, versionId: current.versionId + 1, lastUpdated: this.clock() }, resourceType);
  }

  /**
   * Bulk import of resources that carry their own ids, in one transaction: a new id is created,
   * changed content becomes the next version, identical content is left alone (so re-running an
   * import adds nothing). Resources must already be validated. `deferAnalyze`: see inTransaction.
   */
  async importBatch(ctx: RequestContext, items: readonly { resource: Resource; location: string }[], options: { deferAnalyze?: boolean } = {}): Promise<ImportOutcome[]> {
    return this.inTransaction(ctx, async (session) => {
      const current = await readCurrentByKeys(session.ex, items.map((i) => ({ type: i.resource.resourceType, id: i.resource.id as string })));
      return items.map(({ resource, location }) => {
        const key = `${resource.resourceType}/${resource.id}`;
        const existing = session.written(key) ?? current.get(key);
        if (existing && !existing.deleted && existing.json && canonical(JSON.parse(existing.json)) === canonical(resource)) return 'unchanged';
        const versionId = existing ? existing.versionId + 1 : 1;
        this.stage(session, resource, resource.id as string, versionId, location);
        return existing && !existing.deleted ? 'updated' : 'created';
      });
    }, options);
  }

  /** Instance, type or system history, newest first. */
  async history(ctx: RequestContext, q: { resourceType?: string; id?: string; since?: Date; count: number; offset: number }) {
    if (q.resourceType) assertResourceType(q.resourceType);
    if (q.id) assertId(q.id);
    if (q.resourceType) this.assertTypeReadable(ctx, 'history', q.resourceType);
    const result = ctx.access ? await readHistoryScoped(this.db, q, q.resourceType ? readableFor(ctx.access, q.resourceType) : ctx.access.readable) : { ...(await readHistory(this.db, q)), denied: 0 };
    if (q.id && result.total === 0 && result.denied > 0) throw this.denied(ctx, 'history', { resourceType: q.resourceType ?? null, id: q.id });
    if (q.id && result.total === 0) throw new OperationOutcomeError(notFound);
    this.auditRead(ctx, 'history', result.versions.filter((v) => !v.deleted));
    return { ...result, versions: shown(ctx, result.versions) };
  }

  /** Search (R4 §3.1.1) with _include/_revinclude; `query` is the URL's query parameters. */
  async search(ctx: RequestContext, resourceType: string, query: Record<string, string[]>, ex: Executor = this.db): Promise<SearchResult> {
    assertResourceType(resourceType);
    this.assertTypeReadable(ctx, 'search', resourceType);
    const search = compileSearch(resourceType, query);
    if (ctx.access) search.sql.scope = readableFor(ctx.access, resourceType);
    const matches = search.summaryCount ? [] : await searchPage(ex, search.sql);
    let total: number | undefined;
    if (search.summaryCount || search.totalMode === 'accurate') total = await searchCount(ex, search.sql);
    else if (matches.length < search.sql.count && (search.sql.offset === 0 || matches.length > 0)) total = search.sql.offset + matches.length;
    const included = await this.includes(ctx, ex, resourceType, matches.map((m) => m.id), search);
    this.auditRead(ctx, 'search', [...matches.map((m) => ({ resourceType, id: m.id, residentId: m.residentId })), ...included], `${resourceType}?${new URLSearchParams(Object.entries(query).flatMap(([k, vs]) => vs.map((v) => [k, v] as [string, string]))).toString()}`.slice(0, 500));
    return { matches: shown(ctx, matches.map((m) => ({ id: m.id, json: m.json }))), included: shown(ctx, included), total, search };
  }

  private async includes(ctx: RequestContext, ex: Executor, resourceType: string, ids: string[], search: CompiledSearch) {
    const out: { resourceType: string; id: string; residentId: string | null; json: string }[] = [];
    const seen = new Set(ids.map((id) => `${resourceType}/${id}`));
    const access = ctx.access;
    const scope = access?.readable;
    const add = (r: { resourceType: string; id: string; residentId: string | null; json: string }) => {
      const key = `${r.resourceType}/${r.id}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(r);
      }
    };
    for (const inc of search.include) {
      const targets = await includeTargets(ex, inc.resourceType, ids, inc.searchParam, inc.targetType);
      const byType = new Map<string, string[]>();
      for (const t of targets) pushTo(byType, t.type, t.id);
      for (const [type, tids] of byType) {
        const found = access ? await readCurrentManyScoped(ex, type, tids, readableFor(access, type)) : await readCurrentMany(ex, type, tids);
        for (const v of found) add({ resourceType: type, id: v.id, residentId: v.residentId, json: v.json as string });
      }
    }
    for (const rev of search.revInclude) {
      const storage = paramStorage(rev.resourceType, rev.searchParam);
      if (storage.targetType && storage.targetType !== resourceType) continue; // e.g. Encounter:practitioner from a Patient search
      for (const r of await referencingResources(ex, [rev.resourceType], storage.params, resourceType, ids, scope)) add(r);
    }
    return out;
  }

  /**
   * Patient/$everything (R4 §6.1.x operation-patient-everything): the patient and its compartment.
   * With `linked` (the master patient index: the other Patients linked to the same person), the
   * linked Patients and their compartments too — only those inside the caller's scope.
   */
  async everything(ctx: RequestContext, patientId: string, linked?: (patientId: string) => Promise<string[]>): Promise<{ resourceType: string; id: string; json: string }[]> {
    const patient = await this.read(ctx, 'Patient', patientId, 'everything');
    const others = linked ? (await linked(patientId)).filter((id) => id !== patientId) : [];
    const linkedPatients = others.length === 0 ? [] : ctx.access ? await readCurrentManyScoped(this.db, 'Patient', others, readableFor(ctx.access, 'Patient')) : await readCurrentMany(this.db, 'Patient', others);
    const ids = [patientId, ...linkedPatients.map((p) => p.id)];
    const types = patientCompartmentTypes();
    const params = [...new Set(types.flatMap((t) => patientCompartmentParams(t)))];
    const rest = await referencingResources(this.db, types, params, 'Patient', ids, ctx.access?.readable);
    const patients = [patient, ...linkedPatients].map((p) => ({ resourceType: 'Patient', id: p.id, residentId: p.residentId, json: p.json as string }));
    const all = [...patients, ...rest.filter((r) => !(r.resourceType === 'Patient' && ids.includes(r.id)))];
    this.auditRead(ctx, 'everything', [...patients.slice(1), ...rest].map((r) => ({ resourceType: r.resourceType, id: r.id, residentId: r.residentId ?? patient.residentId })));
    return [all[0], ...shown(ctx, all.slice(1))]; // all[0] is the patient, shown by read() already
  }
}
