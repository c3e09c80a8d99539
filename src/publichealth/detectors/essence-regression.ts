/**
 * ESSENCE adaptive multiple regression and the Regression/EWMA switch, as CDC's NSSP defines them in
 * the Rnssp package (`alert_regression`, `alert_switch`; MIT licence, github.com/CDCgov/Rnssp, 2024):
 * a linear model with trend and day-of-week terms is fitted to a baseline that grows from 11 to
 * B = 28 days ending g = 2 days before the test day; the forecast is compared with the observation by
 * a Student-t test (red p < 0.01, yellow p < 0.05). Like Rnssp (and unlike ESSENCE's Regression 1.2)
 * federal holidays are not modelled. The switch uses the regression when its adjusted R² ≥ 0.60 and
 * the EWMA otherwise. Daily data only.
 *
 * Background: Burkom H. (2007) Johns Hopkins APL Tech Dig 27(4):313–331; Fricker R.D. (2013) ch. 5.
 */
import { essenceEwmaDetails, essenceLevel, essenceLevelOfStatistic, ewmaFirstIndex, ptUpper, qtUpper, round5, type EssenceRow, type EwmaOptions } from './essence-ewma.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** Parameters of {@link essenceRegression}. */
export interface RegressionOptions {
  /** Maximum baseline length in days, a multiple of 7 (default 28). */
  readonly B: number;
  /** Guard band in days (default 2). */
  readonly g: number;
  /** ISO weekday (1 = Monday … 7 = Sunday) of the first observation; required to place the weekday terms. */
  readonly startWeekday: number;
}

/** A regression row with its adjusted R² (the switch's criterion). */
export interface RegressionRow extends EssenceRow {
  readonly adjustedRSquared: number;
}

/**
 * (X'X)⁻¹ of the regression design for a baseline of n days whose first day is ISO weekday `first`:
 * rows (1, t, [d = Mon], …, [d = Sat]), t = 1…n. It depends only on (n, first), so it is computed once
 * per pair (Gauss–Jordan with partial pivoting) and each day's fit is (X'X)⁻¹X'y, O(n) instead of
 * building and eliminating the normal equations again. With n ≥ 11 every weekday occurs, so X has
 * full rank (8).
 */
function designInverse(n: number, first: number): number[][] {
  const p = 8;
  const a: number[][] = Array.from({ length: p }, (_, r) => {
    const row = new Array<number>(2 * p).fill(0);
    row[p + r] = 1;
    return row;
  });
  for (let k = 0; k < n; k++) {
    const d = weekday(first, k);
    const cols = d < 7 ? [0, 1, d + 1] : [0, 1];
    const vals = d < 7 ? [1, k + 1, 1] : [1, k + 1];
    for (let u = 0; u < cols.length; u++) for (let v = 0; v < cols.length; v++) a[cols[u]][cols[v]] += vals[u] * vals[v];
  }
  for (let c = 0; c < p; c++) {
    let best = c;
    for (let k = c + 1; k < p; k++) if (Math.abs(a[k][c]) > Math.abs(a[best][c])) best = k;
    [a[c], a[best]] = [a[best], a[c]];
    const piv = a[c][c];
    for (let m = 0; m < 2 * p; m++) a[c][m] /= piv;
    for (let k = 0; k < p; k++) {
      if (k === c) continue;
      const f = a[k][c];
      if (f !== 0) for (let m = 0; m < 2 * p; m++) a[k][m] -= f * a[c][m];
    }
  }
  return a.map((row) => row.slice(p));
}

/** Cache of {@link designInverse} by (n, first weekday), flat row-major 8 × 8: at most B − 10 lengths × 7 weekdays. */
const inverses = new Map<number, Float64Array>();
function cachedInverse(n: number, first: number): Float64Array {
  const key = n * 8 + first;
  let inv = inverses.get(key);
  if (!inv) inverses.set(key, (inv = Float64Array.from(designInverse(n, first).flat())));
  return inv;
}

