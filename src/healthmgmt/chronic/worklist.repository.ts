/**
 * Work lists of the family-doctor teams and village doctors over the registry (SQL only):
 *  due      next follow-up due today or in the next 6 days
 *  overdue  next follow-up date passed, not lost to follow-up, not hidden by a call outcome
 *           recorded since it fell due (removed; call later until the date given; agreed to
 *           visit, for `agreedDays`)
 *  urgent   last reading in the urgent-referral range (BPHS Standard 2017)
 *  lost     no follow-up or reading for 12 months (registered for longer than that if never seen)
 * The dead are on no list. The caller's access scope is compiled into the SQL (alias `r` = the
 * resident's Patient row), so nothing outside it is ever fetched; pagination is by count/offset.
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';
import { addDays, monthsBefore } from './follow-up-rules.js';

export type WorklistName = 'due' | 'overdue' | 'urgent' | 'lost';
export type CallOutcome = 'agreed' | 'call-later' | 'removed';

export interface WorklistQuery {
  list: WorklistName;
  today: string;
  orgUnit?: string;
  careTeam?: string;
  condition?: ChronicCategory;
  /** The caller's read predicate on alias `r` (a fhir_resource row); absent = system. */
  scope?: RawBuilder<boolean>;
  count: number;
  offset: number;
  /** Days an "agreed to visit" call keeps a patient off the overdue list (default 7). */
  agreedDays?: number;
}

export interface WorklistRow {
  resident: string;
  condition: ChronicCategory;
  orgUnit: string | null;
  careTeam: string | null;
  basis: string;
  since: string | null;
  status: string;
  control: string;
  nextDue: string | null;
  lastFollowUp: string | null;
  lastReading: { date: string; sbp: number | null; dbp: number | null; glucose: number | null } | null;
  consecutiveUncontrolled: number;
  urgent: boolean;
  urgentReason: string | null;
  referral: boolean;
  episode: string | null;
  lastCall: { outcome: string; reason: string | null; callAgain: string | null; at: string; by: string } | null;
}

/** The status expression of follow-up-rules.ts `patientStatus`, in SQL (tested to agree). */
function statusSql(today: string, lostBefore: string) {
  return sql`CASE WHEN reg.deceased IS NOT NULL AND reg.deceased <= ${today} THEN 'dead'
    WHEN coalesce(greatest(reg.last_follow_up, reg.last_reading), CASE WHEN reg.since <= ${lostBefore} THEN reg.since END) <= ${lostBefore} THEN 'lost'
    WHEN reg.next_due < ${today} THEN 'overdue'
    WHEN reg.control = 'controlled' THEN 'controlled' ELSE 'uncontrolled' END`;
}

export async function worklist(ex: Executor, q: WorklistQuery): Promise<{ total: number; rows: WorklistRow[] }> {
  const status = statusSql(q.today, monthsBefore(q.today, 12));
  const agreedUntil = addDays(q.today, -(q.agreedDays ?? 7));
  const hidden = sql`(c.recorded_at::date >= reg.next_due AND (c.outcome = 'removed' OR (c.outcome = 'call-later' AND c.call_again > ${q.today}) OR (c.outcome = 'agreed' AND c.recorded_at::date > ${agreedUntil})))`;
  const listFilter = {
    due: sql`reg.next_due BETWEEN ${q.today} AND ${addDays(q.today, 6)} AND ${status} <> 'lost'`,
    overdue: sql`${status} = 'overdue' AND (c.outcome IS NULL OR NOT ${hidden})`,
    urgent: sql`reg.urgent AND ${status} <> 'lost'`,
    lost: sql`${status} = 'lost'`,
  }[q.list];
  const filters = [
    sql`(reg.deceased IS NULL OR reg.deceased > ${q.today})`,
    listFilter,
    ...(q.orgUnit ? [sql`reg.org_unit LIKE ${`${q.orgUnit.replace(/[\\%_]/g, '\\$&')}%`}`] : []),
    ...(q.careTeam ? [sql`reg.care_team = ${q.careTeam}`] : []),
    ...(q.condition ? [sql`reg.category = ${q.condition}`] : []),
    ...(q.scope ? [q.scope] : []),
  ];
  const order = q.list === 'lost' ? sql`greatest(reg.last_follow_up, reg.last_reading) DESC NULLS LAST` : sql`reg.next_due`;
  return selectRegistry(ex, q.today, filters, order, q.count, q.offset);
}

/** Registry rows of one resident, with status and last call (no scope: the caller has read the Patient through the store). */
export async function registryOf(ex: Executor, residentId: string, today: string): Promise<WorklistRow[]> {
  return (await selectRegistry(ex, today, [sql`reg.resident_id = ${residentId}`], sql`reg.category`, 10, 0)).rows;
}

