/**
 * SQL over proj_case: count series per disease × org unit × day or week, the case line list of a
 * signal (compiled access predicate, never filtered after fetching) and report timeliness.
 * Counts are aggregate queries over the indexed projection (docs/surveillance.md has the timing).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';

/** LIKE pattern for "org unit code starts with" (codes are letters and digits; escape anyway). */
export function prefixPattern(orgUnit: string): string {
  return `${orgUnit.replace(/[\\%_]/g, '\\$&')}%`;
}

/** First counting day of any case or syndrome (YYYY-MM-DD), or null when there is none. */
export async function firstCaseDay(ex: Executor): Promise<string | null> {
  const r = await sql<{ day: string | null }>`SELECT min(day)::text AS day FROM proj_case`.execute(ex);
  return r.rows[0]?.day ?? null;
}

export interface UnitDayCount {
  unit: string;
  day: string;
  n: number;
}

/**
 * Cases of one disease per org unit truncated to `groupLength` characters and per day, from `from` to
 * `to` (inclusive), under `orgUnit` when given, and only for units with a case from `withCasesFrom`
 * on when given. Rows whose org unit is shorter than the level are left
 * out (a case known only to its town does not count for a village) unless `keepShorter`, which keeps
 * them as their own unit (the fixed threshold must not miss a class A case for want of a village).
 */
export async function countsByUnit(
  ex: Executor,
  q: { disease: string; groupLength: number; from: string; to: string; orgUnit?: string; withCasesFrom?: string; keepShorter?: boolean },
): Promise<UnitDayCount[]> {
  const under = sql`${q.orgUnit ? sql`AND org_unit LIKE ${prefixPattern(q.orgUnit)}` : sql``} AND length(org_unit) >= ${q.keepShorter ? 1 : q.groupLength}`;
  // Only the units with a case between withCasesFrom and to (the detection run's compared period).
  const hot = q.withCasesFrom
    ? sql`AND substr(org_unit, 1, ${q.groupLength}) IN (SELECT substr(org_unit, 1, ${q.groupLength}) FROM proj_case
        WHERE disease = ${q.disease} AND day BETWEEN ${q.withCasesFrom}::date AND ${q.to}::date ${under})`
    : sql``;
  const r = await sql<{ unit: string; day: string; n: number }>`
    SELECT substr(org_unit, 1, ${q.groupLength}) AS unit, day::text AS day, count(*)::int AS n FROM proj_case
    WHERE disease = ${q.disease} AND day BETWEEN ${q.from}::date AND ${q.to}::date ${under} ${hot}
    GROUP BY 1, 2 ORDER BY 1, 2`.execute(ex);
  return r.rows.map((x) => ({ unit: x.unit, day: x.day, n: Number(x.n) }));
}

/** One line of a case line list (also the web app's type). */
export interface CaseLine {
  conditionId: string;
  patientId: string | null;
  residentId: string;
  orgUnit: string | null;
  /** ICD-10 code of the case report. */
  code: string;
  /** Counting day (local date of the report). */
  day: string;
  diagnosedAt: string | null;
  reportedAt: string;
  deadlineAt: string | null;
  /** Reported after the deadline; null for a syndrome (no deadline). */
  late: boolean | null;
  /** Condition.verificationStatus (confirmed, provisional, …). */
  verification: string | null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/**
 * The cases of a disease under an org unit between two days that `readable` (the principal's compiled
 * scope on the alias `r` = fhir_resource) lets the caller read, and how many there are in all.
 */
export async function caseLineList(
  ex: Executor,
  q: { disease: string; orgUnit: string; from: string; to: string; readable: RawBuilder<boolean> },
): Promise<{ total: number; lines: CaseLine[] }> {
  const where = sql`pc.disease = ${q.disease} AND pc.org_unit LIKE ${prefixPattern(q.orgUnit)} AND pc.day BETWEEN ${q.from}::date AND ${q.to}::date`;
  const total = await sql<{ n: number }>`SELECT count(*)::int AS n FROM proj_case pc WHERE ${where}`.execute(ex);
  const rows = await sql<Record<string, unknown>>`
    SELECT pc.resource_id, pc.patient_id, pc.resident_id, pc.org_unit, pc.code, pc.day::text AS day, pc.diagnosed_at, pc.reported_at,
           pc.deadline_at, pc.late, pc.verification
    FROM proj_case pc JOIN fhir_resource r ON r.resource_type = 'Condition' AND r.id = pc.resource_id AND r.deleted = false
    WHERE ${where} AND ${q.readable}
    ORDER BY pc.day, pc.reported_at, pc.resource_id`.execute(ex);
  return {
    total: Number(total.rows[0]?.n ?? 0),
    lines: rows.rows.map((x) => ({
      conditionId: String(x.resource_id),
      patientId: (x.patient_id as string | null) ?? null,
      residentId: String(x.resident_id),
      orgUnit: (x.org_unit as string | null) ?? null,
      code: String(x.code),
      day: String(x.day),
      diagnosedAt: iso(x.diagnosed_at),
      reportedAt: iso(x.reported_at) as string,
      deadlineAt: iso(x.deadline_at),
      late: (x.late as boolean | null) ?? null,
      verification: (x.verification as string | null) ?? null,
    })),
  };
}

export interface TimelinessRow {
  disease: string;
  diseaseClass: string | null;
  reports: number;
  late: number;
  /** Median hours from diagnosis to report (negative delays count as 0). */
  medianDelayHours: number | null;
}

/** Report timeliness of case reports under an org unit, counted by report day, per disease. */
export async function timeliness(ex: Executor, q: { orgUnit: string; from: string; to: string }): Promise<TimelinessRow[]> {
  const r = await sql<Record<string, unknown>>`
    SELECT disease, min(disease_class) AS disease_class, count(*)::int AS reports, count(*) FILTER (WHERE late)::int AS late,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY greatest(0, extract(epoch FROM reported_at - diagnosed_at)) / 3600.0) AS median_delay
    FROM proj_case WHERE kind = 'case' AND org_unit LIKE ${prefixPattern(q.orgUnit)} AND day BETWEEN ${q.from}::date AND ${q.to}::date
    GROUP BY disease ORDER BY disease`.execute(ex);
  return r.rows.map((x) => ({
    disease: String(x.disease),
    diseaseClass: (x.disease_class as string | null) ?? null,
    reports: Number(x.reports),
    late: Number(x.late),
    medianDelayHours: x.median_delay === null || x.median_delay === undefined ? null : Number(x.median_delay),
  }));
}
