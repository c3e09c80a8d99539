/**
 * A unit of work inside one database transaction: collects new versions, resolves each
 * resource's owner (golden resident id and org unit), checks that local references resolve,
 * and writes everything in batches on flush. Every write of the store goes through here, so
 * indexing, projections and audit cannot be forgotten.
 */
import { OperationOutcomeError } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import type { Executor } from '../db/index.js';
import { patientCompartmentParams } from './compartment.js';
import { ORG_UNIT_EXTENSION } from './conventions.js';
import { indexResource } from './indexer.js';
import { badRequest } from './outcomes.js';
import { existingKeys, patientOwners, readCurrent, writeVersions, type AuditRow, type PendingWrite, type StoredVersion } from './store.repository.js';
import { localTargets } from './validate.js';

/** A change handed to projectors, in the same transaction as the resource. */
export interface ResourceChange {
  resource: Resource | null;
  resourceType: string;
  id: string;
  versionId: number;
  deleted: boolean;
  residentId: string | null;
  orgUnit: string | null;
  /**
   * The store held no version of this resource before this write (its first version is in this
   * flush), so no projector can hold rows for it: a projector may skip its replace-by-id delete and
   * its lookups of earlier rows. Unset (false) where the caller cannot promise it, e.g. a rebuild.
   */
  created?: boolean;
}

/** Maintains projection tables (narrow analytic rows) from resource changes, in the write transaction. */
export interface Projector {
  readonly name: string;
  readonly resourceTypes: readonly string[];
  apply(ex: Executor, changes: readonly ResourceChange[]): Promise<void>;
}

interface Pending extends PendingWrite {
  resource: Resource | null;
  /** Where errors about this write should point, e.g. `Bundle.entry[3].resource`. */
  location: string;
  patientRef: string | null;
}

/**
 * Access check of a write (issue 8), run in the write's transaction: `before` on the rows about to
 * be replaced or deleted, `after` on the rows just written. Throwing rolls the whole write back.
 */
export type WriteGuard = (ex: Executor, phase: 'before' | 'after', keys: readonly { resourceType: string; id: string; versionId: number; deleted: boolean; resource?: Resource | null }[]) => Promise<void>;

export class WriteSession {
  private readonly pending: Pending[] = [];
  private readonly latest = new Map<string, Pending>();

  constructor(
    readonly ex: Executor,
    private readonly actor: string,
    private readonly projectors: readonly Projector[],
    private readonly guard?: WriteGuard,
  ) {}

  /** Current version as this session sees it (its own unflushed writes first). */
  async current(resourceType: string, id: string): Promise<StoredVersion | undefined> {
    return this.latest.get(`${resourceType}/${id}`) ?? (await readCurrent(this.ex, resourceType, id));
  }

  /** This session's latest version of "Type/id", if it wrote one. */
  written(key: string): StoredVersion | undefined {
    return this.latest.get(key);
  }

  /** Queues a new version of `resource` (its id and meta already set) or a deletion. */
  put(resource: Resource | null, v: { resourceType: string; id: string; versionId: number; lastUpdated: Date }, location: string): Pending {
    const index = resource ? indexResource(resource) : null;
    let patientRef: string | null = null;
    if (resource && resource.resourceType !== 'Patient' && index) {
      const params = patientCompartmentParams(resource.resourceType);
      const ref = index.reference.find((r) => r.target_type === 'Patient' && params.includes(r.param));
      patientRef = ref?.target_id ?? null;
    }
    const write: Pending = {
      ...v,
      deleted: resource === null,
      residentId: resource?.resourceType === 'Patient' ? v.id : null,
      orgUnit: resource ? orgUnitOf(resource) : null,
      json: resource ? JSON.stringify(resource) : null,
      index,
      resource,
      location,
      patientRef,
    };
    this.pending.push(write);
    this.latest.set(`${v.resourceType}/${v.id}`, write);
    return write;
  }

