/**
 * Farrington et al. (1996), "A statistical algorithm for the early detection of outbreaks of
 * infectious disease", JRSS A 159:547 — with the parameters, defaults and output of R
 * `surveillance`'s `farrington` / `algo.farrington` (>= 1.20).
 */
import { deltaThreshold, enoughCases, trendAllowed, type PowerTransform } from './farrington-core.js';
import { BaselineFitter, fitBaselineIn } from './farrington-fit.js';
import { qnorm } from './glm.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** Options of `farrington`, named and defaulted as R's `control` list. */
export interface FarringtonOptions {
  /** Years back to take reference values from (R default 5). */
  readonly b: number;
  /** Half-width of the reference window around the same week of past years (R default 3). */
  readonly w: number;
  /** Down-weight past outbreaks by Anscombe residuals (R default TRUE). */
  readonly reweight: boolean;
  /** Two-sided (1 − α) prediction interval; its upper end is the threshold (R default 0.05). */
  readonly alpha: number;
  /** Fit a linear trend (only when b ≥ 3), kept only if p < 0.05 and μ̂₀ ≤ max reference count (R default TRUE). */
  readonly trend: boolean;
  /** No alarm with fewer than `limit54[0]` cases in the last `limit54[1]` periods, current included. */
  readonly limit54: readonly [number, number];
  /** Transformation for the normal approximation (R default "2/3"). */
  readonly powertrans: PowerTransform;
}

/** R `surveillance` 1.20 defaults of `algo.farrington` (note: b = 5 and alpha = 0.05 there). */
export const FARRINGTON_DEFAULTS: FarringtonOptions = {
  b: 5,
  w: 3,
  reweight: true,
  alpha: 0.05,
  trend: true,
  limit54: [5, 4],
  powertrans: '2/3',
};

/**
 * R's default `range` for `algo.farrington`: from index b·frequency − w − 1 (0-based; R's
 * `b*freq - w + 1`) to the last period. The first w periods of that range lack some reference
 * values (index < 0); R drops those and fits on the rest, and so does this implementation.
 */
export function farringtonDefaultRange(series: CountSeries, options: Partial<FarringtonOptions> = {}): EvaluationRange {
  const { b, w } = { ...FARRINGTON_DEFAULTS, ...options };
  return { start: Math.max(0, b * series.frequency - w - 1), end: series.observed.length - 1 };
}

/**
 * Reference periods of period t: t − i·frequency + j for i = 1…b, j = −w…w, those with index ≥ 0
 * (Farrington et al. 1996, §3.2). Frequency is the number of periods per year (52 weekly, 12 monthly).
 */
export function farringtonReferenceIndices(t: number, frequency: number, b: number, w: number): number[] {
  const idx: number[] = [];
  for (let i = b; i >= 1; i--)
    for (let j = -w; j <= w; j++) {
      const k = t - i * frequency + j;
      if (k >= 0) idx.push(k);
    }
  return idx;
}

// Writes the reference values of period t (those of farringtonReferenceIndices, same order) into the workspace.
function fillReference(fitter: BaselineFitter, t: number, frequency: number, b: number, w: number): number {
  let n = 0;
  for (let i = b; i >= 1; i--)
    for (let j = -w; j <= w; j++) {
      const k = t - i * frequency + j;
      if (k < 0) continue;
      fitter.index[n] = k;
      fitter.level[n] = 0;
      n++;
    }
  return (fitter.n = n);
}

/**
 * The Farrington (1996) outbreak detector. For each period in `range` (default
 * {@link farringtonDefaultRange}) it fits a quasi-Poisson log-linear model to the reference values,
 * and raises an alarm when the count exceeds the upper end of the prediction interval — unless the
 * low-count rule `limit54` vetoes it (R then reports an upper bound of 0, and so does this).
 * Works for any frequency (52 weekly as in the paper; 12 monthly and 365 daily tested against R).
 */
export function farrington(
  series: CountSeries,
  options: Partial<FarringtonOptions> & { range?: EvaluationRange } = {},
): DetectionRow[] {
  const opt = { ...FARRINGTON_DEFAULTS, ...options };
  const range = options.range ?? farringtonDefaultRange(series, opt);
  const obs = series.observed;
  if (range.start < 0 || range.end >= obs.length || range.start > range.end)
    throw new RangeError(`farrington: range ${range.start}..${range.end} outside the series 0..${obs.length - 1}`);
  // Two-sided interval: z = Φ⁻¹(1 − α/2) (R documentation of algo.farrington, `alpha`).
  const z = qnorm(1 - opt.alpha / 2);
  const settings = { reweight: opt.reweight, weightsThreshold: 1, trend: trendAllowed(opt.trend, opt.b), pThresholdTrend: 0.05 };
  const rows: DetectionRow[] = [];
  // One workspace for the whole series: the reference values of each period are written into it.
  const fitter = new BaselineFitter(obs, opt.b * (2 * opt.w + 1));
  for (let t = range.start; t <= range.end; t++) {
    // R reports an upper bound of 0 (and no alarm) where the low-count rule applies.
    if (!enoughCases(obs, t, opt.limit54)) {
      rows.push({ index: t, observed: obs[t], threshold: 0, alarm: false });
      continue;
    }
    if (fillReference(fitter, t, series.frequency, opt.b, opt.w) === 0)
      throw new RangeError(`farrington: no reference values for period ${t}`);
    const model = fitBaselineIn(fitter, t, settings);
    const threshold = deltaThreshold(model, z, opt.powertrans);
    // A degenerate fit (μ̂₀ underflowing to 0) gives NaN, R's NA: null and no alarm.
    if (!Number.isFinite(threshold)) rows.push({ index: t, observed: obs[t], threshold: null, alarm: false });
    else rows.push({ index: t, observed: obs[t], threshold, alarm: obs[t] > threshold });
  }
  return rows;
}
