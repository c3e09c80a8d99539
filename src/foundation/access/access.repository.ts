/** SQL of the access module: users, grants, sessions, clients, break-the-glass, settings, audit. */
import { sql } from 'kysely';
import type { Executor } from '../db/index.js';
import type { Grant } from './scope.js';
import { insertAudit, type AuditRow } from '../fhir/index.js';

export interface UserRow {
  id: string;
  username: string;
  displayName: string | null;
  passwordHash: string | null;
  disabled: boolean;
  failedAttempts: number;
  lockedUntil: Date | null;
}

/** A setting's value, creating it with `initial()` when absent (first writer wins on a race). */
export async function ensureSetting(ex: Executor, key: string, initial: () => string): Promise<string> {
  await ex.insertInto('access_setting').values({ key, value: initial() }).onConflict((oc) => oc.column('key').doNothing()).execute();
  const row = await ex.selectFrom('access_setting').select('value').where('key', '=', key).executeTakeFirstOrThrow();
  return row.value;
}

const userColumns = ['id', 'username', 'display_name', 'password_hash', 'disabled', 'failed_attempts', 'locked_until'] as const;
function toUser(r: { id: string; username: string; display_name: string | null; password_hash: string | null; disabled: boolean; failed_attempts: number; locked_until: Date | string | null }): UserRow {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    disabled: r.disabled,
    failedAttempts: Number(r.failed_attempts),
    lockedUntil: r.locked_until ? new Date(r.locked_until) : null,
  };
}

export async function findUserByUsername(ex: Executor, username: string): Promise<UserRow | undefined> {
  const r = await ex.selectFrom('access_user').select(userColumns).where('username', '=', username).executeTakeFirst();
  return r ? toUser(r) : undefined;
}

export async function findUserById(ex: Executor, id: string): Promise<UserRow | undefined> {
  const r = await ex.selectFrom('access_user').select(userColumns).where('id', '=', id).executeTakeFirst();
  return r ? toUser(r) : undefined;
}

