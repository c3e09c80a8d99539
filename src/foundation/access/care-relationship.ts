/**
 * Care relationships: a facility takes care of a resident for a while because a workflow put the
 * resident in its hands (a referral it accepted, issue 10: "the receiving side sees the full record
 * through the golden id"; issue 8: "a specialist sees the patients referred to their centre").
 * The mechanism is generic: a domain module grants and ends relationships inside its own write
 * transaction; the access compiler (scope.ts) turns the valid ones into part of `readable` (and of
 * `writable`, for recording care, never the Patient resource itself) for clinical roles, in SQL.
 *
 * PIPL art. 6 (minimum necessary): the relationship lasts while the care does and a short window
 * after it (the domain module decides and documents the window); every read is audited as usual.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/index.js';
import type { AccessControl } from '../fhir/index.js';
import type { RoleName } from './roles.js';

/** Roles that take care of patients and so reach residents through a care relationship. */
export const CARE_RELATIONSHIP_ROLES: ReadonlySet<RoleName> = new Set<RoleName>(['village-doctor', 'family-doctor', 'clinician', 'specialist']);

/** One relationship: `grantee` (a facility's org unit) cares for `residentId` because of `source`. */
export interface CareRelationship {
  /** What created it, e.g. `ServiceRequest/<id>`; with the grantee, the key of the relationship. */
  source: string;
  /** Org unit of the facility that takes care (staff whose grant covers it are reached). */
  grantee: string;
  /** The store's resident key (the Patient id rows carry); linked Patients of the same golden person follow. */
  residentId: string;
  validFrom: Date;
  /** Exclusive end; null = open. */
  validUntil: Date | null;
}

/**
 * Grants (or re-states, idempotently) a relationship in the caller's transaction: the row keyed by
 * (source, grantee) takes the given resident and validity.
 */
export async function grantCareRelationship(ex: Executor, rel: CareRelationship, now: Date): Promise<void> {
  relationshipsChanged();
  await sql`
    INSERT INTO access_care_relationship (source, grantee_org_unit, resident_id, valid_from, valid_until, updated)
    VALUES (${rel.source}, ${rel.grantee}, ${rel.residentId}, ${rel.validFrom}, ${rel.validUntil}, ${now})
    ON CONFLICT (source, grantee_org_unit) DO UPDATE SET resident_id = excluded.resident_id, valid_from = excluded.valid_from,
      valid_until = excluded.valid_until, updated = excluded.updated`.execute(ex);
}

/** Ends every relationship of `source` at `at` (earlier ends are kept). */
export async function endCareRelationship(ex: Executor, source: string, at: Date): Promise<void> {
  relationshipsChanged();
  await sql`
    UPDATE access_care_relationship SET valid_until = ${at}, updated = ${at}
    WHERE source = ${source} AND (valid_until IS NULL OR valid_until > ${at})`.execute(ex);
}

/** Removes the relationships of `sources` altogether (the workflow that created them was deleted). */
export async function removeCareRelationships(ex: Executor, sources: readonly string[]): Promise<void> {
  if (sources.length === 0) return;
  relationshipsChanged();
  await sql`DELETE FROM access_care_relationship WHERE source = ANY(${[...sources]}::text[])`.execute(ex);
}

/** The relationships of a resident (for views and tests), newest first. */
export async function careRelationshipsOf(ex: Executor, residentId: string): Promise<CareRelationship[]> {
  const rows = await sql<{ source: string; grantee_org_unit: string; resident_id: string; valid_from: Date; valid_until: Date | null }>`
    SELECT source, grantee_org_unit, resident_id, valid_from, valid_until FROM access_care_relationship
    WHERE resident_id = ${residentId} ORDER BY valid_from DESC, source`.execute(ex);
  return rows.rows.map((r) => ({ source: r.source, grantee: r.grantee_org_unit, residentId: r.resident_id, validFrom: new Date(r.valid_from), validUntil: r.valid_until ? new Date(r.valid_until) : null }));
}

/**
 * Rows (alias `r`) of residents in a valid care relationship with a facility under `orgUnit` at
 * `now`, and of the other Patients linked to the same golden person (mpi_link). The subquery does
 * not depend on `r`, so PostgreSQL evaluates it once per query (a hashed subplan) from the index on
 * (grantee_org_unit, resident_id); the row test is then a hash probe.
 */
export function careRelationshipResidents(orgUnit: string, now: Date): RawBuilder<boolean> {
  return sql<boolean>`r.resident_id IN (${careResidentsQuery(orgUnit, now)})`;
}

