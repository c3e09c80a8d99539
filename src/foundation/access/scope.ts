/**
 * Compiles a principal's grants into the SQL predicates the FHIR store puts into every query
 * (`AccessControl.readable` / `.writable`, on the alias `r` = a fhir_resource row). Rules:
 *
 * - reference data (REFERENCE_TYPES rows that belong to no resident) is readable by everyone
 *   signed in, writable only by roles with `referenceWrite`;
 * - an org-unit grant reaches rows whose `org_unit` starts with the grant's code (the org tree
 *   downwards, see roles.ts `isOrgUnitCode`); a grant without org unit reaches every row, including
 *   rows that carry no org unit; a care-team grant reaches the residents signed with that team
 *   (Patient.extension family-doctor-team = CareTeam/<id>);
 * - inside that area the role's `read` / `write` access picks the resource types;
 * - an active break-the-glass grant adds one resident (every type) for its duration;
 * - a clinical role bound to an org unit also reaches the residents in a valid care relationship
 *   with a facility under that org unit (an accepted referral, care-relationship.ts): read every
 *   type, write every type but the Patient itself (recording care, not re-registering).
 *
 * `typedReadable.of(type)` is the same read predicate folded for rows of one resource type (type
 * tests decided here, not in SQL): the store uses it for queries that name their type, which gives
 * the database a shorter statement to parse and plan (docs/access.md *How scope is enforced*).
 */
import { sql, type RawBuilder } from 'kysely';
import { CASE_REPORT_CATEGORY_SYSTEM, FAMILY_DOCTOR_TEAM_EXTENSION, type AccessControl } from '../fhir/index.js';
import { MAX_LITERAL_CARE_RESIDENTS, careRelationshipResidents, reachesCareRelationships } from './care-relationship.js';
import { assertUnmasked, maskResourceJson } from './masking.js';
import { REFERENCE_TYPES, ROLE_DEFINITIONS, type PatientAccess, type RoleName } from './roles.js';

/** A role bound to an org unit (null = platform-wide) or a care team. */
export interface Grant {
  role: RoleName;
  orgUnit: string | null;
  careTeam: string | null;
}

/** Who is acting, as the access token carries it. */
export interface Principal {
  kind: 'user' | 'client';
  /** User id or client id. */
  id: string;
  /** Username or client id: the audit actor. */
  name: string;
  grants: Grant[];
  /** SMART-style system scopes of a machine client (`system/Patient.write`, `system/*.read`); undefined for users. */
  scopes?: string[];
  /** Active break-the-glass grants: resident id and expiry. */
  breakGlass: { residentId: string; expires: Date }[];
  /**
   * Residents in a care relationship with the facilities of each clinical org-unit grant (keyed by
   * the grant's org unit), loaded per request (loadCareResidents). Absent: the predicate looks them
   * up in a subquery instead.
   */
  careResidents?: Readonly<Record<string, readonly string[]>>;
}

type Types = 'all' | ReadonlySet<string>;

/** Types a client's scopes allow for `mode` (SMART App Launch v1 `system/<type|*>.<read|write|*>`). */
export function scopeTypes(scopes: readonly string[] | undefined, mode: 'read' | 'write'): Types {
  if (!scopes) return 'all';
  const out = new Set<string>();
  for (const s of scopes) {
    const m = /^system\/([A-Za-z]+|\*)\.(read|write|\*)$/.exec(s);
    if (!m || (m[2] !== '*' && m[2] !== mode)) continue;
    if (m[1] === '*') return 'all';
    out.add(m[1]);
  }
  return out;
}

/** A role's patient access narrowed to the types a client's scopes allow. */
function narrow(access: PatientAccess, allowed: Types): PatientAccess {
  if (allowed === 'all' || access.kind === 'none') return access;
  if (access.kind === 'all') return { kind: 'types', types: [...allowed] };
  if (access.kind === 'types') return { kind: 'types', types: access.types.filter((t) => allowed.has(t)) };
  return allowed.has('Condition') ? access : { kind: 'none' };
}

function areaOf(g: Grant): RawBuilder<boolean> {
  if (g.careTeam) {
    const signed = JSON.stringify({ extension: [{ url: FAMILY_DOCTOR_TEAM_EXTENSION, valueReference: { reference: `CareTeam/${g.careTeam}` } }] });
    return sql<boolean>`EXISTS (SELECT 1 FROM fhir_resource p WHERE p.resource_type = 'Patient' AND p.id = r.resident_id AND p.content @> ${signed}::jsonb)`;
  }
  if (g.orgUnit) return sql<boolean>`r.org_unit LIKE ${`${g.orgUnit}%`}`;
  return TRUE;
}

