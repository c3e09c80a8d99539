/**
 * Village-level rollup of every chronic-care indicator for a date (typically a month end and
 * today), so the cockpit reads a district's figures by summing ~300 village rows instead of
 * scanning a year of events for every registered resident. This is how Simple.org serves its
 * dashboard (monthly reporting tables refreshed daily). Every indicator is a count of residents
 * and each resident belongs to one village, so sums over villages equal the live figures (tested).
 *
 * The rollup is a cache: `refreshIndicatorRollup` recomputes it live (the nightly job at
 * HB_CHRONIC_ROLLUP_AT, the demo seed, or on demand), `rolledUpIndicators` answers from it and says
 * when it was computed and whether it is fresh (`rollupFresh`).
 */
import { sql } from 'kysely';
import type { Executor } from '../../foundation/db/index.js';
import type { ChronicCategory } from './classify.js';
import { chronicIndicators, indicatorRow, type ChronicIndicators } from './indicators.js';

const VILLAGE_LENGTH = 12;
const DAY_MS = 86_400_000;
/** China Standard Time (UTC+8): the district's calendar day. */
const CST_MS = 8 * 3_600_000;
/** A rollup younger than this is fresh whatever its date: one daily run plus two hours' slack. */
export const ROLLUP_MAX_AGE_HOURS = 26;

const COLUMNS = [
  'registered', 'cohort', 'under_care', 'lost', 'controlled', 'uncontrolled', 'visited_no_measure', 'missed', 'controlled_national',
  'uncontrolled_national', 'managed', 'standard', 'medication', 'overdue', 'pdc_with_fills', 'pdc_measured', 'pdc_adherent',
] as const;

/** Column values of one village row, in COLUMNS order. */
function values(v: ChronicIndicators): number[] {
  return [
    v.registered, v.cohort, v.underCare, v.lostToFollowUp, v.controlled, v.uncontrolled, v.visitedNoMeasure, v.missedVisits, v.controlledNational,
    v.uncontrolledNational, v.managedInYear, v.standardManaged, v.medicationService, v.overdue, v.pdcWithFills, v.pdcMeasured, v.pdcAdherent,
  ];
}

/**
 * Recomputes the rollup of every village under `orgUnit` ('' = every village) for (condition,
 * asOf); returns the number of village rows. The figures are computed first, then the old rows are
 * replaced in one transaction, so a reader never sees a half-written rollup.
 */
export async function refreshIndicatorRollup(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; now: Date }): Promise<number> {
  const villages = await chronicIndicators(ex, { ...q, groupLength: VILLAGE_LENGTH });
  const prefix = `${q.orgUnit.replace(/[\\%_]/g, '\\$&')}%`;
  const write = async (tx: Executor) => {
    await sql`DELETE FROM chronic_indicator_rollup WHERE condition = ${q.condition} AND as_of = ${q.asOf} AND village LIKE ${prefix}`.execute(tx);
    for (let i = 0; i < villages.length; i += 500) {
      const rows = villages.slice(i, i + 500).map((v) => sql`(${q.condition}, ${q.asOf}, ${v.orgUnit}, ${q.now.toISOString()}, ${sql.join(values(v))})`);
      await sql`INSERT INTO chronic_indicator_rollup (condition, as_of, village, computed_at, ${sql.join(COLUMNS.map((c) => sql.ref(c)))}) VALUES ${sql.join(rows)}`.execute(tx);
    }
  };
  if (ex.isTransaction) await write(ex);
  else await (ex as Exclude<Executor, { isTransaction: true }>).transaction().execute(write);
  return villages.length;
}

/**
 * Fresh: computed less than ROLLUP_MAX_AGE_HOURS before `now`, or computed after the day `asOf`
 * ended in UTC+8 (a past date's figures, complete when computed; later back-dated records are
 * not in them until the next refresh of that date).
 */
export function rollupFresh(computedAt: string, asOf: string, now: Date): boolean {
  const computed = Date.parse(computedAt);
  const dayEnded = Date.parse(`${asOf}T00:00:00Z`) + DAY_MS - CST_MS;
  return now.getTime() - computed < ROLLUP_MAX_AGE_HOURS * 3_600_000 || computed >= dayEnded;
}

/**
 * The indicators of `orgUnit` (or its towns / villages) from the rollup, with the time the
 * rollup was computed (the oldest village row's); null when no rollup exists for (condition, asOf).
 */
export async function rolledUpIndicators(ex: Executor, q: { orgUnit: string; condition: ChronicCategory; asOf: string; groupLength?: number }): Promise<{ computedAt: string; rows: ChronicIndicators[] } | null> {
  const group = q.groupLength ?? q.orgUnit.length;
  const sums = sql.join(COLUMNS.map((c) => sql`sum(${sql.ref(c)}) AS ${sql.ref(c === 'medication' ? 'med' : c)}`));
  const result = await sql<Record<string, unknown>>`
    SELECT substr(village, 1, ${group}) AS grp, min(computed_at) AS computed_at, ${sums}
    FROM chronic_indicator_rollup WHERE condition = ${q.condition} AND as_of = ${q.asOf} AND village LIKE ${`${q.orgUnit.replace(/[\\%_]/g, '\\$&')}%`}
    GROUP BY 1 ORDER BY 1`.execute(ex);
  if (result.rows.length === 0) return null;
  const computedAt = result.rows.map((r) => new Date(r.computed_at as string).toISOString()).sort()[0];
  return { computedAt, rows: result.rows.map((r) => indicatorRow(r, q.condition, q.asOf)) };
}

/** The last day of the month before `date`'s month (YYYY-MM-DD). */
export function previousMonthEnd(date: string): string {
  return new Date(Date.parse(`${date.slice(0, 7)}-01T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

export interface RollupRunSummary {
  asOf: string[];
  villages: number;
  seconds: number;
}

/**
 * The nightly job: refreshes every village's rollup of both programmes for `today` (the run's date
 * in UTC+8) and the last month end (the monthly report), as the system. Idempotent.
 */
export async function refreshChronicRollups(ex: Executor, q: { today: string; now: Date; orgUnit?: string }): Promise<RollupRunSummary> {
  const started = performance.now();
  const asOf = [q.today, previousMonthEnd(q.today)];
  let villages = 0;
  for (const date of asOf) {
    for (const condition of ['hypertension', 'diabetes'] as const) villages += await refreshIndicatorRollup(ex, { orgUnit: q.orgUnit ?? '', condition, asOf: date, now: q.now });
  }
  return { asOf, villages, seconds: (performance.now() - started) / 1000 };
}
