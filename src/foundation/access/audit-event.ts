/**
 * The audit log seen as FHIR R4 AuditEvent resources (issue 8; http://hl7.org/fhir/R4/auditevent.html).
 * Each audit_log row is one AuditEvent, id = the row number; nothing is stored twice. Codes follow
 * FHIR R4 and the IHE Basic Audit Log Patterns (BALP) profile, which reuse DICOM PS3.16 audit codes:
 * - type: `rest` (http://terminology.hl7.org/CodeSystem/audit-event-type) for FHIR REST reads and
 *   writes, with subtype the FHIR restful-interaction code (read, vread, search-type, history-instance,
 *   create, update, delete, operation) as in BALP's Read/Query/Create/Update/Delete patterns;
 *   DICOM DCM 110114 "User Authentication" with subtype 110122 Login / 110123 Logout for sign-ins and
 *   token requests; DCM 110113 "Security Alert" with subtype 110127 "Emergency Override Started" for
 *   break-the-glass; other application events (worklists, referrals, signal workflow) as DCM 110100
 *   "Application Activity" with the platform's own action code as subtype.
 * - action (AuditEvent.action, R4 value set audit-event-action): C create, R read, U update,
 *   D delete, E execute (search, operations, logins: "perform a query/search operation" is E).
 * - outcome (audit-event-outcome): 0 success, 4 minor failure (refused: 403 or 401), 8 serious failure.
 * - agent: who = the username (identifier), requestor = true, role = the platform's roles, network
 *   address with type 2 (IP address); source = this server (security-source-type 4, application server).
 * - entity: the resource read or written (audit-entity-type 2, system object) and the patient it
 *   belongs to (type 1 person, object-role 1 patient); break-the-glass reads carry purposeOfEvent
 *   BTG (v3 ActReason "break the glass").
 */
import { sql } from 'kysely';
import type { Executor } from '../db/index.js';

export const AUDIT_EVENT_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-event-type';
export const RESTFUL_INTERACTION = 'http://hl7.org/fhir/restful-interaction';
export const DICOM = 'http://dicom.nema.org/resources/ontology/DCM';
export const ROLE_SYSTEM = 'https://healthy-brain.org/fhir/CodeSystem/role';
export const PLATFORM_ACTION = 'https://healthy-brain.org/fhir/CodeSystem/audit-action';

/** An audit_log row as read for the view. */
export interface AuditLogRow {
  id: string;
  recorded: Date;
  actor: string;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  residentId: string | null;
  outcome: string;
  detail: string | null;
  roles: string | null;
  address: string | null;
}

type Coding = { system: string; code: string; display?: string };

/** FHIR REST interactions of the store: platform action → restful-interaction code and AuditEvent.action. */
const REST: Record<string, { subtype: string; action: 'C' | 'R' | 'U' | 'D' | 'E' }> = {
  read: { subtype: 'read', action: 'R' },
  'audit-report': { subtype: 'read', action: 'R' },
  vread: { subtype: 'vread', action: 'R' },
  history: { subtype: 'history-instance', action: 'R' },
  search: { subtype: 'search-type', action: 'E' },
  everything: { subtype: 'operation', action: 'E' },
  create: { subtype: 'create', action: 'C' },
  update: { subtype: 'update', action: 'U' },
  write: { subtype: 'update', action: 'U' },
  delete: { subtype: 'delete', action: 'D' },
};

function typeOf(action: string): { type: Coding; subtype: Coding; action: 'C' | 'R' | 'U' | 'D' | 'E' } {
  const rest = REST[action];
  if (rest) return { type: { system: AUDIT_EVENT_TYPE, code: 'rest', display: 'RESTful Operation' }, subtype: { system: RESTFUL_INTERACTION, code: rest.subtype }, action: rest.action };
  if (action === 'login' || action === 'token') return { type: { system: DICOM, code: '110114', display: 'User Authentication' }, subtype: { system: DICOM, code: '110122', display: 'Login' }, action: 'E' };
  if (action === 'logout') return { type: { system: DICOM, code: '110114', display: 'User Authentication' }, subtype: { system: DICOM, code: '110123', display: 'Logout' }, action: 'E' };
  if (action === 'break-glass') return { type: { system: DICOM, code: '110113', display: 'Security Alert' }, subtype: { system: DICOM, code: '110127', display: 'Emergency Override Started' }, action: 'E' };
  return { type: { system: DICOM, code: '110100', display: 'Application Activity' }, subtype: { system: PLATFORM_ACTION, code: action }, action: 'E' };
}

