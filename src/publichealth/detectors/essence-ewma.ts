/**
 * ESSENCE EWMA detector as CDC's NSSP defines it in the Rnssp package (`alert_ewma`, MIT licence,
 * github.com/CDCgov/Rnssp, R/alert_ewma.R as of 2024): two exponentially weighted moving averages
 * (w1 = 0.4 for gradual, w2 = 0.9 for sudden events) tested against the mean of a baseline that grows
 * from 7 to B = 28 days and ends g = 2 days (guard band) before the test day, with Student-t p-values:
 * red (alert) p < 0.01, yellow (warning) 0.01 ≤ p < 0.05, blue otherwise.
 *
 * Background: Burkom H. (2007) Johns Hopkins APL Tech Dig 27(4):313–331; Fricker R.D. (2013)
 * Introduction to Statistical Methods for Biosurveillance, ch. 7.
 */
import { ptUpper, qtUpper } from './glm-distributions.js';

export { ptUpper, qtUpper };
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** Rnssp's traffic-light levels. */
export type EssenceLevel = 'red' | 'yellow' | 'blue';

/** A row with the ESSENCE outputs; `alarm` is true for red. */
export interface EssenceRow extends DetectionRow {
  readonly expected: number;
  readonly statistic: number;
  readonly pValue: number;
  readonly level: EssenceLevel;
}

/** Parameters of {@link essenceEwma} (Rnssp defaults). */
export interface EwmaOptions {
  /** Maximum baseline length B in periods (default 28). */
  readonly B: number;
  /** Guard band g between baseline and test period (default 2). */
  readonly g: number;
  /** Smoothing coefficient for gradual events (default 0.4). */
  readonly w1: number;
  /** Smoothing coefficient for sudden events (default 0.9). */
  readonly w2: number;
}

/** R's round(x, 5) for the positive critical values Rnssp rounds. */
export function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

/** Rnssp's colour of a p-value: red < 0.01 ≤ yellow < 0.05 ≤ blue. */
export function essenceLevel(p: number): EssenceLevel {
  return p < 0.01 ? 'red' : p < 0.05 ? 'yellow' : 'blue';
}

/**
 * The colour of a statistic whose p-value is P(T_df > stat), without that tail probability where the
 * statistic is clearly on one side of both critical values qt(0.95, df) and qt(0.99, df): P(T > t)
 * strictly decreases in t, so there p < 0.01 ⇔ stat > qt(0.99, df). Within 1e−9 (relative) of a
 * critical value — far beyond the error of the computed tail and of the bisected quantile — and for
 * NaN, the p-value decides as in {@link essenceLevel}. For the detector rows, which carry no p-value.
 */
export function essenceLevelOfStatistic(stat: number, df: number): EssenceLevel {
  const q95 = qtUpper(0.95, df);
  const q99 = qtUpper(0.99, df);
  if (Number.isNaN(stat) || near(stat, q95) || near(stat, q99)) return essenceLevel(ptUpper(stat, df));
  return stat > q99 ? 'red' : stat > q95 ? 'yellow' : 'blue';
}

// |x − q| within 1e−9 relative (a module-level function: no closure per call on a hot path).
function near(x: number, q: number): boolean {
  return Math.abs(x - q) <= 1e-9 * Math.max(1, Math.abs(q));
}

/** First 0-based period the EWMA evaluates: a 7-period baseline plus the guard band. */
export function ewmaFirstIndex(g: number): number {
  return 7 + g;
}

/** Quantities of one baseline length n that do not depend on the data (Rnssp `ewma_loop`). */
interface WindowConstants {
  readonly uclAlert: number;
  /** Unrounded qt(0.99, n − 1), used for the red threshold. */
  readonly q99: number;
  /** √(wⱼ/(2−wⱼ) + 1/n − 2(1−wⱼ)^{g+1}(1−(1−wⱼ)ⁿ)/n) per EWMA. */
  readonly correction: readonly number[];
  /** wⱼ/u₀.₀₅·(0.01 + 0.05(1−wⱼ)²) per EWMA. */
  readonly minSigma: readonly number[];
  /** cⱼ per EWMA. */
  readonly constant: readonly number[];
}

