/**
 * Allocation-free baseline fits for the Farrington family (Farrington et al. 1996, JRSS A 159:547;
 * Noufaily et al. 2013, Stat Med 32:1206). The design of these fits is always an intercept, an
 * optional linear trend in the time index and an optional one-hot seasonal factor (treatment
 * contrasts, level 0 the reference), so it is never built: each row is its time index and its level.
 *
 * The arithmetic is that of the general path (fitPoissonGlm in glm.ts with the Cholesky solver of
 * glm-cholesky.ts, then fitPass / fitBaseline in farrington-core.ts) operation for operation, in the
 * same order, so the results are the same to the last bit. What differs: no array is allocated per
 * period, per-count terms are computed once per series, and work whose result is already known is
 * skipped (η, μ per level without trend; the reweighted fit when all weights are 1; Anscombe residuals
 * that cannot exceed the threshold). Where the Cholesky factorisation refuses (ill-conditioned or rank-deficient
 * designs) {@link BaselineFitter.fit} returns null and the caller takes the general path, whose
 * Householder QR decides aliasing as R does.
 */
import { fitBaseline, type Baseline, type BaselineModel, type BaselineSettings } from './farrington-core.js';
import { DenseCholesky } from './glm-cholesky.js';
import { ptTwoSided } from './glm-distributions.js';

/** Same constants as glm.ts (R's glm.control defaults and linkinv floor). */
const EPSILON = 1e-8;
const MAXIT = 25;
const DBL_EPSILON = 2.220446049250313e-16;
const LOG_DBL_EPSILON = Math.log(DBL_EPSILON);
const CHOLESKY_PIVOT_TOLERANCE = 1e-10;

/**
 * Workspace for the baseline fits of one series: the caller writes the n reference periods of an
 * evaluated period into `index` (their time index, which is also the trend covariate) and `level`
 * (0-based factor level, 0 without a factor), sets `n` and calls {@link fit}. All buffers are sized
 * once, to `capacity` rows and 1 + 1 + (levels − 1) columns; what depends on a count only (the
 * IRLS start μ = y + 0.1, its logarithm, y log y, …) is computed once per period of the series, as
 * every period is in the baseline of many evaluated periods.
 */
export class BaselineFitter {
  n = 0;
  readonly index: Int32Array;
  readonly level: Int32Array;

  // Per period of the series (filled on first use): log(y + 0.1), y log y, the deviance term at
  // μ = y + 0.1, the first working response, and y^(2/3).
  private readonly observed: readonly number[];
  private readonly obsDone: Uint8Array;
  private readonly obsEta0: Float64Array;
  private readonly obsYlogy: Float64Array;
  private readonly obsDev0: Float64Array;
  private readonly obsZ0: Float64Array;
  private readonly obsCbrtY2: Float64Array;
  // Per row of the current baseline, gathered from the above.
  private readonly y: Float64Array;
  private readonly time: Float64Array;
  private readonly dev0: Float64Array;
  private readonly z0: Float64Array;
  private readonly cbrtY2: Float64Array;
  // η and μ of each factor level, for the models without trend (all rows of a level share them).
  private readonly levelEta: Float64Array;
  private readonly levelMu: Float64Array;
  // Per factor column of the current pass: Σw, Σw·t, Σw·z.
  private readonly levW: Float64Array;
  private readonly levWT: Float64Array;
  private readonly levWZ: Float64Array;
  /** Column of each row's factor level in the current model, −1 for level 0. */
  private readonly col: Int32Array;

  private readonly levels: number;
  private readonly prior: Float64Array;
  private readonly good: Int32Array;
  private ng = 0;
  private mu: Float64Array;
  private eta: Float64Array;
  private nextMu: Float64Array;
  private nextEta: Float64Array;
  private readonly ylogy: Float64Array;
  private readonly eta0: Float64Array;
  private readonly s: Float64Array;
  private readonly cholesky: DenseCholesky[];
  private readonly rhs: Float64Array;
  private readonly beta: Float64Array;
  private readonly cov: Float64Array;
  private readonly x0: Float64Array;
  /** Columns of the current fit: intercept, trend (if any), levels 1…L−1. */
  private p = 0;
  private trendCol = false;
  private dfResidual = 0;