const NOTIFIABLE = sql`t.param = 'category' AND t.system = ${CASE_REPORT_CATEGORY_SYSTEM} AND t.code = 'notifiable'`;

/** A notifiable-disease case report (Condition with the case-report category)… */
const CASE_REPORT_CONDITION = sql<boolean>`EXISTS (SELECT 1 FROM sp_token t WHERE t.resource_type = 'Condition' AND t.resource_id = r.id AND ${NOTIFIABLE})`;
/** …and a Patient who has one (the CDC's need-to-know). */
const CASE_REPORT_PATIENT = sql<boolean>`EXISTS (
    SELECT 1 FROM fhir_resource c JOIN sp_token t ON t.resource_type = c.resource_type AND t.resource_id = c.id
    WHERE c.resource_type = 'Condition' AND c.resident_id = r.resident_id AND c.deleted = false AND ${NOTIFIABLE})`;
const CASE_REPORTS = sql<boolean>`((r.resource_type = 'Condition' AND ${CASE_REPORT_CONDITION}) OR (r.resource_type = 'Patient' AND ${CASE_REPORT_PATIENT}))`;

/**
 * The rows of `area` a role's access reaches. With `type` (rows of that one resource type, as the
 * query guarantees) the type tests are decided here instead of in SQL: the same rows, a shorter
 * statement.
 */
function patientPredicate(access: PatientAccess, area: RawBuilder<boolean>, type?: string): RawBuilder<boolean> | null {
  switch (access.kind) {
    case 'none':
      return null;
    case 'all':
      return area;
    case 'types':
      if (type !== undefined) return access.types.includes(type) ? area : null;
      return access.types.length ? sql<boolean>`(r.resource_type IN (${typeList(access.types)}) AND ${area})` : null;
    case 'case-reports': {
      if (type === undefined) return sql<boolean>`(${area} AND ${CASE_REPORTS})`;
      const branch = type === 'Condition' ? CASE_REPORT_CONDITION : type === 'Patient' ? CASE_REPORT_PATIENT : null;
      return branch && sql<boolean>`(${area} AND ${branch})`;
    }
  }
}

function typesOf(access: PatientAccess): Types {
  if (access.kind === 'all') return 'all';
  if (access.kind === 'types') return new Set(access.types);
  if (access.kind === 'case-reports') return new Set(['Condition', 'Patient']);
  return new Set();
}

/** The privacy filter of a masked principal (masking.ts). */
const MASKED_VIEW = { mask: maskResourceJson, assertUnmasked };

/** The predicate that lets every row through (a platform-wide grant): `any()` folds to it. */
const TRUE = sql<boolean>`true`;

/**
 * A list of resource types as SQL literals: the types come from the role table and from SMART
 * scopes of registered clients, and only resource-type names are let through. As constants they
 * cost no bind parameters (the reference-type list alone was 28 per use, twice per read).
 */
function typeList(types: readonly string[]): RawBuilder<unknown> {
  const safe = types.filter((t) => /^[A-Z][A-Za-z]{1,63}$/.test(t));
  return sql.raw(safe.length ? safe.map((t) => `'${t}'`).join(', ') : 'NULL');
}

/**
 * Rows of the residents a grant's facilities care for: the literal list loaded for this request
 * (none: no clause at all), or the subquery when the request did not load it or the list is long.
 * Ids are the store's resource ids (FHIR id syntax, R4 §2.1.0.2: [A-Za-z0-9-.]{1,64}), so quoting them
 * as literals is safe; anything else is dropped.
 */
function caredFor(principal: Principal, orgUnit: string, now: Date): RawBuilder<boolean> | null {
  const loaded = principal.careResidents?.[orgUnit];
  if (!loaded || loaded.length > MAX_LITERAL_CARE_RESIDENTS) return careRelationshipResidents(orgUnit, now);
  const ids = loaded.filter((id) => /^[A-Za-z0-9\-.]{1,64}$/.test(id));
  return ids.length ? sql<boolean>`r.resident_id IN (${sql.raw(ids.map((id) => `'${id}'`).join(', '))})` : null;
}

function any(parts: RawBuilder<boolean>[]): RawBuilder<boolean> {
  if (parts.length === 0) return sql<boolean>`false`;
  if (parts.includes(TRUE)) return TRUE;
  return sql<boolean>`(${sql.join(parts, sql` OR `)})`;
}

