/**
 * SQL of signals, their workflow events and the run log. Signals are keyed by disease × org unit ×
 * level × method × period, so running detection again for the same date updates the evidence of
 * the signals it finds again and never duplicates one (nor touches its workflow).
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import { prefixPattern } from './cases.repository.js';
import type { SignalStatus } from './workflow.js';

export interface SignalInput {
  disease: string;
  orgUnit: string;
  level: string;
  method: string;
  periodStart: string;
  periodEnd: string;
  runDate: string;
  observed: number;
  threshold: number | null;
  evidence: unknown;
}

export interface Signal extends Omit<SignalInput, 'evidence'> {
  id: string;
  status: SignalStatus;
  createdAt: string;
  updatedAt: string;
  evidence?: unknown;
}

export interface SignalEvent {
  seq: number;
  from: SignalStatus;
  to: SignalStatus;
  actor: string;
  at: string;
  note: string | null;
}

/** Inserts a new signal or refreshes the evidence of the same one; true when it is new. */
export async function upsertSignal(ex: Executor, s: SignalInput, now: Date): Promise<{ id: string; inserted: boolean }> {
  const r = await sql<{ id: string; inserted: boolean }>`
    INSERT INTO surv_signal (id, disease, org_unit, level, method, period_start, period_end, run_date, observed, threshold, status, created_at, updated_at, evidence)
    VALUES (${randomUUID()}, ${s.disease}, ${s.orgUnit}, ${s.level}, ${s.method}, ${s.periodStart}::date, ${s.periodEnd}::date, ${s.runDate}::date,
            ${s.observed}, ${s.threshold}, 'new', ${now}, ${now}, ${JSON.stringify(s.evidence)}::jsonb)
    ON CONFLICT (disease, org_unit, level, method, period_start) DO UPDATE
      SET observed = excluded.observed, threshold = excluded.threshold, evidence = excluded.evidence, period_end = excluded.period_end,
          updated_at = excluded.updated_at
    RETURNING id, (xmax = 0) AS inserted`.execute(ex);
  return r.rows[0];
}

export async function saveRun(
  ex: Executor,
  run: { runDate: string; startedAt: Date; finishedAt: Date; series: number; evaluated: number; skipped: number; alarms: number; signalsNew: number; signalsTotal: number },
): Promise<void> {
  await sql`
    INSERT INTO surv_run (run_date, started_at, finished_at, series, evaluated, skipped, alarms, signals_new, signals_total, runs)
    VALUES (${run.runDate}::date, ${run.startedAt}, ${run.finishedAt}, ${run.series}, ${run.evaluated}, ${run.skipped}, ${run.alarms}, ${run.signalsNew}, ${run.signalsTotal}, 1)
    ON CONFLICT (run_date) DO UPDATE SET started_at = excluded.started_at, finished_at = excluded.finished_at, series = excluded.series,
      evaluated = excluded.evaluated, skipped = excluded.skipped, alarms = excluded.alarms, signals_new = excluded.signals_new,
      signals_total = excluded.signals_total, runs = surv_run.runs + 1`.execute(ex);
}

const ts = (v: unknown): string => new Date(v as string).toISOString();

function toSignal(x: Record<string, unknown>, withEvidence: boolean): Signal {
  return {
    id: String(x.id),
    disease: String(x.disease),
    orgUnit: String(x.org_unit),
    level: String(x.level),
    method: String(x.method),
    periodStart: String(x.period_start),
    periodEnd: String(x.period_end),
    runDate: String(x.run_date),
    observed: Number(x.observed),
    threshold: x.threshold === null ? null : Number(x.threshold),
    status: x.status as SignalStatus,
    createdAt: ts(x.created_at),
    updatedAt: ts(x.updated_at),
    ...(withEvidence ? { evidence: x.evidence } : {}),
  };
}

const COLUMNS = sql`id, disease, org_unit, level, method, period_start::text AS period_start, period_end::text AS period_end, run_date::text AS run_date,
  observed, threshold, status, created_at, updated_at`;

export interface SignalFilter {
  /** Org-unit prefixes the caller may see ('all' = every signal). */
  scope: 'all' | readonly string[];
  orgUnit?: string;
  disease?: string;
  status?: SignalStatus;
  /** Period end between these days (inclusive). */
  from?: string;
  to?: string;
  /** Only signals created or changed after this instant (ISO 8601), oldest change first. */
  updatedSince?: string;
  limit: number;
  offset: number;
}