  constructor(observed: readonly number[], capacity: number, levels = 1) {
    this.levels = levels;
    const pMax = 1 + 1 + (levels - 1);
    const len = observed.length;
    this.observed = observed;
    this.obsDone = new Uint8Array(len);
    this.obsEta0 = new Float64Array(len);
    this.obsYlogy = new Float64Array(len);
    this.obsDev0 = new Float64Array(len);
    this.obsZ0 = new Float64Array(len);
    this.obsCbrtY2 = new Float64Array(len);
    this.index = new Int32Array(capacity);
    this.y = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.dev0 = new Float64Array(capacity);
    this.z0 = new Float64Array(capacity);
    this.cbrtY2 = new Float64Array(capacity);
    this.levelEta = new Float64Array(levels);
    this.levelMu = new Float64Array(levels);
    this.level = new Int32Array(capacity);
    this.col = new Int32Array(capacity);
    this.levW = new Float64Array(pMax);
    this.levWT = new Float64Array(pMax);
    this.levWZ = new Float64Array(pMax);
    this.prior = new Float64Array(capacity);
    this.good = new Int32Array(capacity);
    this.mu = new Float64Array(capacity);
    this.eta = new Float64Array(capacity);
    this.nextMu = new Float64Array(capacity);
    this.nextEta = new Float64Array(capacity);
    this.ylogy = new Float64Array(capacity);
    this.eta0 = new Float64Array(capacity);
    this.s = new Float64Array(capacity);
    // One factorisation workspace per column count (with and without trend).
    this.cholesky = [new DenseCholesky(pMax - 1), new DenseCholesky(pMax)];
    this.rhs = new Float64Array(pMax);
    this.beta = new Float64Array(pMax);
    this.cov = new Float64Array(pMax * pMax);
    this.x0 = new Float64Array(pMax);
  }

  // The per-period quantities of period k, computed on first use: the same expressions as glm.ts's
  // irls and poissonDeviance and farrington-core.ts's Anscombe residuals.
  private prepare(k: number): void {
    const y = this.observed[k];
    const mu = y + 0.1;
    const eta = Math.log(mu);
    this.obsEta0[k] = eta;
    this.obsYlogy[k] = y > 0 ? y * Math.log(y) : 0;
    this.obsDev0[k] = (y > 0 ? y * Math.log(y / mu) : 0) - (y - mu);
    this.obsZ0[k] = eta + (y - mu) / mu;
    this.obsCbrtY2[k] = Math.cbrt(y * y);
    this.obsDone[k] = 1;
  }

