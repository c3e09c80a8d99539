/** SQL of teleconsultation (the only file of this module with SQL besides the migration). */
import { sql, type RawBuilder } from 'kysely';
import { replaceRows, type Executor } from '../../foundation/db/index.js';
import type { Prefixes } from '../referral/index.js';
import type { TeleconsultState } from './teleconsult-state.js';

/** A care_teleconsult row as the database returns it. */
export interface TeleconsultRow {
  task_id: string;
  resident_id: string;
  patient_id: string;
  org_unit: string | null;
  requester_org: string;
  requester_name: string | null;
  requester_org_unit: string | null;
  consultant_org: string;
  consultant_name: string | null;
  consultant_org_unit: string | null;
  encounter_id: string | null;
  priority: string;
  question: string;
  attachments: number;
  status: TeleconsultState;
  requested_at: Date;
  answered_at: Date | null;
  declined_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
  turnaround_minutes: number | null;
}

/** Replaces the projection rows: deletes those of `taskIds` (the Tasks that may have rows), inserts `rows` (a deleted Task, or one that is not a teleconsultation, has none). */
export async function replaceTeleconsults(ex: Executor, taskIds: readonly string[], rows: Record<string, unknown>[]): Promise<void> {
  await replaceRows(ex, 'care_teleconsult', 'task_id', taskIds, rows);
}

export async function teleconsultRow(ex: Executor, taskId: string): Promise<TeleconsultRow | undefined> {
  return (await sql<TeleconsultRow>`SELECT * FROM care_teleconsult WHERE task_id = ${taskId}`.execute(ex)).rows[0];
}

function within(column: RawBuilder<unknown>, prefixes: Prefixes): RawBuilder<boolean> {
  if (prefixes === 'all') return sql<boolean>`true`;
  if (prefixes.length === 0) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(prefixes.map((p) => sql`${column} LIKE ${`${p}%`}`), sql` OR `)})`;
}

/** Inbox (asked of the caller's facilities) or outbox (asked by them), newest first. */
export async function listTeleconsults(ex: Executor, f: { box: 'inbox' | 'outbox'; prefixes: Prefixes; status?: TeleconsultState; count: number; offset: number }): Promise<{ total: number; rows: TeleconsultRow[] }> {
  const side = f.box === 'inbox' ? sql`c.consultant_org_unit` : sql`c.requester_org_unit`;
  const where = sql`${within(side, f.prefixes)} ${f.status ? sql`AND c.status = ${f.status}` : sql``}`;
  const total = await sql<{ n: string }>`SELECT count(*) AS n FROM care_teleconsult c WHERE ${where}`.execute(ex);
  const rows = await sql<TeleconsultRow>`SELECT c.* FROM care_teleconsult c WHERE ${where} ORDER BY c.requested_at DESC, c.task_id LIMIT ${f.count} OFFSET ${f.offset}`.execute(ex);
  return { total: Number(total.rows[0].n), rows: rows.rows };
}