async function selectRegistry(ex: Executor, today: string, filters: RawBuilder<unknown>[], order: RawBuilder<unknown>, count: number, offset: number): Promise<{ total: number; rows: WorklistRow[] }> {
  const status = statusSql(today, monthsBefore(today, 12));
  const result = await sql<Record<string, unknown>>`
    SELECT reg.resident_id, reg.category, reg.org_unit, reg.care_team, reg.basis, reg.since::text AS since, ${status} AS status, reg.control,
      reg.next_due::text AS next_due, reg.last_follow_up::text AS last_follow_up, reg.last_reading::text AS last_reading,
      reg.last_sbp::float8 AS last_sbp, reg.last_dbp::float8 AS last_dbp, reg.last_glucose::float8 AS last_glucose,
      reg.consecutive_uncontrolled, reg.urgent, reg.urgent_reason, reg.referral, reg.episode_id,
      c.outcome, c.reason, c.call_again::text AS call_again, c.recorded_at, c.actor, count(*) OVER () AS total
    FROM chronic_registry reg
    JOIN fhir_resource r ON r.resource_type = 'Patient' AND r.id = reg.resident_id AND r.deleted = false
    LEFT JOIN LATERAL (SELECT outcome, reason, call_again, recorded_at, actor FROM chronic_call cc
      WHERE cc.resident_id = reg.resident_id AND (cc.category IS NULL OR cc.category = reg.category) ORDER BY cc.recorded_at DESC, cc.seq DESC LIMIT 1) c ON true
    WHERE ${sql.join(filters, sql` AND `)}
    ORDER BY ${order}, reg.resident_id, reg.category
    LIMIT ${count} OFFSET ${offset}`.execute(ex);
  return {
    total: result.rows.length ? Number(result.rows[0].total) : 0,
    rows: result.rows.map(toRow),
  };
}

function toRow(r: Record<string, unknown>): WorklistRow {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    resident: String(r.resident_id),
    condition: r.category as ChronicCategory,
    orgUnit: text(r.org_unit),
    careTeam: text(r.care_team),
    basis: String(r.basis),
    since: text(r.since),
    status: String(r.status),
    control: String(r.control),
    nextDue: text(r.next_due),
    lastFollowUp: text(r.last_follow_up),
    lastReading: r.last_reading ? { date: String(r.last_reading), sbp: num(r.last_sbp), dbp: num(r.last_dbp), glucose: num(r.last_glucose) } : null,
    consecutiveUncontrolled: Number(r.consecutive_uncontrolled),
    urgent: Boolean(r.urgent),
    urgentReason: text(r.urgent_reason),
    referral: Boolean(r.referral),
    episode: text(r.episode_id),
    lastCall: r.outcome ? { outcome: String(r.outcome), reason: text(r.reason), callAgain: text(r.call_again), at: new Date(r.recorded_at as string).toISOString(), by: String(r.actor) } : null,
  };
}

/** Records a call outcome of the overdue list. */
export async function insertCall(ex: Executor, c: { id: string; residentId: string; orgUnit: string | null; condition: ChronicCategory | null; outcome: CallOutcome; reason: string | null; callAgain: string | null; at: Date; actor: string }): Promise<void> {
  await sql`INSERT INTO chronic_call (id, resident_id, org_unit, category, outcome, reason, call_again, recorded_at, actor)
    VALUES (${c.id}, ${c.residentId}, ${c.orgUnit}, ${c.condition}, ${c.outcome}, ${c.reason}, ${c.callAgain}, ${c.at.toISOString()}, ${c.actor})`.execute(ex);
}

export interface RegistrySummary {
  orgUnit: string;
  condition: ChronicCategory;
  today: string;
  registered: number;
  controlled: number;
  uncontrolled: number;
  dueThisWeek: number;
  overdue: number;
  urgent: number;
  referral: number;
  lost: number;
  dead: number;
}

/**
 * Work-list counts per org unit from the registry as it stands (statuses on `today`): what the
 * cockpit shows beside the cohort indicators. Aggregates only; dead residents count only as dead.
 */
export async function registrySummary(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; today: string; groupLength?: number }): Promise<RegistrySummary[]> {
  const group = q.groupLength ?? q.orgUnit.length;
  const status = statusSql(q.today, monthsBefore(q.today, 12));
  const result = await sql<Record<string, unknown>>`
    SELECT grp, count(*)::int AS registered,
      count(*) FILTER (WHERE status = 'controlled')::int AS controlled,
      count(*) FILTER (WHERE status = 'uncontrolled')::int AS uncontrolled,
      count(*) FILTER (WHERE status IN ('controlled', 'uncontrolled') AND next_due <= ${addDays(q.today, 6)})::int AS due,
      count(*) FILTER (WHERE status = 'overdue')::int AS overdue,
      count(*) FILTER (WHERE urgent AND status NOT IN ('dead', 'lost'))::int AS urgent,
      count(*) FILTER (WHERE referral AND status NOT IN ('dead', 'lost'))::int AS referral,
      count(*) FILTER (WHERE status = 'lost')::int AS lost,
      count(*) FILTER (WHERE status = 'dead')::int AS dead
    FROM (SELECT substr(reg.org_unit, 1, ${group}) AS grp, ${status} AS status, reg.next_due, reg.urgent, reg.referral
          FROM chronic_registry reg WHERE reg.category = ${q.condition} AND reg.org_unit LIKE ${`${q.orgUnit}%`}) s
    GROUP BY grp ORDER BY grp`.execute(ex);
  return result.rows.map((r) => ({
    orgUnit: String(r.grp),
    condition: q.condition,
    today: q.today,
    registered: Number(r.registered),
    controlled: Number(r.controlled),
    uncontrolled: Number(r.uncontrolled),
    dueThisWeek: Number(r.due),
    overdue: Number(r.overdue),
    urgent: Number(r.urgent),
    referral: Number(r.referral),
    lost: Number(r.lost),
    dead: Number(r.dead),
  }));
}
