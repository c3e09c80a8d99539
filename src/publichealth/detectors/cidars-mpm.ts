/**
 * Moving percentile method (MPM) of CIDARS, China's Infectious Disease Automated-alert and Response
 * System: the count of the current moving window is compared with a percentile of the counts of the
 * same window and its adjacent windows in the previous years.
 *
 * Sources: Yang W., Li Z., Lan Y. et al. (2011) A nationwide web-based automated system for outbreak
 * early detection and rapid response in China, Western Pac Surveill Response J 2(1):10–15;
 * Li Z., Lai S., Zhang H. et al. (2014) Hand, foot and mouth disease in China: evaluating an automated
 * system for the detection of outbreaks, Bull World Health Organ 92:656–663; Wang R. et al. (2017)
 * BMC Public Health 17:541 (choice of the percentile, P40–P95).
 */
import { assertRange } from './range.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** Parameters of {@link cidarsMpm}. */
export interface MpmOptions {
  /** Length of the moving window in periods (default 7 for daily data — CIDARS' 7-day window — and 1 for weekly). */
  readonly window: number;
  /** Number of adjacent windows on each side of the same window in each past year (default 1: before, same, after). */
  readonly adjacent: number;
  /** Number of past years in the baseline (default 3, as CIDARS). */
  readonly years: number;
  /** Percentile of the baseline used as threshold, in (0, 1) (default 0.5, CIDARS' national P50). */
  readonly percentile: number;
}

/**
 * Sample quantile with linear interpolation between order statistics (Hyndman & Fan 1996 type 7,
 * R's default `quantile`): Q(p) = x₍ⱼ₎ + (h − ⌊h⌋)(x₍ⱼ₊₁₎ − x₍ⱼ₎), h = (n − 1)p.
 */
export function quantileType7(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('quantile of an empty sample');
  return sortedQuantileType7(Float64Array.from(values).sort(), p);
}

// quantileType7 of values already in ascending order (a typed array sorts numerically, in place).
function sortedQuantileType7(x: Float64Array, p: number): number {
  const h = (x.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo] + (h - lo) * (x[hi] - x[lo]);
}

/** Resolved MPM parameters for a series (defaults depend on the frequency). */
export function mpmDefaults(series: CountSeries, options: Partial<MpmOptions> = {}): MpmOptions {
  return {
    window: options.window ?? (series.frequency === 365 ? 7 : 1),
    adjacent: options.adjacent ?? 1,
    years: options.years ?? 3,
    percentile: options.percentile ?? 0.5,
  };
}

/** First 0-based index with a complete baseline: the earliest window of the oldest year must start at 0. */
export function mpmFirstIndex(series: CountSeries, options: MpmOptions): number {
  return options.years * series.frequency + options.adjacent * options.window + options.window - 1;
}

/**
 * CIDARS moving percentile method. For period t the observed value is the window total
 * C(t) = Σ_{i=t−L+1}^{t} y_i; the baseline holds C(t − j·f + o·L) for past years j = 1…years and
 * window offsets o = −adjacent…adjacent (f = frequency: 365 days or 52 weeks; leap days are ignored,
 * as R `surveillance` ignores 53-week years). Threshold = the chosen percentile of the baseline;
 * alarm when C(t) exceeds it (Yang et al. 2011, §Methods).
 *
 * Rows report the window total as `observed` (the quantity compared), not the single-period count.
 *
 * @param series observed counts
 * @param options window, adjacent, years, percentile and the evaluation range (default: from the first period with a full baseline)
 */
export function cidarsMpm(series: CountSeries, options: Partial<MpmOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  const opts = mpmDefaults(series, options);
  const { window: L, adjacent, years, percentile } = opts;
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`mpm: window must be a positive integer, got ${L}`);
  if (!Number.isInteger(adjacent) || adjacent < 0) throw new RangeError(`mpm: adjacent must be an integer >= 0, got ${adjacent}`);
  if (!Number.isInteger(years) || years < 1) throw new RangeError(`mpm: years must be a positive integer, got ${years}`);
  if (!(percentile > 0 && percentile < 1)) throw new RangeError(`mpm: percentile must lie in (0, 1), got ${percentile}`);
  if (adjacent * L >= series.frequency) throw new RangeError('mpm: adjacent windows must stay within one year');
  const y = series.observed;
  const first = mpmFirstIndex(series, opts);
  const range = options.range ?? { start: first, end: y.length - 1 };
  assertRange('mpm', range, y.length, first);
  // Prefix sums give every window total in O(1).
  const prefix = [0];
  for (const v of y) prefix.push(prefix[prefix.length - 1] + v);
  const windowTotal = (end: number): number => prefix[end + 1] - prefix[end + 1 - L];
  const rows: DetectionRow[] = [];
  const baseline = new Float64Array(years * (2 * adjacent + 1));
  for (let t = range.start; t <= range.end; t++) {
    let n = 0;
    for (let j = 1; j <= years; j++) {
      for (let o = -adjacent; o <= adjacent; o++) baseline[n++] = windowTotal(t - j * series.frequency + o * L);
    }
    const current = windowTotal(t);
    const threshold = sortedQuantileType7(baseline.sort(), percentile);
    rows.push({ index: t, observed: current, threshold, alarm: current > threshold });
  }
  return rows;
}