function windowConstants(n: number, g: number, w: readonly number[]): WindowConstants {
  const df = n - 1;
  const uclWarning = round5(qtUpper(0.95, df));
  // Variance of an EWMA minus a baseline mean separated by a guard band (Rnssp ewma_loop).
  const correction = w.map((wj) => Math.sqrt(wj / (2 - wj) + 1 / n - (2 * (1 - wj) ** (g + 1) * (1 - (1 - wj) ** n)) / n));
  const minSigma = w.map((wj) => (wj / uclWarning) * (0.01 + 0.05 * (1 - wj) ** 2));
  const constant = w.map((wj) => (0.1289 - (0.2414 - 0.1826 * (1 - wj) ** 4) * Math.log(10 * 0.05)) * (wj / uclWarning));
  return { uclAlert: round5(qtUpper(0.99, df)), q99: qtUpper(0.99, df), correction, minSigma, constant };
}

/**
 * Rnssp's choice between the two EWMAs: the sudden one (j = 1) when p₁ ≤ p₀, else the gradual one,
 * with that p-value. P(T > t) strictly decreases in t, so when the statistics differ clearly (by more
 * than 1e−4·max(1, |t|), far beyond the error of the computed tail probability) the larger statistic
 * has the smaller p and only its p is computed. Computed p-values can still tie where 1 − P(T ≤ t)
 * rounds to 1 (large negative t), and there Rnssp keeps the sudden EWMA: that case, near-equal
 * statistics and NaN compute both p-values as Rnssp does.
 */
function smallerPValue(stat0: number, stat1: number, df: number): { j: 0 | 1; p: number } {
  const hi = Math.max(stat0, stat1);
  const clear = Math.abs(stat0 - stat1) > 1e-4 * Math.max(1, Math.abs(hi));
  if (clear && stat1 > stat0) return { j: 1, p: ptUpper(stat1, df) };
  if (clear && stat0 > stat1) {
    const p0 = ptUpper(stat0, df);
    if (stat0 >= 0 || p0 < 1 - 1e-9) return { j: 0, p: p0 };
  }
  const p0 = ptUpper(stat0, df);
  const p1 = ptUpper(stat1, df);
  return p1 <= p0 ? { j: 1, p: p1 } : { j: 0, p: p0 };
}

/** Mean of y[from..to) summed left to right (the order of R's and the former reduce-based mean). */
function windowMean(y: Float64Array, from: number, to: number): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += y[k];
  return sum / (to - from);
}

/** Sample standard deviation of y[from..to) around m, summed left to right. */
function windowSd(y: Float64Array, from: number, to: number, m: number): number {
  let sum = 0;
  for (let k = from; k < to; k++) sum += (y[k] - m) ** 2;
  return Math.sqrt(sum / (to - from - 1));
}

/**
 * ESSENCE EWMA with every Rnssp output per evaluated period. Per period t with baseline length n:
 * σⱼ = max(wⱼ/u₀.₀₅·(0.01 + 0.05(1−wⱼ)²), s·√(wⱼ/(2−wⱼ) + 1/n − 2(1−wⱼ)^{g+1}(1−(1−wⱼ)ⁿ)/n) + cⱼ),
 * statistic (zⱼ − ȳ)/σⱼ, p = P(T_{n−1} > statistic), the smaller p of the two EWMAs is reported;
 * a smoothed value beyond the alert limit is pulled back to it (Rnssp `ewma_loop`).
 * Threshold = smallest count that would give a red alert.
 * Periods before the range only advance the EWMAs (the clipping needs the statistic, not its p-value).
 */
export function essenceEwmaDetails(series: CountSeries, options: Partial<EwmaOptions> & { range?: EvaluationRange } = {}): EssenceRow[] {
  return ewmaRows(series, options, true) as EssenceRow[];
}