/** Rows of reference data (REFERENCE_TYPES, no owner) among `types`; with `type`, folded for rows of that type. */
function referenceRows(types: readonly string[], type?: string): RawBuilder<boolean> | null {
  if (type !== undefined) return types.includes(type) ? sql<boolean>`r.resident_id IS NULL` : null;
  return sql<boolean>`(r.resident_id IS NULL AND r.resource_type IN (${typeList(types)}))`;
}

/**
 * The read predicate of a principal: every grant's area and role, care relationships, and the
 * break-the-glass residents `glass`. With `type`, folded for rows of that resource type.
 */
function readPredicate(principal: Principal, now: Date, glass: readonly string[], type?: string): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [];
  const push = (p: RawBuilder<boolean> | null) => p && parts.push(p);
  const scopeRead = scopeTypes(principal.scopes, 'read');
  push(referenceRows(REFERENCE_TYPES, type));
  for (const g of principal.grants) {
    const role = ROLE_DEFINITIONS[g.role];
    if (!role) continue;
    const read = narrow(role.read, scopeRead);
    push(patientPredicate(read, areaOf(g), type));
    // Care relationships (accepted referrals) of the grant's facilities; a platform-wide grant
    // reaches everyone already (and must keep folding to TRUE), a care-team grant names no facility.
    if (reachesCareRelationships(g)) {
      const cared = caredFor(principal, g.orgUnit, now);
      push(cared && patientPredicate(read, cared, type));
    }
  }
  // Emergency access covers the resident's whole record, for reading and for recording care.
  if (glass.length > 0) parts.push(sql<boolean>`r.resident_id IN (${sql.join(glass)})`);
  return any(parts);
}

/**
 * The AccessControl of a principal at time `now` (break-the-glass grants that have expired by
 * then are left out).
 */
export function compileAccess(principal: Principal, now: Date): AccessControl {
  const writeParts: RawBuilder<boolean>[] = [];
  const readTypes = new Set<string>(REFERENCE_TYPES);
  let readAll = false;
  const scopeRead = scopeTypes(principal.scopes, 'read');
  const scopeWrite = scopeTypes(principal.scopes, 'write');
  let referenceWrite = false;
  let glassAllowed = false;
  for (const g of principal.grants) {
    const role = ROLE_DEFINITIONS[g.role];
    if (!role) continue;
    const write = narrow(role.write, scopeWrite);
    const w = patientPredicate(write, areaOf(g));
    if (w) writeParts.push(w);
    if (reachesCareRelationships(g)) {
      const cared = caredFor(principal, g.orgUnit, now);
      const rw = cared && patientPredicate(write, sql<boolean>`(r.resource_type <> 'Patient' AND ${cared})`);
      if (rw) writeParts.push(rw);
    }
    const types = typesOf(narrow(role.read, scopeRead));
    if (types === 'all') readAll = true;
    else for (const t of types) readTypes.add(t);
    referenceWrite ||= role.referenceWrite;
    glassAllowed ||= role.breakGlass;
  }
  if (referenceWrite) {
    const allowed = scopeWrite === 'all' ? REFERENCE_TYPES : REFERENCE_TYPES.filter((t) => scopeWrite.has(t));
    if (allowed.length) writeParts.push(referenceRows(allowed) as RawBuilder<boolean>);
  }
  const glass = glassAllowed ? principal.breakGlass.filter((b) => b.expires.getTime() > now.getTime()).map((b) => b.residentId) : [];
  if (glass.length > 0) {
    writeParts.push(sql<boolean>`r.resident_id IN (${sql.join(glass)})`);
    readAll = true;
  }
  const readable = readPredicate(principal, now, glass);
  const typed = new Map<string, RawBuilder<boolean>>();
  // Resident ID and phone: masked only when no grant of the principal sees them in full (roles.ts).
  const masked = !principal.grants.some((g) => ROLE_DEFINITIONS[g.role]?.identifiers === 'full');
  const writable = any(writeParts);
  return {
    readable,
    typedReadable: {
      base: readable,
      of: (type) => typed.get(type) ?? typed.set(type, readPredicate(principal, now, glass, type)).get(type)!,
    },
    writable,
    ...(writable === TRUE ? { writesEverywhere: TRUE } : {}),
    canReadType: (resourceType) => readAll || readTypes.has(resourceType),
    breakGlass: new Set(glass),
    ...(masked ? { privacy: MASKED_VIEW } : {}),
  };
}
