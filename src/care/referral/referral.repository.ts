/**
 * SQL of two-way referral (the only file of this module with SQL besides the migration): facility
 * facts, the Task row lock of a transition, the projection rows, inbox/outbox lists under the
 * caller's compiled scope, and the indicators.
 */
import type { Organization } from '@medplum/fhirtypes';
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { facilityOf, type Facility } from './referral-fhir.js';
import type { ReferralState } from './referral-state.js';
import { COMMUNICATION_CATEGORY_SYSTEM } from './referral-notification.js';
import type { NotificationRow } from './referral-notify-view.js';

/** A care_referral row as the database returns it. */
export interface ReferralRow {
  referral_id: string;
  task_id: string;
  resident_id: string;
  patient_id: string;
  org_unit: string | null;
  requester_org: string;
  requester_name: string | null;
  requester_org_unit: string | null;
  requester_level: number | null;
  performer_org: string;
  performer_name: string | null;
  performer_org_unit: string | null;
  performer_level: number | null;
  direction: string;
  priority: string;
  reason_code: string | null;
  reason_text: string | null;
  status: ReferralState;
  requested_at: Date;
  accepted_at: Date | null;
  rejected_at: Date | null;
  scheduled_at: Date | null;
  appointment_at: Date | null;
  seen_at: Date | null;
  returned_at: Date | null;
  closed_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
  seen_due_at: Date;
  return_due_at: Date | null;
}

export interface EventRow {
  referral_id: string;
  seq: number;
  from_status: string | null;
  to_status: string;
  actor: string;
  at: Date;
  note: string | null;
  resident_id: string;
}

/** Current Organizations (reference data) by id, as facilities. */
export async function facilities(ex: Executor, ids: readonly string[]): Promise<Map<string, Facility>> {
  if (ids.length === 0) return new Map();
  const rows = await sql<{ content: Organization }>`
    SELECT content FROM fhir_resource WHERE resource_type = 'Organization' AND id = ANY(${[...new Set(ids)]}::text[]) AND deleted = false`.execute(ex);
  return new Map(rows.rows.map((r) => {
    const org = (typeof r.content === 'string' ? JSON.parse(r.content) : r.content) as Organization;
    return [org.id as string, facilityOf(org)];
  }));
}

/** Locks the referral's Task row for the rest of the transaction (two accepts at once: one waits, then sees the new state). */
export async function lockTask(ex: Executor, taskId: string): Promise<string | null> {
  const rows = await sql<{ content: string }>`
    SELECT content::text AS content FROM fhir_resource WHERE resource_type = 'Task' AND id = ${taskId} AND deleted = false FOR UPDATE`.execute(ex);
  return rows.rows[0]?.content ?? null;
}

export async function referralRow(ex: Executor, referralId: string): Promise<ReferralRow | undefined> {
  const rows = await sql<ReferralRow>`SELECT * FROM care_referral WHERE referral_id = ${referralId}`.execute(ex);
  return rows.rows[0];
}

export async function referralEvents(ex: Executor, referralId: string): Promise<EventRow[]> {
  return (await sql<EventRow>`SELECT * FROM care_referral_event WHERE referral_id = ${referralId} ORDER BY seq`.execute(ex)).rows;
}

function insertRows(ex: Executor, table: string, rows: Record<string, unknown>[]) {
  const columns = Object.keys(rows[0]);
  const values = rows.map((r) => sql`(${sql.join(columns.map((c) => r[c]))})`);
  return sql`INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(values)}`.execute(ex);
}

/** Replaces the projection rows of the given Tasks (deleted Tasks leave none). */
export async function replaceReferrals(ex: Executor, taskIds: readonly string[], rows: Record<string, unknown>[], events: Record<string, unknown>[]): Promise<void> {
  if (taskIds.length === 0) return;
  const referralIds = [...new Set([...rows.map((r) => r.referral_id as string)])];
  await sql`DELETE FROM care_referral_event WHERE referral_id IN (SELECT referral_id FROM care_referral WHERE task_id = ANY(${[...taskIds]}::text[])) OR referral_id = ANY(${referralIds}::text[])`.execute(ex);
  await sql`DELETE FROM care_referral WHERE task_id = ANY(${[...taskIds]}::text[]) OR referral_id = ANY(${referralIds}::text[])`.execute(ex);
  for (let i = 0; i < rows.length; i += 200) await insertRows(ex, 'care_referral', rows.slice(i, i + 200));
  for (let i = 0; i < events.length; i += 500) await insertRows(ex, 'care_referral_event', events.slice(i, i + 500));
}