/** ISO weekday (1–7) of period i of a daily series whose first day is `startWeekday`. */
function weekday(startWeekday: number, i: number): number {
  return ((startWeekday - 1 + i) % 7) + 1;
}

/** First 0-based period the regression evaluates (an 11-day baseline plus the guard band). */
export function regressionFirstIndex(g: number): number {
  return 11 + g;
}

/**
 * Rnssp `alert_regression`: per test day i with baseline length n = min(B, i − g), fit
 * y = β₀ + β₁·t + Σ_{Mon..Sat} δ_d (t = 1…n within the baseline), forecast at t = n + g + 1,
 * σ = max(√MSE·√((n+7)(n−4)/(n(n−7))), 0.01/u₀.₀₅), statistic (y − max(0, forecast))/σ,
 * p = P(T_{n−8} > statistic). Then Rnssp's clean-up: a non-blue day below its trailing 7-day mean turns
 * blue on weekdays, and on weekends when also below the mean of the last 7 same weekdays.
 * Threshold = forecast + t₀.₉₉·σ (the count for a red alert).
 */
export function essenceRegressionDetails(
  series: CountSeries,
  options: Partial<RegressionOptions> & { range?: EvaluationRange } = {},
): RegressionRow[] {
  return regressionRows(series, options, true) as RegressionRow[];
}

// The regression of essenceRegressionDetails; without `detail` the rows are DetectionRows and a p-value
// is only computed where the statistic alone does not decide the colour (essenceLevelOfStatistic).
function regressionRows(series: CountSeries, options: Partial<RegressionOptions> & { range?: EvaluationRange }, detail: boolean): DetectionRow[] {
  const B = options.B ?? 28;
  const g = options.g ?? 2;
  const startWeekday = options.startWeekday ?? 1;
  if (series.frequency !== 365) throw new RangeError('regression: the ESSENCE regression needs daily data (frequency 365)');
  if (!Number.isInteger(B) || B < 14 || B % 7 !== 0) throw new RangeError(`regression: B must be a multiple of 7 and >= 14, got ${B}`);
  if (!Number.isInteger(g) || g < 0) throw new RangeError(`regression: guard band g must be an integer >= 0, got ${g}`);
  if (!Number.isInteger(startWeekday) || startWeekday < 1 || startWeekday > 7) throw new RangeError('regression: startWeekday must be 1..7');
  const y = series.observed;
  const N = y.length;
  if (N < B + g + 1) throw new RangeError(`regression: needs at least B + g + 1 = ${B + g + 1} days, got ${N}`);
  const first = regressionFirstIndex(g);
  const range = options.range ?? { start: first, end: N - 1 };
  if (range.start < first || range.end >= N || range.end < range.start) {
    throw new RangeError(`regression: range ${range.start}..${range.end} outside the evaluable periods ${first}..${N - 1}`);
  }
  const rows: (DetectionRow | RegressionRow)[] = [];
  const xty = new Float64Array(8);
  const beta = new Float64Array(8);
  // β₀ + β₁·t + δ_d of baseline day k (t = k + 1; Sunday, d = 7, is the reference day).
  const fit = (k: number, d: number): number => beta[0] + (k + 1) * beta[1] + (d < 7 ? beta[d + 1] : 0);
  for (let i = range.start; i <= range.end; i++) {
    const n = Math.min(B, i - g);
    const from = i - g - n;
    const first = weekday(startWeekday, from);
    // X'y over the baseline: columns intercept, time, Monday…Saturday (Sunday is the reference day).
    xty.fill(0);
    for (let k = 0, d = first; k < n; k++, d = d === 7 ? 1 : d + 1) {
      const v = y[from + k];
      xty[0] += v;
      xty[1] += (k + 1) * v;
      if (d < 7) xty[d + 1] += v;
    }
    const inv = cachedInverse(n, first);
    for (let r = 0; r < 8; r++) {
      let b = 0;
      for (let c = 0; c < 8; c++) b += inv[r * 8 + c] * xty[c];
      beta[r] = b;
    }
    let rss = 0;
    let fSum = 0;
    for (let k = 0, d = first; k < n; k++, d = d === 7 ? 1 : d + 1) {
      const f = fit(k, d);
      rss += (y[from + k] - f) ** 2;
      fSum += f;
    }
    const fMean = fSum / n;
    let mss = 0;
    for (let k = 0, d = first; k < n; k++, d = d === 7 ? 1 : d + 1) mss += (fit(k, d) - fMean) ** 2;
    const df = n - 8;
    const r2 = mss / (rss + mss);
    const r2adj = 1 - (1 - r2) * ((n - 1) / df);
    const sigma = Math.max(Math.sqrt(rss / df) * Math.sqrt(((n + 7) * (n - 4)) / (n * (n - 7))), 0.01 / round5(qtUpper(0.95, df)));
    const dow = weekday(startWeekday, i);
    const forecast = beta[0] + (n + g + 1) * beta[1] + (dow < 7 ? beta[dow + 1] : 0);
    const expected = Math.max(0, forecast);
    const statistic = (y[i] - expected) / sigma;
    const pValue = detail ? ptUpper(statistic, df) : NaN;
    let level = detail ? essenceLevel(pValue) : essenceLevelOfStatistic(statistic, df);
    if (level !== 'blue' && i >= 6 && y[i] < trailingMean(y, i, 1)) {
      const weekend = dow === 6 || dow === 7;
      const sameDay = i >= 42 ? trailingMean(y, i, 7) : NaN;
      if (!weekend || y[i] < sameDay) level = 'blue';
    }
    const threshold = expected + qtUpper(0.99, df) * sigma;
    if (!detail) {
      rows.push({ index: i, observed: y[i], threshold, alarm: level === 'red' });
      continue;
    }
    rows.push({
      index: i,
      observed: y[i],
      threshold,
      alarm: level === 'red',
      expected,
      statistic,
      pValue,
      level,
      adjustedRSquared: Number.isNaN(r2adj) ? 0 : r2adj,
    });
  }
  return rows;
}

