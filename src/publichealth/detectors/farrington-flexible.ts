/**
 * The improved Farrington algorithm of Noufaily et al. (2013), "An improved algorithm for outbreak
 * detection in multiple surveillance systems", Stat Med 32:1206 — with the parameters, defaults
 * and output of R `surveillance`'s `farringtonFlexible` (>= 1.20), and the Noufaily preset.
 */
import {
  deltaThreshold,
  enoughCases,
  muanThreshold,
  nbPluginThreshold,
  trendAllowed,
  type Baseline,
  type PowerTransform,
} from './farrington-core.js';
import { BaselineFitter, fitBaselineIn } from './farrington-fit.js';
import { qnorm } from './glm.js';
import type { CountSeries, DetectionRow, EvaluationRange } from './types.js';

/** How the upper bound is derived from the fitted baseline. */
export type ThresholdMethod = 'delta' | 'nbPlugin' | 'muan';

/** Options of `farringtonFlexible`, named and defaulted as R's `control` list. */
export interface FarringtonFlexibleOptions {
  /** Years back to take reference values from (R default 5). */
  readonly b: number;
  /** Half-width of the window around the same period of past years (R default 3). */
  readonly w: number;
  /** Down-weight past outbreaks by Anscombe residuals (R default TRUE). */
  readonly reweight: boolean;
  /** Residuals above this are down-weighted (R default 2.58; 1 reproduces Farrington 1996). */
  readonly weightsThreshold: number;
  /** One-sided: the threshold is the (1 − α) quantile of the predictive distribution (R default 0.05). */
  readonly alpha: number;
  /** Fit a linear trend, only when b ≥ 3 (R default TRUE). */
  readonly trend: boolean;
  /** Keep the trend when its p-value is below this (R default 0.05; Noufaily advises 1). */
  readonly pThresholdTrend: number;
  /** No threshold and no alarm with fewer than `limit54[0]` cases in the last `limit54[1]` periods. */
  readonly limit54: readonly [number, number];
  /** Transformation for thresholdMethod "delta" (R default "2/3"). */
  readonly powertrans: PowerTransform;
  /** Levels of the seasonal factor; 1 uses Farrington's reference windows only (R default 1). */
  readonly noPeriods: number;
  /** Most recent periods left out of the baseline; null means w (R default NULL). */
  readonly pastWeeksNotIncluded: number | null;
  /** R default "delta". */
  readonly thresholdMethod: ThresholdMethod;
}

/** R `surveillance` 1.20 defaults of `farringtonFlexible`. */
export const FARRINGTON_FLEXIBLE_DEFAULTS: FarringtonFlexibleOptions = {
  b: 5,
  w: 3,
  reweight: true,
  weightsThreshold: 2.58,
  alpha: 0.05,
  trend: true,
  pThresholdTrend: 0.05,
  limit54: [5, 4],
  powertrans: '2/3',
  noPeriods: 1,
  pastWeeksNotIncluded: null,
  thresholdMethod: 'delta',
};

/** The settings Noufaily et al. (2013) recommend, as the R documentation lists them. */
export const NOUFAILY_PRESET: Partial<FarringtonFlexibleOptions> = {
  noPeriods: 10,
  w: 3,
  weightsThreshold: 2.58,
  pastWeeksNotIncluded: 26,
  pThresholdTrend: 1,
  thresholdMethod: 'nbPlugin',
};

/** R's default `range` of `farringtonFlexible`: from index b·frequency + w (0-based) to the last period. */
export function farringtonFlexibleDefaultRange(
  series: CountSeries,
  options: Partial<FarringtonFlexibleOptions> = {},
): EvaluationRange {
  const { b, w } = { ...FARRINGTON_FLEXIBLE_DEFAULTS, ...options };
  return { start: b * series.frequency + w, end: series.observed.length - 1 };
}

/**
 * Block (0-based) of position p (0 = oldest) among the `rest` periods between two windows, cut into
 * `blocks` consecutive blocks of ⌊rest/blocks⌋ periods, the oldest `rest mod blocks` blocks one longer
 * (Noufaily et al. 2013 use 45 = 9 × 5 weeks; the uneven cut is R 1.20's, established by comparison).
 */