function filterSql(f: Omit<SignalFilter, 'limit' | 'offset'>): RawBuilder<unknown> {
  const parts = [sql`true`];
  if (f.scope !== 'all') parts.push(f.scope.length ? sql`(${sql.join(f.scope.map((p) => sql`org_unit LIKE ${prefixPattern(p)}`), sql` OR `)})` : sql`false`);
  if (f.orgUnit) parts.push(sql`org_unit LIKE ${prefixPattern(f.orgUnit)}`);
  if (f.disease) parts.push(sql`disease = ${f.disease}`);
  if (f.status) parts.push(sql`status = ${f.status}`);
  if (f.from) parts.push(sql`period_end >= ${f.from}::date`);
  if (f.to) parts.push(sql`period_end <= ${f.to}::date`);
  if (f.updatedSince) parts.push(sql`updated_at > ${f.updatedSince}::timestamptz`);
  return sql.join(parts, sql` AND `);
}

export async function listSignals(ex: Executor, f: SignalFilter): Promise<{ total: number; signals: Signal[] }> {
  const where = filterSql(f);
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM surv_signal WHERE ${where}`.execute(ex);
  const order = f.updatedSince ? sql`updated_at, id` : sql`period_end DESC, created_at DESC, id`;
  const rows = await sql<Record<string, unknown>>`SELECT ${COLUMNS} FROM surv_signal WHERE ${where}
    ORDER BY ${order} LIMIT ${f.limit} OFFSET ${f.offset}`.execute(ex);
  return { total: Number(total.rows[0]?.n ?? 0), signals: rows.rows.map((x) => toSignal(x, false)) };
}

export async function getSignal(ex: Executor, id: string): Promise<Signal | null> {
  const r = await sql<Record<string, unknown>>`SELECT ${COLUMNS}, evidence FROM surv_signal WHERE id = ${id}`.execute(ex);
  return r.rows[0] ? toSignal(r.rows[0], true) : null;
}

export async function signalEvents(ex: Executor, id: string): Promise<SignalEvent[]> {
  const r = await sql<Record<string, unknown>>`SELECT seq, from_status, to_status, actor, at, note FROM surv_signal_event WHERE signal_id = ${id} ORDER BY seq`.execute(ex);
  return r.rows.map((x) => ({ seq: Number(x.seq), from: x.from_status as SignalStatus, to: x.to_status as SignalStatus, actor: String(x.actor), at: ts(x.at), note: (x.note as string | null) ?? null }));
}

/**
 * Moves a signal from `from` to `to` and records who and when, only if it is still in `from`
 * (compare-and-set, so two epidemiologists acting at once cannot both move it). False when it was not.
 */
export async function recordTransition(ex: Executor, t: { id: string; from: SignalStatus; to: SignalStatus; actor: string; at: Date; note: string | null }): Promise<boolean> {
  const updated = await sql<{ id: string }>`UPDATE surv_signal SET status = ${t.to}, updated_at = ${t.at} WHERE id = ${t.id} AND status = ${t.from} RETURNING id`.execute(ex);
  if (updated.rows.length === 0) return false;
  await sql`INSERT INTO surv_signal_event (signal_id, seq, from_status, to_status, actor, at, note)
    SELECT ${t.id}, coalesce(max(seq), 0) + 1, ${t.from}, ${t.to}, ${t.actor}, ${t.at}, ${t.note} FROM surv_signal_event WHERE signal_id = ${t.id}`.execute(ex);
  return true;
}

/** Per signal: status and minutes from creation to the first workflow action (null if none yet). */
export async function responseTimes(ex: Executor, f: Omit<SignalFilter, 'limit' | 'offset' | 'status'>): Promise<{ status: SignalStatus; minutes: number | null }[]> {
  const r = await sql<{ status: SignalStatus; minutes: number | null }>`
    SELECT s.status, extract(epoch FROM (SELECT min(e.at) FROM surv_signal_event e WHERE e.signal_id = s.id) - s.created_at) / 60.0 AS minutes
    FROM surv_signal s WHERE ${filterSql(f)}`.execute(ex);
  return r.rows.map((x) => ({ status: x.status, minutes: x.minutes === null ? null : Number(x.minutes) }));
}