  /** Versions written by this session so far. */
  get writeCount(): number {
    return this.latest.size;
  }

  /** Writes everything queued: reference check, owners, rows and their audit, projections. */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const writes = this.pending.splice(0);
    await this.checkReferences(writes);
    await this.resolveOwners(writes);
    if (this.guard) await this.guard(this.ex, 'before', writes.filter((w) => w.versionId > 1));
    const audit: AuditRow[] = writes.map((w) => ({
      recorded: w.lastUpdated,
      actor: this.actor,
      action: w.deleted ? 'delete' : w.versionId === 1 ? 'create' : 'update',
      resourceType: w.resourceType,
      resourceId: w.id,
      residentId: w.residentId,
      outcome: 'success',
      detail: null,
    }));
    await writeVersions(this.ex, writes, audit);
    if (this.guard) await this.guard(this.ex, 'after', writes.filter((w) => !w.deleted));
    const changed = latestChanges(writes);
    for (const projector of this.projectors) {
      const changes = changed.filter((c) => projector.resourceTypes.includes(c.resourceType));
      if (changes.length > 0) await projector.apply(this.ex, changes);
    }
  }

  private async checkReferences(writes: Pending[]): Promise<void> {
    const wanted: { type: string; id: string; path: string; write: Pending }[] = [];
    for (const w of writes) {
      if (!w.resource) continue;
      for (const t of localTargets(w.resource)) {
        const own = this.latest.get(`${t.type}/${t.id}`);
        if (own && !own.deleted) continue;
        wanted.push({ ...t, write: w });
      }
    }
    if (wanted.length === 0) return;
    const found = await existingKeys(this.ex, wanted);
    const missing = wanted.find((t) => !found.has(`${t.type}/${t.id}`));
    if (missing) {
      throw new OperationOutcomeError(
        badRequest(`Invalid reference: ${missing.type}/${missing.id} does not exist`, `${missing.write.location}.${missing.path}`),
      );
    }
  }

  private async resolveOwners(writes: Pending[]): Promise<void> {
    const unresolved = writes.filter((w) => w.patientRef && !this.latest.get(`Patient/${w.patientRef}`));
    const owners = await patientOwners(this.ex, unresolved.map((w) => w.patientRef as string));
    for (const w of writes) {
      if (!w.patientRef) continue;
      const own = this.latest.get(`Patient/${w.patientRef}`);
      const owner = own ? { residentId: own.residentId, orgUnit: own.orgUnit } : owners.get(w.patientRef);
      if (owner) {
        w.residentId = owner.residentId;
        w.orgUnit = w.orgUnit ?? owner.orgUnit;
      }
    }
  }
}

/** Ids of the changes whose resources may already have projection rows (all but the `created`). */
export function replacedIds(changes: readonly ResourceChange[]): string[] {
  return changes.filter((c) => !c.created).map((c) => c.id);
}

/**
 * What projectors see of a flush: each resource once, at its last version written (projection rows
 * mirror the current version, as `fhir_resource` does), `created` when the flush holds its version 1.
 */
function latestChanges(writes: readonly Pending[]): ResourceChange[] {
  const byKey = new Map<string, ResourceChange>();
  for (const w of writes) {
    const key = `${w.resourceType}/${w.id}`;
    const created = byKey.get(key)?.created ?? w.versionId === 1;
    byKey.delete(key);
    byKey.set(key, { resource: w.resource, resourceType: w.resourceType, id: w.id, versionId: w.versionId, deleted: w.deleted, residentId: w.residentId, orgUnit: w.orgUnit, created });
  }
  return [...byKey.values()];
}

/** Org-unit code carried by the resource itself (Patient's village, a facility's area). */
export function orgUnitOf(resource: Resource): string | null {
  const ext = (resource as { extension?: { url?: string; valueCode?: string; valueString?: string }[] }).extension;
  const found = ext?.find((e) => e.url === ORG_UNIT_EXTENSION);
  return found?.valueCode ?? found?.valueString ?? null;
}
