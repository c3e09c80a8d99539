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
import { ptTwoSided } from './glm.js';
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

/** Upper-tail Student-t probability P(T > t) with `df` degrees of freedom (R: 1 − pt(t, df)). */
export function ptUpper(t: number, df: number): number {
  if (Number.isNaN(t)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const two = ptTwoSided(t, df);
  return t >= 0 ? two / 2 : 1 - two / 2;
}

const qtCache = new Map<string, number>();

/** Student-t quantile qt(p, df) for p > 0.5, by bisection on {@link ptUpper} (memoised). */
export function qtUpper(p: number, df: number): number {
  const key = `${p}:${df}`;
  const hit = qtCache.get(key);
  if (hit !== undefined) return hit;
  let lo = 0;
  let hi = 1;
  while (ptUpper(hi, df) > 1 - p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (ptUpper(mid, df) > 1 - p) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  qtCache.set(key, q);
  return q;
}

/** R's round(x, 5) for the positive critical values Rnssp rounds. */
export function round5(x: number): number {
  return Math.round(x * 1e5) / 1e5;
}

/** Rnssp's colour of a p-value: red < 0.01 ≤ yellow < 0.05 ≤ blue. */
export function essenceLevel(p: number): EssenceLevel {
  return p < 0.01 ? 'red' : p < 0.05 ? 'yellow' : 'blue';
}

/** First 0-based period the EWMA evaluates: a 7-period baseline plus the guard band. */
export function ewmaFirstIndex(g: number): number {
  return 7 + g;
}

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

function sd(v: readonly number[], m: number): number {
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/**
 * ESSENCE EWMA with every Rnssp output per evaluated period. Per period t with baseline length n:
 * σⱼ = max(wⱼ/u₀.₀₅·(0.01 + 0.05(1−wⱼ)²), s·√(wⱼ/(2−wⱼ) + 1/n − 2(1−wⱼ)^{g+1}(1−(1−wⱼ)ⁿ)/n) + cⱼ),
 * statistic (zⱼ − ȳ)/σⱼ, p = P(T_{n−1} > statistic), the smaller p of the two EWMAs is reported;
 * a smoothed value beyond the alert limit is pulled back to it (Rnssp `ewma_loop`).
 * Threshold = smallest count that would give a red alert.
 */
export function essenceEwmaDetails(series: CountSeries, options: Partial<EwmaOptions> & { range?: EvaluationRange } = {}): EssenceRow[] {
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
  const positives = raw.filter((v) => v > 0).sort((a, b) => a - b);
  const scale = Math.max(...raw) < 1 && positives.length > 0 ? medianSorted(positives) : 1;
  const y = raw.map((v) => v / scale);

  const z = w.map(() => new Array<number>(N).fill(NaN));
  for (let j = 0; j < 2; j++) {
    z[j][0] = y[0];
    for (let i = 1; i < first; i++) z[j][i] = w[j] * y[i] + (1 - w[j]) * z[j][i - 1];
  }
  const range = options.range ?? { start: first, end: N - 1 };
  if (range.start < first || range.end >= N || range.end < range.start) {
    throw new RangeError(`ewma: range ${range.start}..${range.end} outside the evaluable periods ${first}..${N - 1}`);
  }
  const rows: EssenceRow[] = [];
  for (let i = first; i <= range.end; i++) {
    const n = Math.min(B, i - g);
    const base = y.slice(i - g - n, i - g);
    const expected = mean(base);
    const s = sd(base, expected);
    const df = n - 1;
    const uclAlert = round5(qtUpper(0.99, df));
    const uclWarning = round5(qtUpper(0.95, df));
    let best = { p: Infinity, stat: NaN };
    let bound = Infinity;
    for (let j = 0; j < 2; j++) {
      const wj = w[j];
      // Variance of an EWMA minus a baseline mean separated by a guard band (Rnssp ewma_loop).
      const correction = Math.sqrt(wj / (2 - wj) + 1 / n - (2 * (1 - wj) ** (g + 1) * (1 - (1 - wj) ** n)) / n);
      const minSigma = (wj / uclWarning) * (0.01 + 0.05 * (1 - wj) ** 2);
      const constant = (0.1289 - (0.2414 - 0.1826 * (1 - wj) ** 4) * Math.log(10 * 0.05)) * (wj / uclWarning);
      const sigma = Math.max(minSigma, s * correction + constant);
      const prev = z[j][i - 1];
      z[j][i] = wj * y[i] + (1 - wj) * prev;
      const stat = (z[j][i] - expected) / sigma;
      if (Math.abs(stat) > uclAlert) z[j][i] = expected + Math.sign(stat) * uclAlert * sigma;
      const p = ptUpper(stat, df);
      // Count at which this EWMA would reach p = 0.01 (in the original units).
      bound = Math.min(bound, ((expected + qtUpper(0.99, df) * sigma - (1 - wj) * prev) / wj) * scale);
      // Rnssp keeps the gradual EWMA only when its p-value is strictly smaller.
      if (j === 0 || p <= best.p) best = { p, stat };
    }
    if (i < range.start) continue;
    const level = essenceLevel(best.p);
    rows.push({
      index: i,
      observed: raw[i],
      threshold: bound,
      alarm: level === 'red',
      expected: expected * scale,
      statistic: best.stat,
      pValue: best.p,
      level,
    });
  }
  return rows;
}

function medianSorted(x: readonly number[]): number {
  const m = x.length >> 1;
  return x.length % 2 ? x[m] : (x[m - 1] + x[m]) / 2;
}

/** ESSENCE EWMA as detector rows: alarm = red (p < 0.01), threshold = count needed for red. */
export function essenceEwma(series: CountSeries, options: Partial<EwmaOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  return essenceEwmaDetails(series, options).map(({ index, observed, threshold, alarm }) => ({ index, observed, threshold, alarm }));
}
