/**
 * The model-fitting and threshold steps shared by `farrington` (Farrington et al. 1996, JRSS A
 * 159:547) and `farringtonFlexible` (Noufaily et al. 2013, Stat Med 32:1206).
 */
import {
  anscombeResiduals,
  fitPoissonGlm,
  pearsonDispersion,
  predictLink,
  ptTwoSided,
  qnbinom,
  qnorm,
  type GlmData,
  type PoissonGlmFit,
} from './glm.js';

/** Power transformation of the counts before the normal approximation of the threshold. */
export type PowerTransform = '2/3' | '1/2' | 'none';

/** How the baseline model is fitted. */
export interface BaselineSettings {
  readonly reweight: boolean;
  /** Anscombe residuals above this are down-weighted (1 in Farrington 1996, 2.58 in Noufaily 2013). */
  readonly weightsThreshold: number;
  /** Fit a trend; callers pass false when b < 3 (see {@link trendAllowed}). */
  readonly trend: boolean;
  /** The trend is kept when its p-value is below this (and μ̂₀ does not exceed the baseline maximum). */
  readonly pThresholdTrend: number;
  /**
   * Dispersion that scales (X'WX)⁻¹ after reweighting. "pearson": φ̂ (Farrington et al. 1996; R
   * `farrington`). "working": Σωᵢ(yᵢ − μ̂ᵢ)²/μ̂ᵢ² / (n − p), i.e. the working residuals weighted by the
   * prior weights only — what R's `farringtonFlexible` (1.20) does, established by comparing outputs.
   */
  readonly reweightedScale?: 'pearson' | 'working';
}

/** The baseline fitted for one evaluated period. */
export interface BaselineModel {
  /** μ̂₀, the expected count of the evaluated period. */
  readonly mu0: number;
  /** η̂₀ = log μ̂₀ and its variance Var(η̂₀) = φ x₀'(X'WX)⁻¹x₀. */
  readonly eta0: number;
  readonly varEta0: number;
  /** Dispersion φ̂ ≥ 1. */
  readonly phi: number;
  readonly trend: boolean;
}

/**
 * A trend is only considered with at least three years of reference values (Farrington et al. 1996,
 * §3.5; R's `farrington` and `farringtonFlexible` fit none when b < 3, as comparison shows).
 */
export function trendAllowed(trend: boolean, b: number): boolean {
  return trend && b >= 3;
}

/** Reference observations: counts, their time index, and an optional 0-based seasonal factor level. */
export interface Baseline {
  readonly y: readonly number[];
  readonly time: readonly number[];
  readonly level?: readonly number[];
  readonly levels?: number;
}

function design(base: Baseline, withTrend: boolean): number[][] {
  const levels = base.levels ?? 1;
  return base.y.map((_, i) => {
    const row = [1];
    if (withTrend) row.push(base.time[i]);
    // Treatment contrasts: level 0 (the window around the current week) is the reference level.
    for (let l = 1; l < levels; l++) row.push(base.level?.[i] === l ? 1 : 0);
    return row;
  });
}

interface Pass {
  readonly fit: PoissonGlmFit;
  /** max(1, φ̂): the dispersion of the threshold. */
  readonly phi: number;
  /** φ̂ itself: the dispersion of the Wald test of the trend. */
  readonly phiRaw: number;
  /** The dispersion that scales (X'WX)⁻¹ for Var(η̂₀), when it is not φ. */
  readonly scale?: number;
}

// One fit with optional reweighting (Farrington et al. 1996, §3.3–3.4; Noufaily et al. 2013, §3.2).
function fitPass(base: Baseline, x: number[][], settings: BaselineSettings): Pass {
  const first: GlmData = { x, y: base.y };
  let fit = fitPoissonGlm(first);
  // φ̂ = max(1, Pearson χ² / (n − p)) (Farrington et al. 1996, §3.3).
  let phiRaw = pearsonDispersion(fit, first);
  let phi = Math.max(1, phiRaw);
  if (!settings.reweight) return { fit, phi, phiRaw };
  const s = anscombeResiduals(fit, base.y, phi);
  // ωᵢ = γ sᵢ⁻² if sᵢ > threshold, else γ, with Σωᵢ = n (Farrington et al. 1996, §3.4).
  const raw = s.map((si) => (si > settings.weightsThreshold ? 1 / (si * si) : 1));
  const total = raw.reduce((a, b) => a + b, 0);
  const weights = raw.map((r) => (r * raw.length) / total);
  const second: GlmData = { x, y: base.y, weights };
  fit = fitPoissonGlm(second);
  phiRaw = pearsonDispersion(fit, second);
  phi = Math.max(1, phiRaw);
  if (settings.reweightedScale !== 'working') return { fit, phi, phiRaw };
  let ss = 0;
  for (let i = 0; i < base.y.length; i++) ss += (weights[i] * (base.y[i] - fit.fitted[i]) ** 2) / fit.fitted[i] ** 2;
  const scale = ss / fit.dfResidual;
  return { fit, phi, phiRaw: scale, scale };
}