function gapBlock(p: number, rest: number, blocks: number): number {
  const size = Math.floor(rest / blocks);
  const longer = rest % blocks;
  if (p < longer * (size + 1)) return Math.floor(p / (size + 1));
  return longer + Math.floor((p - longer * (size + 1)) / size);
}

/**
 * The baseline of period t. noPeriods = 1: Farrington's windows t − i·f + j (i = 1…b, j = −w…w).
 * noPeriods > 1: every period from t − b·f − w up to t − pastWeeksNotIncluded − 1, with a factor whose
 * level 0 is the (2w + 1)-wide window around t − i·f and whose other noPeriods − 1 levels split the
 * rest of each year into consecutive blocks (Noufaily et al. 2013, §3.1; see gapBlock).
 */
export function flexibleBaseline(
  observed: readonly number[],
  t: number,
  frequency: number,
  opt: FarringtonFlexibleOptions,
): Baseline {
  const fitter = flexibleFitter(observed, frequency, opt);
  fillFlexibleBaseline(fitter, t, frequency, opt, levelPattern(frequency, opt));
  return fitter.baseline();
}

// A workspace large enough for the baseline of any period (see fillFlexibleBaseline).
function flexibleFitter(observed: readonly number[], frequency: number, opt: FarringtonFlexibleOptions): BaselineFitter {
  const skip = opt.pastWeeksNotIncluded ?? opt.w;
  const capacity = opt.noPeriods === 1 ? opt.b * (2 * opt.w + 1) : opt.b * frequency + opt.w + Math.max(0, -skip);
  return new BaselineFitter(observed, Math.max(1, capacity), opt.noPeriods);
}

// Writes the baseline of period t (see flexibleBaseline) into the workspace; returns its size.
// `pattern`: levelPattern(frequency, opt), computed once by the caller.
function fillFlexibleBaseline(fitter: BaselineFitter, t: number, frequency: number, opt: FarringtonFlexibleOptions, pattern: Int32Array | null): number {
  const skip = opt.pastWeeksNotIncluded ?? opt.w;
  const { index, level } = fitter;
  let n = 0;
  if (opt.noPeriods === 1) {
    for (let i = opt.b; i >= 1; i--)
      for (let j = -opt.w; j <= opt.w; j++) {
        const k = t - i * frequency + j;
        if (k < 0 || k >= t - skip) continue;
        index[n] = k;
        level[n] = 0;
        n++;
      }
    return (fitter.n = n);
  }
  const from = Math.max(0, t - opt.b * frequency - opt.w);
  // The level of period k depends on t − k only, so where the baseline is complete (from > 0) its
  // levels are the pattern's.
  const complete = pattern !== null && from > 0;
  for (let k = from; k < t - skip; k++) {
    index[n] = k;
    level[n] = complete ? pattern[n] : periodLevel(t - k, frequency, opt);
    n++;
  }
  return (fitter.n = n);
}

// Factor level of the period `back` periods before the evaluated one (see flexibleBaseline): u is the
// position in the yearly cycle, 0…2w inside the window centred on t − i·f.
function periodLevel(back: number, frequency: number, opt: FarringtonFlexibleOptions): number {
  const rest = frequency - (2 * opt.w + 1);
  const u = (((back + opt.w) % frequency) + frequency) % frequency;
  return u <= 2 * opt.w ? 0 : 1 + gapBlock(rest - 1 - (u - 2 * opt.w - 1), rest, opt.noPeriods - 1);
}

/** Levels of a complete baseline (noPeriods > 1), row n being the period b·f + w − n before the evaluated one; null without a factor. */
function levelPattern(frequency: number, opt: FarringtonFlexibleOptions): Int32Array | null {
  if (opt.noPeriods === 1) return null;
  const skip = opt.pastWeeksNotIncluded ?? opt.w;
  const length = Math.max(0, opt.b * frequency + opt.w - skip);
  return Int32Array.from({ length }, (_, n) => periodLevel(opt.b * frequency + opt.w - n, frequency, opt));
}