// The EWMA of essenceEwmaDetails; without `detail` the rows are DetectionRows and a p-value is only
// computed where the statistics alone do not decide the colour (essenceLevelOfStatistic).
function ewmaRows(series: CountSeries, options: Partial<EwmaOptions> & { range?: EvaluationRange }, detail: boolean): DetectionRow[] {
  const B = options.B ?? 28;
  const g = options.g ?? 2;
  const w = [options.w1 ?? 0.4, options.w2 ?? 0.9];
  if (!Number.isInteger(B) || B < 7) throw new RangeError(`ewma: baseline B must be an integer >= 7, got ${B}`);
  if (!Number.isInteger(g) || g < 0) throw new RangeError(`ewma: guard band g must be an integer >= 0, got ${g}`);
  if (w.some((x) => !(x > 0 && x < 1))) throw new RangeError('ewma: smoothing coefficients must lie in (0, 1)');
  const raw = series.observed;
  const N = raw.length;
  const first = ewmaFirstIndex(g);
  if (N < B + g + 1) throw new RangeError(`ewma: needs at least B + g + 1 = ${B + g + 1} periods, got ${N}`);
  // Rnssp rescales percentage series below 1 by the median positive value; counts are unchanged.
  let max = -Infinity;
  for (let i = 0; i < N; i++) max = Math.max(max, raw[i]);
  const scale = max < 1 ? medianPositive(raw) : 1;
  const y = new Float64Array(N);
  for (let i = 0; i < N; i++) y[i] = raw[i] / scale;

  const z = w.map(() => new Float64Array(N).fill(NaN));
  for (let j = 0; j < 2; j++) {
    z[j][0] = y[0];
    for (let i = 1; i < first; i++) z[j][i] = w[j] * y[i] + (1 - w[j]) * z[j][i - 1];
  }
  const range = options.range ?? { start: first, end: N - 1 };
  if (range.start < first || range.end >= N || range.end < range.start) {
    throw new RangeError(`ewma: range ${range.start}..${range.end} outside the evaluable periods ${first}..${N - 1}`);
  }
  // Baseline lengths run 7..B: their constants depend only on the window geometry.
  const constants: WindowConstants[] = [];
  for (let n = 7; n <= B; n++) constants[n] = windowConstants(n, g, w);
  const rows: (DetectionRow | EssenceRow)[] = [];
  const stats = [NaN, NaN];
  const sigmas = [NaN, NaN];
  for (let i = first; i <= range.end; i++) {
    const n = Math.min(B, i - g);
    const expected = windowMean(y, i - g - n, i - g);
    const s = windowSd(y, i - g - n, i - g, expected);
    const k = constants[n];
    for (let j = 0; j < 2; j++) {
      const wj = w[j];
      const sigma = Math.max(k.minSigma[j], s * k.correction[j] + k.constant[j]);
      const zj = z[j];
      zj[i] = wj * y[i] + (1 - wj) * zj[i - 1];
      const stat = (zj[i] - expected) / sigma;
      if (Math.abs(stat) > k.uclAlert) zj[i] = expected + Math.sign(stat) * k.uclAlert * sigma;
      stats[j] = stat;
      sigmas[j] = sigma;
    }
    if (i < range.start) continue;
    let bound = Infinity;
    for (let j = 0; j < 2; j++) {
      // Count at which this EWMA would reach p = 0.01 (in the original units).
      bound = Math.min(bound, ((expected + k.q99 * sigmas[j] - (1 - w[j]) * z[j][i - 1]) / w[j]) * scale);
    }
    if (!detail && !Number.isNaN(stats[0]) && !Number.isNaN(stats[1])) {
      // The smaller p-value belongs to the larger statistic (see smallerPValue), and so does its colour.
      const alarm = essenceLevelOfStatistic(Math.max(stats[0], stats[1]), n - 1) === 'red';
      rows.push({ index: i, observed: raw[i], threshold: bound, alarm });
      continue;
    }
    const best = smallerPValue(stats[0], stats[1], n - 1);
    const bestStat = stats[best.j];
    const bestP = best.p;
    const level = essenceLevel(bestP);
    if (!detail) {
      rows.push({ index: i, observed: raw[i], threshold: bound, alarm: level === 'red' });
      continue;
    }
    rows.push({
      index: i,
      observed: raw[i],
      threshold: bound,
      alarm: level === 'red',
      expected: expected * scale,
      statistic: bestStat,
      pValue: bestP,
      level,
    });
  }
  return rows;
}

/** Median of the positive values (1 when there are none). */
function medianPositive(raw: readonly number[]): number {
  const x = raw.filter((v) => v > 0).sort((a, b) => a - b);
  if (x.length === 0) return 1;
  const m = x.length >> 1;
  return x.length % 2 ? x[m] : (x[m - 1] + x[m]) / 2;
}

/** ESSENCE EWMA as detector rows: alarm = red (p < 0.01), threshold = count needed for red. */
export function essenceEwma(series: CountSeries, options: Partial<EwmaOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  return ewmaRows(series, options, false);
}