/** resident_id of the relationships valid at `now` for facilities under `orgUnit`, and of their linked Patients. */
function careResidentsQuery(orgUnit: string, now: Date): RawBuilder<unknown> {
  const valid = sql`c.grantee_org_unit LIKE ${`${orgUnit}%`} AND c.valid_from <= ${now} AND (c.valid_until IS NULL OR c.valid_until > ${now})`;
  return sql`
    SELECT c.resident_id FROM access_care_relationship c WHERE ${valid}
    UNION ALL
    SELECT l2.patient_id FROM access_care_relationship c
      JOIN mpi_link l1 ON l1.patient_id = c.resident_id
      JOIN mpi_link l2 ON l2.person_id = l1.person_id AND l2.patient_id <> l1.patient_id
    WHERE ${valid}`;
}

/**
 * The caller's access widened by named resources (read and write): a party to a workflow (the
 * receiving facility of a referral) works on the workflow's own resources (its ServiceRequest and
 * Task) before any care relationship gives it the rest of the record.
 */
export function withResources(access: AccessControl, refs: readonly { resourceType: string; id: string }[]): AccessControl {
  const safe = refs.filter((x) => /^[A-Z][A-Za-z]{1,63}$/.test(x.resourceType) && x.id.length > 0);
  if (safe.length === 0) return access;
  const own = sql<boolean>`(${sql.join(safe.map((x) => sql`(r.resource_type = ${x.resourceType} AND r.id = ${x.id})`), sql` OR `)})`;
  return { ...access, readable: sql<boolean>`(${access.readable} OR ${own})`, writable: sql<boolean>`(${access.writable} OR ${own})` };
}

/**
 * Above this many residents for one grant the compiled predicate keeps the subquery
 * (careRelationshipResidents) instead of a literal list: a long IN list costs more to plan than
 * the hashed subplan costs to run.
 */
export const MAX_LITERAL_CARE_RESIDENTS = 500;

/** How long a loaded set may be reused by another request (another server process's changes show within it). */
const CACHE_MS = 5_000;
let generation = 0;
type CacheEntry = { generation: number; loadedAt: number; residents: readonly string[] };
/** Per database (tests and benchmarks open several in one process), per grant org unit. */
const caches = new WeakMap<object, Map<string, CacheEntry>>();

/** Marks every cached set stale: this process changed a relationship (the write may still roll back; a reload is harmless). */
function relationshipsChanged(): void {
  generation++;
}

type GrantLike = { role: RoleName; orgUnit: string | null; careTeam: string | null };

/** Whether a grant reaches residents through care relationships: a clinical role bound to an org unit (not a care team). */
export function reachesCareRelationships(g: GrantLike): g is GrantLike & { orgUnit: string } {
  return g.orgUnit !== null && g.orgUnit !== '' && !g.careTeam && CARE_RELATIONSHIP_ROLES.has(g.role);
}

/** Grant org units for which a care-relationship clause applies (the org units loadCareResidents reads). */
export function careGrantOrgUnits(grants: readonly GrantLike[]): string[] {
  return [...new Set(grants.filter(reachesCareRelationships).map((g) => g.orgUnit))];
}

/**
 * The residents (store resident keys, with the other Patients linked to the same golden person)
 * in a valid care relationship with a facility under each of `orgUnits` at `now`, at most
 * MAX_LITERAL_CARE_RESIDENTS + 1 per org unit (more means "too many for a literal list").
 * Loaded once per request by AccessService.authenticate so that the compiled predicate is a short
 * literal list — or nothing at all for the common case of no relationship — instead of a subquery
 * planned and run twice in every scoped read (docs/benchmarks.md "Access overhead"). Sets are
 * reused for CACHE_MS unless this process changed a relationship since.
 */
export async function loadCareResidents(ex: Executor, orgUnits: readonly string[], now: Date): Promise<Record<string, readonly string[]>> {
  const out: Record<string, readonly string[]> = {};
  let cache = caches.get(ex);
  if (!cache) caches.set(ex, (cache = new Map()));
  for (const orgUnit of orgUnits) {
    const hit = cache.get(orgUnit);
    if (hit && hit.generation === generation && now.getTime() - hit.loadedAt >= 0 && now.getTime() - hit.loadedAt < CACHE_MS) {
      out[orgUnit] = hit.residents;
      continue;
    }
    const seenGeneration = generation;
    const rows = await sql<{ resident_id: string }>`
      SELECT DISTINCT x.resident_id FROM (${careResidentsQuery(orgUnit, now)}) x LIMIT ${MAX_LITERAL_CARE_RESIDENTS + 1}`.execute(ex);
    const residents = rows.rows.map((r) => r.resident_id);
    cache.set(orgUnit, { generation: seenGeneration, loadedAt: now.getTime(), residents });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
    out[orgUnit] = residents;
  }
  return out;
}
