/**
 * Allocation-free baseline fits for the Farrington family (Farrington et al. 1996, JRSS A 159:547;
 * Noufaily et al. 2013, Stat Med 32:1206). The design of these fits is always an intercept, an
 * optional linear trend in the time index and an optional one-hot seasonal factor (treatment
 * contrasts, level 0 the reference), so it is never built: each row is its time index and its level.
 *
 * The arithmetic is that of the general path (fitPoissonGlm in glm.ts with the Cholesky solver of
 * glm-cholesky.ts, then fitPass / fitBaseline in farrington-core.ts), step for step and in the same
 * order (same start, iterations and stopping), so the results agree to ≈ 1e-14 relative (a few
 * roundings differ: see farrington-irls.ts, and μ̂^{1/6} from a cube root below). What differs: no
 * array is allocated per period, per-count terms are computed once per series, and work whose result is already known is
 * skipped (η, μ per level without trend; the reweighted fit when all weights are 1; Anscombe residuals
 * that cannot exceed the threshold). Where the Cholesky factorisation refuses (ill-conditioned or rank-deficient
 * designs) {@link BaselineFitter.fit} returns null and the caller takes the general path, whose
 * Householder QR decides aliasing as R does. The IRLS itself and its buffers are in farrington-irls.ts
 * (BaselineIrls); this file fills the rows of each evaluated period and reads the fits as farrington-core.ts does.
 */
import { fitBaseline, type Baseline, type BaselineModel, type BaselineSettings } from './farrington-core.js';
import { BaselineIrls } from './farrington-irls.js';
import { tTwoSidedBelow } from './glm-distributions.js';

/**
 * Workspace for the baseline fits of one series: the caller writes the n reference periods of an
 * evaluated period into `index` (their time index, which is also the trend covariate) and `level`
 * (0-based factor level, 0 without a factor), sets `n` and calls {@link fit}. All buffers are sized
 * once, to `capacity` rows and 1 + 1 + (levels − 1) columns; what depends on a count only (the
 * IRLS start μ = y + 0.1, its logarithm, y log y, …) is computed once per period of the series, as
 * every period is in the baseline of many evaluated periods.
 */
export class BaselineFitter extends BaselineIrls {
  readonly index: Int32Array;

  // Per period of the series (filled on first use): y log y, the deviance term at
  // μ = y + 0.1, the first working response, and y^(2/3).
  private readonly observed: readonly number[];
  private readonly obsDone: Uint8Array;
  private readonly obsYlogy: Float64Array;
  private readonly obsDev0: Float64Array;
  private readonly obsZ0: Float64Array;
  private readonly obsCbrtY2: Float64Array;
  /** y^(2/3) of each row of the current baseline. */
  private readonly cbrtY2: Float64Array;
  /** Weights sᵢ⁻² of the reweighting (scratch). */
  private readonly s: Float64Array;
  private readonly x0: Float64Array;

  constructor(observed: readonly number[], capacity: number, levels = 1) {
    super(capacity, levels);
    const len = observed.length;
    this.observed = observed;
    this.obsDone = new Uint8Array(len);
    this.obsYlogy = new Float64Array(len);
    this.obsDev0 = new Float64Array(len);
    this.obsZ0 = new Float64Array(len);
    this.obsCbrtY2 = new Float64Array(len);
    this.index = new Int32Array(capacity);
    this.cbrtY2 = new Float64Array(capacity);
    this.s = new Float64Array(capacity);
    this.x0 = new Float64Array(1 + 1 + (levels - 1));
  }

  // The per-period quantities of period k, computed on first use: the same expressions as glm.ts's
  // irls and poissonDeviance and farrington-core.ts's Anscombe residuals.
  private prepare(k: number): void {
    const y = this.observed[k];
    const mu = y + 0.1;
    const eta = Math.log(mu);
    this.obsYlogy[k] = y > 0 ? y * Math.log(y) : 0;
    this.obsDev0[k] = (y > 0 ? y * Math.log(y / mu) : 0) - (y - mu);
    this.obsZ0[k] = eta + (y - mu) / mu;
    this.obsCbrtY2[k] = Math.cbrt(y * y);
    this.obsDone[k] = 1;
  }