  // Copies the per-period quantities of the rows in `index` into the row buffers.
  private gather(): void {
    const { n, index, y, time, eta0, ylogy, dev0, z0, cbrtY2 } = this;
    for (let i = 0; i < n; i++) {
      const k = index[i];
      if (this.obsDone[k] === 0) this.prepare(k);
      y[i] = this.observed[k];
      time[i] = k;
      eta0[i] = this.obsEta0[k];
      ylogy[i] = this.obsYlogy[k];
      dev0[i] = this.obsDev0[k];
      z0[i] = this.obsZ0[k];
      cbrtY2[i] = this.obsCbrtY2[k];
    }
  }

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
      const pValue = Number.isNaN(beta) ? 1 : ptTwoSided(beta / se, this.dfResidual);
      const model = this.model(t0, true);
      let maxY = -Infinity;
      for (let i = 0; i < this.n; i++) if (this.y[i] > maxY) maxY = this.y[i];
      if (pValue < settings.pThresholdTrend && model.mu0 <= maxY) return model;
    }
    if (!this.fitPass(false, settings)) return null;
    return this.model(t0, false);
  }

  private passPhi = 0;
  private passPhiRaw = 0;
  private passScale: number | undefined;

  // fitPass of farrington-core.ts: a fit, φ̂, and with reweighting a second fit with the weights ωᵢ.
  private fitPass(trend: boolean, settings: BaselineSettings): boolean {
    const { n, prior, y } = this;
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
    let ss = 0;
    const fitted = this.mu;
    for (let i = 0; i < n; i++) ss += (prior[i] * (y[i] - fitted[i]) ** 2) / fitted[i] ** 2;
    const scale = ss / this.dfResidual;
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
      // sᵢ = 3/2 (yᵢ^{2/3} − μ̂ᵢ^{2/3}) / (μ̂ᵢ^{1/6} √(φ(1 − hᵢᵢ))), as anscombeResiduals in glm.ts.
      const si = (1.5 * (cbrtY2[i] - Math.cbrt(m * m))) / (Math.pow(m, 1 / 6) * Math.sqrt(phi * (1 - this.leverage(i))));
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

  private setColumns(trend: boolean): void {
    this.trendCol = trend;
    this.p = (trend ? 2 : 1) + this.levels - 1;
    for (let i = 0; i < this.n; i++) this.col[i] = this.level[i] > 0 ? this.levelCol(this.level[i]) : -1;
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

  // Column of level l ≥ 1 of the one-hot factor.
  private levelCol(l: number): number {
    return (this.trendCol ? 1 : 0) + l;
  }

  /**
   * The IRLS of glm.ts (irls with CholeskyWls) with prior weights `prior`: μ = y + 0.1 at the start,
   * R's deviance criterion; false where the factorisation refuses. Leaves β̂ in `beta`, (X'WX)⁻¹ in
   * `cov`, μ̂ in `mu`, η̂ in `eta`, and the μ of the last iteration's weights in `nextMu`.
   */
  private irls(): boolean {
    const { n, y, prior, good, time, col, beta, rhs, eta0, dev0, z0, levelEta, levelMu } = this;
    const p = this.p;
    const trend = this.trendCol;
    const chol = this.cholesky[trend ? 1 : 0];
    const a = chol.a;
    let ng = 0;
    for (let i = 0; i < n; i++) if (prior[i] > 0) good[ng++] = i;
    this.ng = ng;
    let mu = this.mu;
    let eta = this.eta;
    let nextMu = this.nextMu;
    let nextEta = this.nextEta;
    let devOld = 0;
    for (let i = 0; i < n; i++) {
      mu[i] = y[i] + 0.1;
      eta[i] = eta0[i];
      // poissonDeviance of glm.ts at the start.
      const wi = prior[i];
      if (wi === 0) continue;
      devOld += 2 * wi * dev0[i];
    }
    // Normal equations of the first step: w = prior·μ, z = η + (y − μ)/μ (log link, V(μ) = μ).
    a.fill(0);
    rhs.fill(0, 0, p);
    for (let r = 0; r < ng; r++) {
      const i = good[r];
      addRow(a, rhs, p, trend ? time[i] : 0, col[i], prior[i] * mu[i], z0[i]);
    }
    for (let iter = 1; iter <= MAXIT; iter++) {
      if (!chol.factor(CHOLESKY_PIVOT_TOLERANCE)) return false;
      chol.solve(rhs, beta);
      // Without trend η and μ depend on the level only, and are computed once per level.
      if (!trend)
        for (let l = 0; l < this.levels; l++) {
          let e = 0;
          e += beta[0];
          if (l > 0) e += beta[l];
          levelEta[l] = e;
          levelMu[l] = Math.max(Math.exp(e), DBL_EPSILON);
        }
      const dev = trend ? this.passTrend(nextEta, nextMu) : this.passLevels(nextEta, nextMu);
      this.storeNormalEquations(a);
      const swapEta = eta;
      eta = nextEta;
      nextEta = swapEta;
      const swapMu = mu;
      mu = nextMu;
      nextMu = swapMu;
      const done = Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON;
      devOld = dev;
      if (done) break;
    }
    this.mu = mu;
    this.eta = eta;
    this.nextMu = nextMu;
    this.nextEta = nextEta;
    // The factorisation of the last step is still in place (the normal equations were rebuilt in `a` only).
    chol.inverse(this.cov);
    this.dfResidual = ng - p;
    return true;
  }

  // Sums of one pass for the next step's normal equations: intercept and trend entries (the
  // per-level ones are in levW, levWT, levWZ).
  private a00 = 0;
  private a01 = 0;
  private a11 = 0;
  private r0 = 0;
  private r1 = 0;

  /**
   * One IRLS pass of the model with trend: η = xᵢ'β over the non-zero entries of xᵢ in column order
   * and μ = max(e^η, ε) (as glm.ts), the deviance, and the normal equations of the next step with
   * w = prior·μ and z = η + (y − μ)/μ (products as glm-cholesky.ts forms them), each summed over i in
   * the same order as the general path. Returns the deviance.
   */
  private passTrend(nextEta: Float64Array, nextMu: Float64Array): number {
    const { n, y, prior, ylogy, time, col, beta, levW, levWT, levWZ } = this;
    let dev = 0;
    let a00 = 0;
    let a01 = 0;
    let a11 = 0;
    let r0 = 0;
    let r1 = 0;
    levW.fill(0);
    levWT.fill(0);
    levWZ.fill(0);
    const b0 = beta[0];
    const b1 = beta[1];
    for (let i = 0; i < n; i++) {
      const c = col[i];
      const t = time[i];
      let e = 0;
      e += b0;
      if (t !== 0) e += t * b1;
      if (c > 0) e += beta[c];
      const m = Math.max(Math.exp(e), DBL_EPSILON);
      nextEta[i] = e;
      nextMu[i] = m;
      const pi = prior[i];
      if (pi === 0) continue;
      // Poisson deviance (McCullagh & Nelder 1989, Table 2.1), log μ = η unless μ is clamped at ε.
      const logMu = m === DBL_EPSILON ? LOG_DBL_EPSILON : e;
      const yi = y[i];
      dev += 2 * pi * (yi > 0 ? ylogy[i] - yi * logMu : 0) - 2 * pi * (yi - m);
      if (!(pi > 0)) continue;
      const w = pi * m;
      const z = e + (yi - m) / m;
      r0 += w * z;
      a00 += w;
      if (t !== 0) {
        a01 += w * t;
        const va = t * w;
        r1 += va * z;
        a11 += va * t;
        if (c > 0) levWT[c] += va;
      }
      if (c > 0) {
        levW[c] += w;
        levWZ[c] += w * z;
      }
    }
    this.a00 = a00;
    this.a01 = a01;
    this.a11 = a11;
    this.r0 = r0;
    this.r1 = r1;
    return dev;
  }

  /** {@link passTrend} for the model without trend, whose η and μ depend on the level only (levelEta, levelMu). */
  private passLevels(nextEta: Float64Array, nextMu: Float64Array): number {
    const { n, y, prior, ylogy, col, levelEta, levelMu, levW, levWZ } = this;
    let dev = 0;
    let a00 = 0;
    let r0 = 0;
    levW.fill(0);
    levWZ.fill(0);
    for (let i = 0; i < n; i++) {
      const c = col[i];
      const e = levelEta[c > 0 ? c : 0];
      const m = levelMu[c > 0 ? c : 0];
      nextEta[i] = e;
      nextMu[i] = m;
      const pi = prior[i];
      if (pi === 0) continue;
      const logMu = m === DBL_EPSILON ? LOG_DBL_EPSILON : e;
      const yi = y[i];
      dev += 2 * pi * (yi > 0 ? ylogy[i] - yi * logMu : 0) - 2 * pi * (yi - m);
      if (!(pi > 0)) continue;
      const w = pi * m;
      const z = e + (yi - m) / m;
      r0 += w * z;
      a00 += w;
      if (c > 0) {
        levW[c] += w;
        levWZ[c] += w * z;
      }
    }
    this.a00 = a00;
    this.r0 = r0;
    return dev;
  }

  /**
   * Writes X'WX (upper triangle) and X'Wz from the sums of one pass: intercept and trend entries, and
   * per factor column c its Σw (both a[0, c] and a[c, c]), Σw·t and Σw·z (zero entries stay zero).
   */
  private storeNormalEquations(a: Float64Array): void {
    const { p, rhs, levW, levWT, levWZ } = this;
    a.fill(0);
    rhs.fill(0, 0, p);
    a[0] = this.a00;
    rhs[0] = this.r0;
    if (this.trendCol) {
      a[1] = this.a01;
      a[p + 1] = this.a11;
      rhs[1] = this.r1;
    }
    for (let c = this.trendCol ? 2 : 1; c < p; c++) {
      a[c] = levW[c];
      a[c * p + c] = levW[c];
      if (this.trendCol) a[p + c] = levWT[c];
      rhs[c] = levWZ[c];
    }
  }

  /**
   * Leverage hᵢᵢ = wᵢ xᵢ'(X'WX)⁻¹xᵢ of row i of a fit with all prior weights 1, with the weights of the
   * last iteration (μ at its start), as glm.ts computes them.
   */
  private leverage(i: number): number {
    const t = this.trendCol ? this.time[i] : 0;
    const c = this.col[i];
    // Over the non-zero entries of the row in column order: (0, 1), (1, t), (c, 1).
    let h = 0;
    h += this.rowCov(0, t, c);
    if (t !== 0) h += t * this.rowCov(1, t, c);
    if (c > 0) h += this.rowCov(c, t, c);
    return this.prior[i] * this.nextMu[i] * h;
  }

  // Σ_b cov[ca][b]·x_b over the non-zero entries of the row (1 at 0, t at 1 when t ≠ 0, 1 at c when c > 0).
  private rowCov(ca: number, t: number, c: number): number {
    const { cov, p } = this;
    let s = 0;
    s += cov[ca * p];
    if (t !== 0) s += cov[ca * p + 1] * t;
    if (c > 0) s += cov[ca * p + c];
    return s;
  }

  // pearsonDispersion of glm.ts: Σ (working weight)(yᵢ − μ̂ᵢ)²/μ̂ᵢ² / (n − p).
  private pearsonDispersion(): number {
    const { n, prior, nextMu, mu, y } = this;
    let s = 0;
    for (let i = 0; i < n; i++) {
      const ww = prior[i] > 0 ? prior[i] * nextMu[i] : 0;
      if (ww > 0) s += (ww * (y[i] - mu[i]) ** 2) / (mu[i] * mu[i]);
    }
    return s / this.dfResidual;
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

/**
 * Adds row xᵢ = (1, t, e_c) with weight w and working response z to X'WX (upper triangle of `a`,
 * p × p) and X'Wz, over its non-zero entries (t = 0: no trend entry; c ≤ 0: no factor entry), with
 * the products in glm-cholesky.ts's order.
 */
function addRow(a: Float64Array, rhs: Float64Array, p: number, t: number, c: number, w: number, z: number): void {
  // Intercept (value 1): va = w.
  rhs[0] += w * z;
  a[0] += w;
  if (t !== 0) a[1] += w * t;
  if (c > 0) a[c] += w;
  if (t !== 0) {
    const va = t * w;
    rhs[1] += va * z;
    a[p + 1] += va * t;
    if (c > 0) a[p + c] += va;
  }
  if (c > 0) {
    rhs[c] += w * z;
    a[c * p + c] += w;
  }
}