export async function countUsers(ex: Executor): Promise<number> {
  const r = await ex.selectFrom('access_user').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Inserts a user and its grants. */
export async function insertUser(ex: Executor, user: { id: string; username: string; displayName: string | null; passwordHash: string | null; now: Date }, grants: Grant[]): Promise<void> {
  await ex
    .insertInto('access_user')
    .values({ id: user.id, username: user.username, display_name: user.displayName, password_hash: user.passwordHash, created: user.now, password_changed: user.passwordHash ? user.now : null })
    .execute();
  if (grants.length) {
    await ex
      .insertInto('access_grant')
      .values(grants.map((g) => ({ user_id: user.id, role: g.role, org_unit: g.orgUnit, care_team: g.careTeam, created: user.now })))
      .execute();
  }
}

export async function grantsOf(ex: Executor, userId: string): Promise<Grant[]> {
  const rows = await ex.selectFrom('access_grant').select(['role', 'org_unit', 'care_team']).where('user_id', '=', userId).orderBy('id').execute();
  return rows.map((r) => ({ role: r.role as Grant['role'], orgUnit: r.org_unit, careTeam: r.care_team }));
}

/** Counts a failed login; locks the account until `lockUntil` when given. */
export async function recordFailure(ex: Executor, userId: string, lockUntil: Date | null): Promise<void> {
  await ex
    .updateTable('access_user')
    .set(lockUntil ? { failed_attempts: 0, locked_until: lockUntil } : { failed_attempts: sql`failed_attempts + 1` })
    .where('id', '=', userId)
    .execute();
}

export async function resetFailures(ex: Executor, userId: string): Promise<void> {
  await ex.updateTable('access_user').set({ failed_attempts: 0, locked_until: null }).where('id', '=', userId).execute();
}

export async function insertSession(ex: Executor, s: { id: string; userId: string; refreshHash: string; now: Date; expires: Date }): Promise<void> {
  await ex.insertInto('access_session').values({ id: s.id, user_id: s.userId, refresh_hash: s.refreshHash, created: s.now, last_used: s.now, expires: s.expires }).execute();
}

/** The live session holding this refresh-token hash, or undefined. */
export async function findSession(ex: Executor, refreshHash: string, now: Date): Promise<{ id: string; userId: string } | undefined> {
  const r = await ex
    .selectFrom('access_session')
    .select(['id', 'user_id'])
    .where('refresh_hash', '=', refreshHash)
    .where('revoked', 'is', null)
    .where('expires', '>', now)
    .executeTakeFirst();
  return r ? { id: r.id, userId: r.user_id } : undefined;
}

/** Rotates a session's refresh token: only the newest one stays valid (RFC 6819 §5.2.2.3). */
export async function rotateSession(ex: Executor, id: string, oldHash: string, newHash: string, now: Date): Promise<boolean> {
  const r = await ex.updateTable('access_session').set({ refresh_hash: newHash, last_used: now }).where('id', '=', id).where('refresh_hash', '=', oldHash).where('revoked', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeSession(ex: Executor, id: string, now: Date): Promise<void> {
  await ex.updateTable('access_session').set({ revoked: now }).where('id', '=', id).where('revoked', 'is', null).execute();
}

export async function insertClient(ex: Executor, c: { clientId: string; name: string | null; secretHash: string; role: string; orgUnit: string | null; scopes: string; now: Date }): Promise<void> {
  await ex.insertInto('access_client').values({ client_id: c.clientId, name: c.name, secret_hash: c.secretHash, role: c.role, org_unit: c.orgUnit, scopes: c.scopes, created: c.now }).execute();
}

export async function findClient(ex: Executor, clientId: string): Promise<{ clientId: string; secretHash: string; role: string; orgUnit: string | null; scopes: string; disabled: boolean } | undefined> {
  const r = await ex.selectFrom('access_client').selectAll().where('client_id', '=', clientId).executeTakeFirst();
  return r ? { clientId: r.client_id, secretHash: r.secret_hash, role: r.role, orgUnit: r.org_unit, scopes: r.scopes, disabled: r.disabled } : undefined;
}

/** The golden resident id of a Patient (null when unknown or deleted). */
export async function residentOfPatient(ex: Executor, patientId: string): Promise<string | null> {
  const r = await ex.selectFrom('fhir_resource').select('resident_id').where('resource_type', '=', 'Patient').where('id', '=', patientId).where('deleted', '=', false).executeTakeFirst();
  return r?.resident_id ?? null;
}

export async function insertBreakGlass(ex: Executor, b: { id: string; userId: string; patientId: string; residentId: string; reason: string; granted: Date; expires: Date }): Promise<void> {
  await ex.insertInto('access_break_glass').values({ id: b.id, user_id: b.userId, patient_id: b.patientId, resident_id: b.residentId, reason: b.reason, granted: b.granted, expires: b.expires }).execute();
}

export async function activeBreakGlass(ex: Executor, userId: string, now: Date): Promise<{ residentId: string; expires: Date }[]> {
  const rows = await ex.selectFrom('access_break_glass').select(['resident_id', 'expires']).where('user_id', '=', userId).where('expires', '>', now).execute();
  return rows.map((r) => ({ residentId: r.resident_id, expires: new Date(r.expires) }));
}

export interface BreakGlassRow {
  id: string;
  username: string;
  patientId: string;
  reason: string;
  granted: Date;
  expires: Date;
  reviewed: Date | null;
  reviewedBy: string | null;
}

/** Break-the-glass grants, unreviewed first, newest first. */
export async function listBreakGlass(ex: Executor, onlyUnreviewed: boolean): Promise<BreakGlassRow[]> {
  let q = ex
    .selectFrom('access_break_glass as b')
    .innerJoin('access_user as u', 'u.id', 'b.user_id')
    .select(['b.id', 'u.username', 'b.patient_id', 'b.reason', 'b.granted', 'b.expires', 'b.reviewed', 'b.reviewed_by']);
  if (onlyUnreviewed) q = q.where('b.reviewed', 'is', null);
  const rows = await q.orderBy('b.granted', 'desc').limit(500).execute();
  return rows.map((r) => ({ id: r.id, username: r.username, patientId: r.patient_id, reason: r.reason, granted: new Date(r.granted), expires: new Date(r.expires), reviewed: r.reviewed ? new Date(r.reviewed) : null, reviewedBy: r.reviewed_by }));
}

export async function markReviewed(ex: Executor, id: string, reviewer: string, now: Date): Promise<boolean> {
  const r = await ex.updateTable('access_break_glass').set({ reviewed: now, reviewed_by: reviewer }).where('id', '=', id).where('reviewed', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** An audit row (the store's own audit_log format). */
export type AuditEntry = AuditRow;

/** Appends audit rows of the access module (logins, break-the-glass, refused requests). */
export const appendAudit = insertAudit;

/** A resident's access history ("who has seen my record"), newest first. */
export async function auditOfResident(ex: Executor, residentId: string, limit: number, offset: number): Promise<{ entries: AuditEntry[]; total: number }> {
  const base = ex.selectFrom('audit_log').where('resident_id', '=', residentId);
  const rows = await base.select(['recorded', 'actor', 'action', 'resource_type', 'resource_id', 'resident_id', 'outcome', 'detail', 'actor_roles', 'source_address']).orderBy('recorded', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
  const total = await base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  return {
    entries: rows.map((r) => ({ recorded: new Date(r.recorded), actor: r.actor, action: r.action, resourceType: r.resource_type, resourceId: r.resource_id, residentId: r.resident_id, outcome: r.outcome, detail: r.detail, roles: r.actor_roles, address: r.source_address })),
    total: Number(total.n),
  };
}