/**
 * The improved Farrington detector (R `farringtonFlexible`). For each period in `range` (default
 * {@link farringtonFlexibleDefaultRange}) it fits the quasi-Poisson baseline and compares the count
 * with the upper bound from `thresholdMethod`. Where the low-count rule `limit54` applies, R gives
 * NA as upper bound and no alarm; here threshold is null and alarm false.
 * Any frequency is accepted (52 weekly as in the papers; 12 monthly and 365 daily are tested against R).
 */
export function farringtonFlexible(
  series: CountSeries,
  options: Partial<FarringtonFlexibleOptions> & { range?: EvaluationRange } = {},
): DetectionRow[] {
  const opt: FarringtonFlexibleOptions = { ...FARRINGTON_FLEXIBLE_DEFAULTS, ...options };
  const range = options.range ?? farringtonFlexibleDefaultRange(series, opt);
  const obs = series.observed;
  if (range.start < 0 || range.end >= obs.length || range.start > range.end)
    throw new RangeError(`farringtonFlexible: range ${range.start}..${range.end} outside the series 0..${obs.length - 1}`);
  // R stops here too ("Some reference time points did not exist; decrease 'b' or postpone 'range'").
  if (range.start - opt.b * series.frequency - opt.w < 0)
    throw new RangeError(
      `farringtonFlexible: period ${range.start} lacks reference values; decrease b or start at ${opt.b * series.frequency + opt.w} or later`,
    );
  const settings = {
    reweight: opt.reweight,
    weightsThreshold: opt.weightsThreshold,
    trend: trendAllowed(opt.trend, opt.b),
    pThresholdTrend: opt.pThresholdTrend,
    reweightedScale: 'working' as const,
  };
  // One-sided (1 − α) quantile (R documentation of farringtonFlexible, `alpha`).
  const z = qnorm(1 - opt.alpha);
  const rows: DetectionRow[] = [];
  // One workspace for the whole series: the baseline of each period is written into it.
  const fitter = flexibleFitter(obs, series.frequency, opt);
  const pattern = levelPattern(series.frequency, opt);
  for (let t = range.start; t <= range.end; t++) {
    if (!enoughCases(obs, t, opt.limit54)) {
      rows.push({ index: t, observed: obs[t], threshold: null, alarm: false });
      continue;
    }
    if (fillFlexibleBaseline(fitter, t, series.frequency, opt, pattern) === 0)
      throw new RangeError(`farringtonFlexible: no reference values for period ${t}`);
    const model = fitBaselineIn(fitter, t, settings);
    const threshold =
      opt.thresholdMethod === 'delta'
        ? deltaThreshold(model, z, opt.powertrans)
        : opt.thresholdMethod === 'nbPlugin'
          ? nbPluginThreshold(model, opt.alpha)
          : muanThreshold(model, opt.alpha);
    // A non-finite bound (e.g. "muan" on an all-zero baseline, where Var(η̂₀) explodes) is R's NA.
    if (!Number.isFinite(threshold)) rows.push({ index: t, observed: obs[t], threshold: null, alarm: false });
    else rows.push({ index: t, observed: obs[t], threshold, alarm: obs[t] > threshold });
  }
  return rows;
}

/**
 * `farringtonFlexible` with the Noufaily et al. (2013) settings ({@link NOUFAILY_PRESET}: noPeriods 10,
 * w 3, weightsThreshold 2.58, pastWeeksNotIncluded 26, pThresholdTrend 1, thresholdMethod "nbPlugin");
 * other options (b, alpha, range…) default as in `farringtonFlexible` and may be overridden.
 */
export function noufaily(
  series: CountSeries,
  options: Partial<FarringtonFlexibleOptions> & { range?: EvaluationRange } = {},
): DetectionRow[] {
  return farringtonFlexible(series, { ...NOUFAILY_PRESET, ...options });
}