  // Copies the per-period quantities of the rows in `index` into the row buffers.
  private gather(): void {
    const { n, index, y, time, ylogy, dev0, z0, cbrtY2 } = this;
    let maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const k = index[i];
      if (this.obsDone[k] === 0) this.prepare(k);
      y[i] = this.observed[k];
      if (y[i] > maxY) maxY = y[i];
      time[i] = k;
      ylogy[i] = this.obsYlogy[k];
      dev0[i] = this.obsDev0[k];
      z0[i] = this.obsZ0[k];
      cbrtY2[i] = this.obsCbrtY2[k];
    }
    this.maxY = maxY;
  }

  /** The largest count of the rows gathered last (the trend is dropped where μ̂₀ exceeds it). */
  private maxY = -Infinity;

  /** The observations in the workspace as a {@link Baseline} (for the general path). */
  baseline(): Baseline {
    this.gather();
    const n = this.n;
    const y = Array.from(this.y.subarray(0, n));
    const time = Array.from(this.time.subarray(0, n));
    if (this.levels === 1) return { y, time };
    return { y, time, level: Array.from(this.level.subarray(0, n)), levels: this.levels };
  }

  /**
   * fitBaseline of farrington-core.ts for the observations in the workspace and period t0: the trend
   * model first (when allowed), kept if its Wald p-value is below pThresholdTrend and μ̂₀ ≤ max yᵢ,
   * else the model without trend. Null where a Cholesky factorisation refuses.
   */
  fit(t0: number, settings: BaselineSettings): BaselineModel | null {
    this.gather();
    if (settings.trend) {
      if (!this.fitPass(true, settings)) return null;
      const beta = this.beta[1];
      // Wald test of the trend with the unfloored dispersion, t on n − p df (as fitBaseline).
      const se = Math.sqrt(this.passPhiRaw * this.cov[1 * this.p + 1]);
      const significant = Number.isNaN(beta) ? 1 < settings.pThresholdTrend : tTwoSidedBelow(beta / se, this.dfResidual, settings.pThresholdTrend);
      const model = this.model(t0, true);
      if (significant && model.mu0 <= this.maxY) return model;
    }
    if (!this.fitPass(false, settings)) return null;
    return this.model(t0, false);
  }

  private passPhi = 0;
  private passPhiRaw = 0;
  private passScale: number | undefined;

  // fitPass of farrington-core.ts: a fit, φ̂, and with reweighting a second fit with the weights ωᵢ.
  private fitPass(trend: boolean, settings: BaselineSettings): boolean {
    const { n, prior } = this;
    this.setColumns(trend);
    prior.fill(1, 0, n);
    if (!this.irls()) return false;
    let phiRaw = this.pearsonDispersion();
    let phi = Math.max(1, phiRaw);
    this.passScale = undefined;
    if (!settings.reweight) return this.setPass(phi, phiRaw);
    // A second fit with the weights ωᵢ, unless they are all 1 (no residual above the threshold): the
    // second fit would then repeat the first with the same data, to the last bit.
    if (this.downweight(phi, settings.weightsThreshold)) {
      if (!this.irls()) return false;
      phiRaw = this.pearsonDispersion();
      phi = Math.max(1, phiRaw);
    }
    if (settings.reweightedScale !== 'working') return this.setPass(phi, phiRaw);
    const scale = this.workingScale;
    this.passScale = scale;
    return this.setPass(phi, scale);
  }

  /**
   * Prior weights of the reweighted fit (Farrington et al. 1996, §3.4): ωᵢ = γ sᵢ⁻² where the
   * standardised Anscombe residual sᵢ exceeds the threshold, else γ, with Σωᵢ = n. False (and the
   * weights left at 1) when no residual exceeds it. sᵢ is only evaluated where it can: when yᵢ is
   * clearly below μ̂ᵢ (y² (1 + 10⁻¹²) < μ̂², a margin far above the rounding of the cube roots) its
   * numerator is negative, so sᵢ is negative, −∞ or NaN, never above a threshold ≥ 0.
   */
  private downweight(phi: number, threshold: number): boolean {
    const { n, s, y, prior, mu, cbrtY2 } = this;
    let any = false;
    for (let i = 0; i < n; i++) {
      const m = mu[i];
      if (threshold >= 0 && y[i] * y[i] * (1 + 1e-12) < m * m) {
        s[i] = 1;
        continue;
      }
      // sᵢ = 3/2 (yᵢ^{2/3} − μ̂ᵢ^{2/3}) / (μ̂ᵢ^{1/6} √(φ(1 − hᵢᵢ))), as anscombeResiduals in glm.ts, with
      // μ̂^{2/3} and μ̂^{1/6} from one cube root (a power costs as much as the rest of the row).
      const cm = Math.cbrt(m);
      const si = (1.5 * (cbrtY2[i] - cm * cm)) / (Math.sqrt(cm) * Math.sqrt(phi * (1 - this.leverage(i))));
      if (si > threshold) {
        s[i] = 1 / (si * si);
        any = true;
      } else s[i] = 1;
    }
    if (!any) return false;
    let total = 0;
    for (let i = 0; i < n; i++) total += s[i];
    for (let i = 0; i < n; i++) prior[i] = (s[i] * n) / total;
    return true;
  }

  private setPass(phi: number, phiRaw: number): true {
    this.passPhi = phi;
    this.passPhiRaw = phiRaw;
    return true;
  }

  // predictLink of glm.ts at x₀ = (1, t0 if trend, 0, …) and toModel of farrington-core.ts.
  private model(t0: number, trend: boolean): BaselineModel {
    const { p, x0, beta, cov } = this;
    x0.fill(0);
    x0[0] = 1;
    if (trend) x0[1] = t0;
    let eta = 0;
    let v = 0;
    for (let a = 0; a < p; a++) {
      eta += x0[a] * beta[a];
      for (let b = 0; b < p; b++) v += x0[a] * cov[a * p + b] * x0[b];
    }
    return { mu0: Math.exp(eta), eta0: eta, varEta0: (this.passScale ?? this.passPhi) * v, phi: this.passPhi, trend };
  }
}

/**
 * The baseline model of period t0 for the observations in `fitter`: {@link BaselineFitter.fit}, or,
 * where its Cholesky factorisation refuses, fitBaseline of farrington-core.ts (the general GLM with
 * R's pivoted QR).
 */
export function fitBaselineIn(fitter: BaselineFitter, t0: number, settings: BaselineSettings): BaselineModel {
  return fitter.fit(t0, settings) ?? fitBaseline(fitter.baseline(), t0, settings);
}