/** audit-event-outcome: 0 success, 4 minor failure (refused), 8 serious failure. */
function outcomeOf(outcome: string): '0' | '4' | '8' {
  if (outcome === 'success') return '0';
  if (outcome === 'denied' || outcome === 'unauthenticated' || outcome === 'failure') return '4';
  return '8';
}

/** The AuditEvent of one audit row. */
export function toAuditEvent(row: AuditLogRow): Record<string, unknown> {
  const t = typeOf(row.action);
  const breakGlass = (row.detail ?? '').startsWith('break-glass');
  const entity: Record<string, unknown>[] = [];
  if (row.resourceType && row.resourceId) {
    entity.push({ what: { reference: `${row.resourceType}/${row.resourceId}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });
  }
  if (row.residentId && !(row.resourceType === 'Patient' && row.resourceId === row.residentId)) {
    entity.push({ what: { reference: `Patient/${row.residentId}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' }, role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' } });
  } else if (row.residentId && entity[0]) {
    entity[0].role = { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' };
  }
  const roles = row.roles ? row.roles.split(',') : [];
  return {
    resourceType: 'AuditEvent',
    id: row.id,
    type: t.type,
    subtype: [t.subtype],
    action: t.action,
    recorded: row.recorded.toISOString(),
    outcome: outcomeOf(row.outcome),
    ...(row.outcome !== 'success' ? { outcomeDesc: row.detail ? `${row.outcome}: ${row.detail}` : row.outcome } : {}),
    ...(breakGlass ? { purposeOfEvent: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'BTG', display: 'break the glass' }] }] } : {}),
    agent: [
      {
        who: { identifier: { system: 'https://healthy-brain.org/fhir/sid/username', value: row.actor }, display: row.actor },
        requestor: true,
        ...(roles.length > 0 ? { role: roles.map((r) => ({ coding: [{ system: ROLE_SYSTEM, code: r }] })) } : {}),
        ...(row.address ? { network: { address: row.address, type: '2' } } : {}),
      },
    ],
    source: { observer: { display: 'Healthy Brain' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
    ...(entity.length > 0 ? { entity } : {}),
  };
}

/** Filters of an AuditEvent search, already checked. */
export interface AuditFilter {
  residentId?: string;
  /** recorded bounds: [op, instant]. */
  dates: { op: '>=' | '>' | '<=' | '<' ; at: Date }[];
  actor?: string;
  entity?: { type: string; id: string };
  address?: string;
  count: number;
  offset: number;
}

const COLUMNS = ['id', 'recorded', 'actor', 'action', 'resource_type', 'resource_id', 'resident_id', 'outcome', 'detail', 'actor_roles', 'source_address'] as const;

function rowOf(r: Record<(typeof COLUMNS)[number], unknown>): AuditLogRow {
  return {
    id: String(r.id),
    recorded: new Date(r.recorded as string),
    actor: r.actor as string,
    action: r.action as string,
    resourceType: (r.resource_type as string | null) ?? null,
    resourceId: (r.resource_id as string | null) ?? null,
    residentId: (r.resident_id as string | null) ?? null,
    outcome: r.outcome as string,
    detail: (r.detail as string | null) ?? null,
    roles: (r.actor_roles as string | null) ?? null,
    address: (r.source_address as string | null) ?? null,
  };
}

/** One audit row by its number, or undefined. */
export async function auditRowById(ex: Executor, id: string): Promise<AuditLogRow | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const r = await ex.selectFrom('audit_log').select([...COLUMNS]).where('id', '=', id).executeTakeFirst();
  return r ? rowOf(r) : undefined;
}

/** Audit rows matching `f`, newest first, and their total. */
export async function searchAuditRows(ex: Executor, f: AuditFilter): Promise<{ rows: AuditLogRow[]; total: number }> {
  let q = ex.selectFrom('audit_log');
  if (f.residentId !== undefined) q = q.where('resident_id', '=', f.residentId);
  for (const d of f.dates) q = q.where('recorded', d.op, d.at);
  if (f.actor !== undefined) q = q.where('actor', '=', f.actor);
  if (f.entity) q = q.where('resource_type', '=', f.entity.type).where('resource_id', '=', f.entity.id);
  if (f.address !== undefined) q = q.where('source_address', '=', f.address);
  const rows = await q.select([...COLUMNS]).orderBy('recorded', 'desc').orderBy('id', 'desc').limit(f.count).offset(f.offset).execute();
  const total = await q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return { rows: rows.map(rowOf), total: Number(total.n) };
}