function toModel(pass: Pass, x0: number[], trend: boolean): BaselineModel {
  const { eta, varUnscaled } = predictLink(pass.fit, x0);
  return { mu0: Math.exp(eta), eta0: eta, varEta0: (pass.scale ?? pass.phi) * varUnscaled, phi: pass.phi, trend };
}

/**
 * Fit the baseline model for the period at time `t0` (Farrington et al. 1996, §3; Noufaily et al.
 * 2013, §3): quasi-Poisson log-linear model with optional trend and seasonal factor, reweighting
 * of past outbreaks, and the trend dropped when not significant or when it extrapolates beyond the
 * largest baseline count.
 */
export function fitBaseline(base: Baseline, t0: number, settings: BaselineSettings): BaselineModel {
  const levels = base.levels ?? 1;
  const x0 = (withTrend: boolean): number[] => {
    const row = [1];
    if (withTrend) row.push(t0);
    for (let l = 1; l < levels; l++) row.push(0);
    return row;
  };
  if (settings.trend) {
    const x = design(base, true);
    const pass = fitPass(base, x, settings);
    const beta = pass.fit.coefficients[1];
    // Wald test of the trend with the quasi-likelihood dispersion, not floored at 1 (t on n − p df),
    // as R's summary.glm of the quasi-Poisson fit gives it.
    const se = Math.sqrt(pass.phiRaw * pass.fit.covUnscaled[1][1]);
    const p = Number.isNaN(beta) ? 1 : ptTwoSided(beta / se, pass.fit.dfResidual);
    const model = toModel(pass, x0(true), true);
    const maxY = Math.max(...base.y);
    // Keep the trend only if significant and μ̂₀ ≤ max baseline count (Farrington et al. 1996, §3.5).
    if (p < settings.pThresholdTrend && model.mu0 <= maxY) return model;
  }
  const pass = fitPass(base, design(base, false), settings);
  return toModel(pass, x0(false), false);
}

/**
 * Farrington's threshold: the upper end of a normal prediction interval on the power-transformed
 * scale, Var(h(y₀) − h(μ̂₀)) ≈ h'(μ₀)² (φμ₀ + Var μ̂₀) (Farrington et al. 1996, §3.5, eq. for U).
 */
export function deltaThreshold(model: BaselineModel, z: number, powertrans: PowerTransform): number {
  const mu = model.mu0;
  // Var(μ̂₀) = μ₀² Var(η̂₀) by the delta method.
  const sd = Math.sqrt(model.phi * mu + mu * mu * model.varEta0);
  if (powertrans === '2/3') return Math.pow(Math.pow(mu, 2 / 3) + z * (2 / 3) * Math.pow(mu, -1 / 3) * sd, 3 / 2);
  if (powertrans === '1/2') return Math.pow(Math.sqrt(mu) + z * 0.5 * Math.pow(mu, -1 / 2) * sd, 2);
  return mu + z * sd;
}

/**
 * Negative-binomial quantile with mean μ and variance φμ, i.e. size μ/(φ − 1); Poisson when φ = 1
 * (Noufaily et al. 2013, §3.3).
 */
export function negBinThreshold(mu: number, phi: number, p: number): number {
  return qnbinom(p, phi > 1 ? mu / (phi - 1) : Infinity, mu);
}

/** "nbPlugin": NB quantile at the plug-in estimate μ̂₀ (Noufaily et al. 2013, §3.3). */
export function nbPluginThreshold(model: BaselineModel, alpha: number): number {
  return negBinThreshold(model.mu0, model.phi, 1 - alpha);
}

/** "muan": NB quantile at the upper (1 − α) normal limit of μ̂₀ on the log scale (Noufaily et al. 2013, §3.3). */
export function muanThreshold(model: BaselineModel, alpha: number): number {
  const muUpper = Math.exp(model.eta0 + qnorm(1 - alpha) * Math.sqrt(model.varEta0));
  return negBinThreshold(muUpper, model.phi, 1 - alpha);
}

/**
 * Farrington's low-count rule (1996, §3.8; the period includes the current week as in R ≥ 0.9-7):
 * true when at least `cases` reports fell in the last `period` periods up to index `t`.
 */
export function enoughCases(observed: readonly number[], t: number, limit54: readonly [number, number]): boolean {
  const [cases, period] = limit54;
  let sum = 0;
  for (let k = Math.max(0, t - period + 1); k <= t; k++) sum += observed[k];
  return sum >= cases;
}
