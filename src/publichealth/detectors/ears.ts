/**
 * EARS C1, C2 and C3 (CDC Early Aberration Reporting System) with the extensions of R
 * `surveillance::earsC` (>= 1.20): configurable baseline length, minimum sigma and alpha.
 *
 * Sources: Hutwagner L. et al. (2003) J Urban Health 80(suppl 1):i89–96; Fricker R.D., Hegler B.L.,
 * Dunfee D.A. (2008) Stat Med 27:3407–3429; Salmon M., Schumacher D., Höhle M. (2016) J Stat Softw
 * 70(10) and the `earsC` documentation. Written from these descriptions; R was used only to compare
 * outputs (see scripts/r/surveillance-reference-ears-cusum-glr.R).
 */
import { qnorm } from './glm.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** Which EARS chart. */
export type EarsMethod = 'C1' | 'C2' | 'C3';

/** Parameters of {@link earsC}; defaults are those of R `earsC`. */
export interface EarsOptions {
  readonly method: EarsMethod;
  /** Number of past periods in the sliding baseline (R default 7). */
  readonly baseline: number;
  /** Lower bound on the baseline standard deviation (R default 0; Burkom suggests 0.5 or 1 for sparse data). */
  readonly minSigma: number;
  /** Alarm quantile level; default 0.001 for C1/C2 and 0.025 for C3 (CDC's choices). */
  readonly alpha: number;
}

/** Default alpha of each method, as in R `earsC`. */
export function earsDefaultAlpha(method: EarsMethod): number {
  return method === 'C3' ? 0.025 : 0.001;
}

/** Guard band between the baseline and the assessed period: none for C1, two periods for C2/C3. */
function lag(method: EarsMethod): number {
  return method === 'C1' ? 0 : 2;
}

/** First 0-based index a method can evaluate (R: baseline+1, baseline+3, baseline+5, 1-based). */
export function earsFirstIndex(method: EarsMethod, baseline: number): number {
  return baseline + (method === 'C1' ? 0 : method === 'C2' ? 2 : 4);
}

interface Moments {
  readonly mean: number;
  readonly sigma: number;
}

/** Mean and sample SD (floored at minSigma) of the `baseline` periods t−gap−baseline … t−gap−1. */
function baselineMoments(y: readonly number[], t: number, baseline: number, gap: number, minSigma: number): Moments {
  const from = t - gap - baseline;
  const to = t - gap - 1;
  let sum = 0;
  for (let i = from; i <= to; i++) sum += y[i];
  const mean = sum / baseline;
  let ss = 0;
  for (let i = from; i <= to; i++) ss += (y[i] - mean) ** 2;
  // Fricker et al. 2008 eq. for S_1(t)/S_2(t): sample SD with divisor baseline − 1; earsC floors it at minSigma.
  const sd = Math.sqrt(ss / (baseline - 1));
  return { mean, sigma: Math.max(sd, minSigma) };
}

/** C2 statistic (y_t − Ȳ₂(t)) / S₂(t) — Fricker et al. 2008, §2.1. */
function c2Statistic(y: readonly number[], t: number, baseline: number, minSigma: number): number {
  const { mean, sigma } = baselineMoments(y, t, baseline, 2, minSigma);
  return (y[t] - mean) / sigma;
}

/**
 * EARS C1/C2/C3 as R `earsC` computes them.
 *
 * - C1/C2: upper bound Ȳ + z₁₋α·S (Fricker et al. 2008; earsC docs), alarm when y > upper bound.
 * - C3: R's upper bound is y_t + S₂(t)·(z₁₋α − Σ_{i=t−2}^{t−1} max(0, C₂(i) − 1)), floored at 0, alarm
 *   when y exceeds it — i.e. the alarm depends on the two previous C2 exceedances. This reproduces
 *   R `surveillance` 1.20 output exactly (its documented formula has Ȳ₂(t) in place of y_t, but the
 *   values R returns do not); NaN (e.g. 0·∞ on an all-zero baseline) gives a null threshold.
 *
 * @param series observed counts (frequency is not used by EARS)
 * @param options method, baseline, minSigma, alpha, and the evaluation range (default: every
 *   period from the first one with a full baseline to the end, as R does with `range = NULL`)
 * @returns one row per evaluated period
 */
export function earsC(series: CountSeries, options: Partial<EarsOptions> & { range?: EvaluationRange } = {}): DetectionRow[] {
  const method = options.method ?? 'C1';
  const baseline = options.baseline ?? 7;
  const minSigma = options.minSigma ?? 0;
  const alpha = options.alpha ?? earsDefaultAlpha(method);
  if (!Number.isInteger(baseline) || baseline < 2) throw new RangeError(`earsC: baseline must be an integer >= 2, got ${baseline}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`earsC: alpha must lie in (0, 1), got ${alpha}`);
  if (!(minSigma >= 0)) throw new RangeError(`earsC: minSigma must be >= 0, got ${minSigma}`);
  const y = series.observed;
  const first = earsFirstIndex(method, baseline);
  const range = options.range ?? { start: first, end: y.length - 1 };
  if (range.start < first) {
    throw new RangeError(`earsC ${method}: the first evaluable period is index ${first} (baseline ${baseline}), got ${range.start}`);
  }
  if (range.end >= y.length || range.end < range.start) throw new RangeError(`earsC: range ${range.start}..${range.end} outside the series`);
  // z_{1−α}: the (1−α) standard normal quantile (earsC docs: C_i(t) >= z_{1−α} raises an alarm).
  const z = qnorm(1 - alpha);
  const rows: DetectionRow[] = [];
  for (let t = range.start; t <= range.end; t++) {
    let threshold: number;
    if (method === 'C3') {
      const { sigma } = baselineMoments(y, t, baseline, 2, minSigma);
      // C3 carries the C2 exceedances of the two previous periods (Hutwagner et al. 2003; Fricker 2008 §2.1).
      const carried =
        Math.max(0, c2Statistic(y, t - 1, baseline, minSigma) - 1) + Math.max(0, c2Statistic(y, t - 2, baseline, minSigma) - 1);
      threshold = y[t] + sigma * (z - carried);
      if (threshold < 0) threshold = 0;
    } else {
      const { mean, sigma } = baselineMoments(y, t, baseline, lag(method), minSigma);
      // U(t) = Ȳ(t) + z_{1−α} S(t) (earsC docs, Fricker et al. 2008).
      threshold = mean + z * sigma;
    }
    const defined = !Number.isNaN(threshold);
    rows.push({ index: t, observed: y[t], threshold: defined ? threshold : null, alarm: defined && y[t] > threshold });
  }
  return rows;
}