/** The referral (ServiceRequest) ids of these Tasks, as projected. */
export async function referralIdsOfTasks(ex: Executor, taskIds: readonly string[]): Promise<string[]> {
  if (taskIds.length === 0) return [];
  const rows = await sql<{ referral_id: string }>`SELECT referral_id FROM care_referral WHERE task_id = ANY(${[...taskIds]}::text[])`.execute(ex);
  return rows.rows.map((r) => r.referral_id);
}

/** Org-unit prefixes a caller works in ('all' = platform-wide). */
export type Prefixes = 'all' | readonly string[];

function within(column: RawBuilder<unknown>, prefixes: Prefixes): RawBuilder<boolean> {
  if (prefixes === 'all') return sql<boolean>`true`;
  if (prefixes.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(prefixes.map((p) => sql`${column} LIKE ${`${p}%`}`), sql` OR `)})`;
}

export interface ListFilter {
  box: 'inbox' | 'outbox';
  prefixes: Prefixes;
  /** The caller's read predicate on alias `r` (a fhir_resource row), or undefined for the system. */
  readable?: RawBuilder<boolean>;
  status?: ReferralState;
  direction?: string;
  overdue: boolean;
  facility?: string;
  now: Date;
  count: number;
  offset: number;
}

/** Inbox (received by the caller's org units) or outbox (sent from them), newest first, only referrals the caller may read. */
export async function listReferrals(ex: Executor, f: ListFilter): Promise<{ total: number; rows: ReferralRow[] }> {
  const side = f.box === 'inbox' ? sql`c.performer_org_unit` : sql`c.requester_org_unit`;
  const facility = f.box === 'inbox' ? sql`c.performer_org` : sql`c.requester_org`;
  const where = sql`${within(side, f.prefixes)}
    AND ${f.readable ?? sql`true`}
    ${f.status ? sql`AND c.status = ${f.status}` : sql``}
    ${f.direction ? sql`AND c.direction = ${f.direction}` : sql``}
    ${f.facility ? sql`AND ${facility} = ${f.facility}` : sql``}
    ${f.overdue ? sql`AND ((c.status IN ('requested', 'accepted', 'scheduled') AND c.seen_due_at < ${f.now}) OR (c.status = 'returned' AND c.return_due_at < ${f.now}))` : sql``}`;
  const from = sql`FROM care_referral c JOIN fhir_resource r ON r.resource_type = 'ServiceRequest' AND r.id = c.referral_id AND r.deleted = false`;
  const total = await sql<{ n: string }>`SELECT count(*) AS n ${from} WHERE ${where}`.execute(ex);
  const rows = await sql<ReferralRow>`SELECT c.* ${from} WHERE ${where} ORDER BY c.requested_at DESC, c.referral_id LIMIT ${f.count} OFFSET ${f.offset}`.execute(ex);
  return { total: Number(total.rows[0].n), rows: rows.rows };
}

/**
 * Referral notifications (Communication, category notification) addressed to a facility of a
 * referral on the caller's side: the recipient is the performer of a referral whose performer org
 * unit the caller works in, or its requester likewise. Found through the store's reference index.
 */
export async function listNotifications(ex: Executor, q: { prefixes: Prefixes; since?: Date; count: number }): Promise<NotificationRow[]> {
  if (q.prefixes !== 'all' && q.prefixes.length === 0) return [];
  const rows = await sql<NotificationRow>`
    SELECT r.id, r.resident_id, r.last_updated, r.content FROM fhir_resource r
    WHERE r.resource_type = 'Communication' AND r.deleted = false
      ${q.since ? sql`AND r.last_updated > ${q.since}` : sql``}
      AND r.id IN (SELECT s.resource_id FROM sp_reference s
        WHERE s.resource_type = 'Communication' AND s.param = 'recipient' AND s.target_type = 'Organization'
          AND s.target_id IN (SELECT c.performer_org FROM care_referral c WHERE ${within(sql`c.performer_org_unit`, q.prefixes)}
                              UNION SELECT c.requester_org FROM care_referral c WHERE ${within(sql`c.requester_org_unit`, q.prefixes)}))
      AND r.id IN (SELECT t.resource_id FROM sp_token t
        WHERE t.resource_type = 'Communication' AND t.param = 'category' AND t.system = ${COMMUNICATION_CATEGORY_SYSTEM} AND t.code = 'notification')
    ORDER BY r.last_updated ${q.since ? sql`ASC` : sql`DESC`}, r.id
    LIMIT ${q.count}`.execute(ex);
  return rows.rows;
}

export interface IndicatorRow {
  direction: string | null;
  facility: string | null;
  facility_name: string | null;
  total: number;
  accepted: number;
  rejected: number;
  cancelled: number;
  seen: number;
  seen_in_time: number;
  returned: number;
  closed: number;
  overdue: number;
  median_hours_to_seen: number | null;
}

/**
 * Referral indicators of the referrals requested in [from, to] whose receiving (side = performer)
 * or sending (requester) facility serves `orgUnit` or a unit below it: by direction and facility,
 * by direction, and overall (GROUPING SETS). Aggregates only.
 */
export async function referralIndicators(ex: Executor, q: { orgUnit: string; side: 'performer' | 'requester'; from: string; to: string; now: Date }): Promise<IndicatorRow[]> {
  const unit = q.side === 'performer' ? sql.ref('performer_org_unit') : sql.ref('requester_org_unit');
  const org = q.side === 'performer' ? sql.ref('performer_org') : sql.ref('requester_org');
  const name = q.side === 'performer' ? sql.ref('performer_name') : sql.ref('requester_name');
  const rows = await sql<Record<string, unknown>>`
    SELECT direction, ${org} AS facility, max(${name}) AS facility_name, count(*) AS total,
      count(*) FILTER (WHERE accepted_at IS NOT NULL) AS accepted,
      count(*) FILTER (WHERE status = 'rejected') AS rejected,
      count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
      count(*) FILTER (WHERE seen_at IS NOT NULL) AS seen,
      count(*) FILTER (WHERE seen_at IS NOT NULL AND seen_at <= seen_due_at) AS seen_in_time,
      count(*) FILTER (WHERE returned_at IS NOT NULL) AS returned,
      count(*) FILTER (WHERE status = 'closed') AS closed,
      count(*) FILTER (WHERE (status IN ('requested', 'accepted', 'scheduled') AND seen_due_at < ${q.now}) OR (status = 'returned' AND return_due_at < ${q.now})) AS overdue,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM seen_at - requested_at) / 3600.0) FILTER (WHERE seen_at IS NOT NULL) AS median_hours_to_seen
    FROM care_referral
    WHERE ${unit} LIKE ${`${q.orgUnit}%`} AND requested_at >= ${`${q.from}T00:00:00+08:00`}::timestamptz AND requested_at < (${`${q.to}T00:00:00+08:00`}::timestamptz + interval '1 day')
    GROUP BY GROUPING SETS ((direction, ${org}), (direction), ())
    ORDER BY direction NULLS FIRST, facility NULLS FIRST`.execute(ex);
  const n = (v: unknown) => Number(v ?? 0);
  return rows.rows.map((r) => ({
    direction: (r.direction as string | null) ?? null,
    facility: (r.facility as string | null) ?? null,
    facility_name: r.facility ? ((r.facility_name as string | null) ?? null) : null,
    total: n(r.total),
    accepted: n(r.accepted),
    rejected: n(r.rejected),
    cancelled: n(r.cancelled),
    seen: n(r.seen),
    seen_in_time: n(r.seen_in_time),
    returned: n(r.returned),
    closed: n(r.closed),
    overdue: n(r.overdue),
    median_hours_to_seen: r.median_hours_to_seen === null || r.median_hours_to_seen === undefined ? null : Number(r.median_hours_to_seen),
  }));
}