/** Mean of y[i], y[i−step], … (7 values). */
function trailingMean(y: readonly number[], i: number, step: number): number {
  let s = 0;
  for (let k = 0; k < 7; k++) s += y[i - k * step];
  return s / 7;
}

/** ESSENCE adaptive regression as detector rows: alarm = red, threshold = count needed for red. */
export function essenceRegression(series: CountSeries, options: Partial<RegressionOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  return regressionRows(series, options, false);
}

/**
 * Rnssp `alert_switch`: the regression result where its adjusted R² ≥ 0.60, the EWMA result elsewhere
 * (including the first days, before the regression's 11-day baseline exists).
 */
export function essenceSwitchDetails(
  series: CountSeries,
  options: Partial<RegressionOptions & EwmaOptions> & { range?: EvaluationRange } = {},
): (EssenceRow & { readonly detector: 'regression' | 'ewma' })[] {
  const g = options.g ?? 2;
  const ewma = essenceEwmaDetails(series, { ...options, range: undefined });
  const regFirst = regressionFirstIndex(g);
  const reg = essenceRegressionDetails(series, { ...options, range: undefined });
  const start = options.range?.start ?? ewmaFirstIndex(g);
  const end = options.range?.end ?? series.observed.length - 1;
  const out: (EssenceRow & { readonly detector: 'regression' | 'ewma' })[] = [];
  for (const e of ewma) {
    if (e.index < start || e.index > end) continue;
    const r = e.index >= regFirst ? reg[e.index - regFirst] : undefined;
    out.push(r && r.adjustedRSquared >= 0.6 ? { ...r, detector: 'regression' } : { ...e, detector: 'ewma' });
  }
  return out;
}
