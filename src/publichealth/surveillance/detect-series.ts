/**
 * One detection step (pure): a daily count series of one disease × org unit ending on the run date,
 * the configured method, and what it says about the run date (or, for the weekly Farrington family,
 * the last complete Monday–Sunday week ending on or before it).
 *
 * - Memoryless methods (EARS, ESSENCE, CIDARS MPM, Farrington) evaluate only the last period.
 * - Charts that accumulate evidence (cusum, glrnb) run over the last year (or the second half of a
 *   shorter series); their in-control level comes from the periods before (R's default for glrnb:
 *   a Poisson GLM with one yearly harmonic, or a constant mean when less than a year is available).
 * - A signal needs the compared count (the day's count; MPM: the window total; weekly: the week's)
 *   to reach max(1, minCount): a period without cases never signals (docs/surveillance.md, "n≥k").
 */
import { getDetector, glrnb, type DetectorParams, type Frequency } from '../detectors/index.js';
import { isoWeekday, toWeekly } from '../aggregation/index.js';
import { isWeekly, type DetectionConfig } from './diseases.js';

export interface SeriesVerdict {
  /** 'signal' (alarm and count >= minCount), 'quiet', or 'skipped' (no cases, or the method could not run). */
  outcome: 'signal' | 'quiet' | 'skipped';
  reason?: string;
  frequency: Frequency;
  /** Day numbers (days since 1970-01-01) of the evaluated period and of the cases behind `observed`. */
  periodStart: number;
  periodEnd: number;
  casesFrom: number;
  casesTo: number;
  observed: number;
  threshold: number | null;
  alarm: boolean;
  /** The series the method saw: first period's day number and counts (days or weeks). */
  seriesStart: number;
  series: number[];
  parameters: Record<string, unknown>;
}

/**
 * First day of the counts a method compares on run day `runDay` (to the run day, or for weekly methods
 * to the end of the last complete Monday–Sunday week): series without a case in it cannot signal.
 */
export function comparedFrom(config: DetectionConfig, runDay: number): number {
  if (isWeekly(config.method)) return runDay - (isoWeekday(runDay) % 7) - 6;
  return runDay - (config.method === 'mpm' ? (config.params?.baseline ?? 7) : 1) + 1;
}

/** Rows evaluated by accumulating charts: the last year, or the second half of a shorter series. */
function chartRange(n: number, frequency: number): { start: number; end: number } {
  return { start: Math.max(1, n - Math.min(frequency, Math.floor(n / 2))), end: n - 1 };
}

/**
 * Evaluates `config` on `daily` (counts of days startDay … startDay + daily.length − 1, the last day
 * being the run date).
 */
export function detectSeries(config: DetectionConfig, daily: ArrayLike<number>, startDay: number): SeriesVerdict {
  const runDay = startDay + daily.length - 1;
  const p = config.params ?? {};
  const minCount = Math.max(1, config.minCount ?? 1);
  const parameters: Record<string, unknown> = { level: config.level, ...p, minCount };
  const base = { parameters, alarm: false, threshold: null as number | null };

  if (config.method === 'fixed') {
    const observed = daily[daily.length - 1] ?? 0;
    const threshold = p.threshold ?? 1;
    const alarm = observed >= threshold;
    return {
      ...base,
      outcome: alarm && observed >= minCount ? 'signal' : observed === 0 ? 'skipped' : 'quiet',
      frequency: 365,
      periodStart: runDay,
      periodEnd: runDay,
      casesFrom: runDay,
      casesTo: runDay,
      observed,
      threshold,
      alarm,
      seriesStart: runDay,
      series: [observed],
    };
  }

  const weekly = isWeekly(config.method);
  let counts: number[];
  let seriesStart: number;
  let step: number;
  if (weekly) {
    const w = toWeekly(daily, startDay);
    counts = Array.from(w.counts);
    seriesStart = w.firstDay;
    step = 7;
  } else {
    counts = Array.from(daily);
    seriesStart = startDay;
    step = 1;
  }
  const frequency: Frequency = weekly ? 52 : 365;
  const n = counts.length;
  const periodStart = seriesStart + (n - 1) * step;
  const periodEnd = periodStart + step - 1;
  const window = config.method === 'mpm' ? (p.baseline ?? 7) : 1;
  const casesFrom = periodEnd - window * step + 1;
  let compared = 0;
  for (let i = Math.max(0, n - window); i < n; i++) compared += counts[i];
  const verdict = { ...base, frequency, periodStart, periodEnd, casesFrom, casesTo: periodEnd, observed: compared, seriesStart, series: counts };
  if (n < 2) return { ...verdict, outcome: 'skipped', reason: 'no complete period' };
  if (compared === 0) return { ...verdict, outcome: 'skipped', reason: 'no cases' };

  const accumulating = config.method === 'glrnb' || config.method === 'cusum';
  const params: DetectorParams = {
    alpha: p.alpha,
    baseline: p.baseline,
    minSigma: p.minSigma,
    b: p.b,
    w: p.w,
    thresholdMethod: p.thresholdMethod,
    k: p.k,
    h: p.h,
    startWeekday: isoWeekday(seriesStart),
    range: accumulating ? chartRange(n, frequency) : { start: n - 1, end: n - 1 },
  };
  let row;
  try {
    const series = { observed: counts, frequency };
    // glrnb's default in-control model has a yearly harmonic; fitted to less than a year it extrapolates
    // wildly, so a shorter history gets a constant mean (S = 0, Höhle & Paul 2008 §2 with no season).
    const shortGlr = config.method === 'glrnb' && params.range && params.range.start < frequency;
    if (shortGlr) parameters.mu0 = { S: 0, trend: false };
    const rows = shortGlr ? glrnb(series, { cARL: p.h ?? 5, mu0: { S: 0, trend: false }, range: params.range }) : getDetector(config.method)(series, params);
    row = rows[rows.length - 1];
  } catch (err) {
    return { ...verdict, outcome: 'skipped', reason: err instanceof Error ? err.message : String(err) };
  }
  if (!row || row.index !== n - 1) return { ...verdict, outcome: 'skipped', reason: 'the method did not evaluate the run date' };
  const threshold = row.threshold !== null && Number.isFinite(row.threshold) ? row.threshold : null;
  return {
    ...verdict,
    observed: row.observed,
    threshold,
    alarm: row.alarm,
    outcome: row.alarm && compared >= minCount ? 'signal' : 'quiet',
  };
}
