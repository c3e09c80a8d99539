/**
 * The IRLS of the Farrington baseline fits (farrington-fit.ts) over a design that is never built:
 * an intercept, an optional linear trend in the time index and an optional one-hot seasonal factor
 * (treatment contrasts, level 0 the reference), so each row is its time index and its level.
 * The IRLS is that of fitPoissonGlm in glm.ts with the Cholesky solver of glm-cholesky.ts, step for
 * step (McCullagh & Nelder 1989, §2.5; R's glm.fit start, deviance criterion and linkinv floor). What
 * differs is how each step is computed: the buffers are allocated once, η, μ per level and the pass
 * over level totals in the models without trend, e^η once per run of consecutive rows of a level
 * (then multiplied by e^β₁), w·z without a division, and the arrowhead normal equations of a seasonal
 * factor by block elimination. Those change a few roundings: the fits agree with the general path to
 * ≈ 1e-14 relative (farrington-fit.test.ts holds them to 1e-12).
 */
import { ArrowheadCholesky, DenseCholesky, type NormalEquationsSolver } from './glm-cholesky.js';
/** Same constants as glm.ts (R's glm.control defaults and linkinv floor). */
const EPSILON = 1e-8;
const MAXIT = 25;
const DBL_EPSILON = 2.220446049250313e-16;
const LOG_DBL_EPSILON = Math.log(DBL_EPSILON);
const CHOLESKY_PIVOT_TOLERANCE = 1e-10;

/** Buffers and IRLS of the baseline fits; {@link BaselineFitter} fills the rows and reads the fit. */
export abstract class BaselineIrls {
  /** Rows of the current baseline. */
  n = 0;
  /** 0-based factor level of each row (0 without a factor). */
  readonly level: Int32Array;
  protected readonly levels: number;
  // Per row of the current baseline: y, its time index (the trend covariate), y log y,
  // the deviance term and the working response at the start μ = y + 0.1.
  protected readonly y: Float64Array;
  protected readonly time: Float64Array;
  protected readonly ylogy: Float64Array;
  protected readonly dev0: Float64Array;
  protected readonly z0: Float64Array;
  // η and μ of each factor level, for the models without trend (all rows of a level share them).
  private readonly levelEta: Float64Array;
  private readonly levelMu: Float64Array;
  /** levelMu of the step before (the μ the last step's weights came from). */
  private readonly prevLevelMu: Float64Array;
  // Per level, for the models without trend: Σ prior, Σ prior·y, Σ prior·y log y.
  private readonly levP: Float64Array;
  private readonly levPY: Float64Array;
  private readonly levPYlogy: Float64Array;
  // Per factor column of the current pass: Σw, Σw·t, Σw·z.
  private readonly levW: Float64Array;
  private readonly levWT: Float64Array;
  private readonly levWZ: Float64Array;
  /** Column of each row's factor level in the current model, −1 for level 0. */
  protected readonly col: Int32Array;
  /** First row of each run of consecutive times in one column, and n after the last (setColumns). */
  private readonly runStart: Int32Array;
  private runs = 0;
  /** Prior weights of the fit (1, or the reweighting's ωᵢ). */
  protected readonly prior: Float64Array;
  /** μ̂ of the last fit; nextMu holds the μ its last iteration's weights came from. */
  protected mu: Float64Array;
  protected nextMu: Float64Array;
  private readonly cholesky: NormalEquationsSolver[];
  private readonly rhs: Float64Array;
  /** β̂ and (X'WX)⁻¹ (p × p) of the last fit. */
  protected readonly beta: Float64Array;
  protected readonly cov: Float64Array;
  /** Columns of the current fit: intercept, trend (if any), levels 1…L−1. */
  protected p = 0;
  private trendCol = false;
  protected dfResidual = 0;

  constructor(capacity: number, levels: number) {
    this.levels = levels;
    const pMax = 1 + 1 + (levels - 1);
    this.y = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
    this.ylogy = new Float64Array(capacity);
    this.dev0 = new Float64Array(capacity);
    this.z0 = new Float64Array(capacity);
    this.levelEta = new Float64Array(levels);
    this.levelMu = new Float64Array(levels);
    this.prevLevelMu = new Float64Array(levels);
    this.levP = new Float64Array(levels);
    this.levPY = new Float64Array(levels);
    this.levPYlogy = new Float64Array(levels);
    this.level = new Int32Array(capacity);
    this.col = new Int32Array(capacity);
    this.runStart = new Int32Array(capacity + 1);
    this.levW = new Float64Array(pMax);
    this.levWT = new Float64Array(pMax);
    this.levWZ = new Float64Array(pMax);
    this.prior = new Float64Array(capacity);
    this.mu = new Float64Array(capacity);
    this.nextMu = new Float64Array(capacity);
    // One factorisation workspace per column count (with and without trend).
    // With a seasonal factor the level columns never share a row: X'WX is an arrowhead matrix
    // (intercept and trend dense, levels diagonal), factored in O(p) (ArrowheadCholesky).
    this.cholesky =
      levels > 1
        ? [new ArrowheadCholesky(pMax - 1, 1), new ArrowheadCholesky(pMax, 2)]
        : [new DenseCholesky(pMax - 1), new DenseCholesky(pMax)];
    this.rhs = new Float64Array(pMax);
    this.beta = new Float64Array(pMax);
    this.cov = new Float64Array(pMax * pMax);
  }

  protected setColumns(trend: boolean): void {
    this.trendCol = trend;
    this.p = (trend ? 2 : 1) + this.levels - 1;
    const { n, col, level, time, runStart } = this;
    let runs = 0;
    for (let i = 0; i < n; i++) {
      col[i] = level[i] > 0 ? this.levelCol(level[i]) : -1;
      // A run: consecutive rows of one column at consecutive times (see passTrend).
      if (i === 0 || col[i] !== col[i - 1] || time[i] !== time[i - 1] + 1) runStart[runs++] = i;
    }
    runStart[runs] = n;
    this.runs = runs;
  }

  // Column of level l ≥ 1 of the one-hot factor.
  private levelCol(l: number): number {
    return (this.trendCol ? 1 : 0) + l;
  }

  /**
   * The IRLS of glm.ts (irls with CholeskyWls) with prior weights `prior`: μ = y + 0.1 at the start,
   * R's deviance criterion; false where the factorisation refuses. Leaves β̂ in `beta`, (X'WX)⁻¹ in
   * `cov`, μ̂ in `mu`, and the μ of the last iteration's weights in `nextMu`.
   */
  protected irls(): boolean {
    const { n, y, prior, time, col, beta, rhs, dev0, z0, levelEta, levelMu, prevLevelMu } = this;
    const p = this.p;
    const trend = this.trendCol;
    const chol = this.cholesky[trend ? 1 : 0];
    const a = chol.a;
    let mu = this.mu;
    let nextMu = this.nextMu;
    // The start μ = y + 0.1, its deviance (poissonDeviance of glm.ts) and the first step's normal
    // equations (w = prior·μ, z = η + (y − μ)/μ; log link, V(μ) = μ) over the rows of positive weight.
    let ng = 0;
    let devOld = 0;
    a.fill(0);
    rhs.fill(0, 0, p);
    for (let i = 0; i < n; i++) {
      mu[i] = y[i] + 0.1;
      const wi = prior[i];
      if (!(wi > 0)) continue;
      ng++;
      devOld += 2 * wi * dev0[i];
      addRow(a, rhs, p, trend ? time[i] : 0, col[i], wi * mu[i], z0[i]);
    }
    if (!trend) this.sumLevels();
    let iter = 1;
    for (; iter <= MAXIT; iter++) {
      if (!chol.factor(CHOLESKY_PIVOT_TOLERANCE)) return false;
      chol.solve(rhs, beta);
      let dev: number;
      if (trend) {
        dev = this.passTrend(nextMu);
        const swapMu = mu;
        mu = nextMu;
        nextMu = swapMu;
      } else {
        // Without trend η and μ depend on the level only: computed once per level, and the pass is
        // over the level totals.
        prevLevelMu.set(levelMu);
        for (let l = 0; l < this.levels; l++) {
          let e = beta[0];
          if (l > 0) e += beta[l];
          levelEta[l] = e;
          levelMu[l] = Math.max(Math.exp(e), DBL_EPSILON);
        }
        dev = this.passLevels();
      }
      this.storeNormalEquations(a);
      const done = Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON;
      devOld = dev;
      if (done) break;
    }
    if (!trend) {
      // μ̂ per row, and the μ of the last step's weights: the start y + 0.1 after one step, else the
      // level means of the step before.
      const last = Math.min(iter, MAXIT);
      for (let i = 0; i < n; i++) {
        const l = this.level[i];
        nextMu[i] = last === 1 ? y[i] + 0.1 : prevLevelMu[l];
        mu[i] = levelMu[l];
      }
    }
    this.mu = mu;
    this.nextMu = nextMu;
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
   * One IRLS pass of the model with trend: η = β₀ + tβ₁ + β_c and μ = max(e^η, ε) (as glm.ts), the
   * deviance, and the sums of the next step's normal equations with w = prior·μ and
   * w·z = prior·(μη + y − μ) (z = η + (y − μ)/μ; no division). Row by row within runs of consecutive
   * times of one column (setColumns): along a run η grows by β₁ and μ by the factor e^β₁, so e^η is
   * computed once per run (the Farrington windows and Noufaily blocks, 5–7 rows: a few roundings,
   * ≈ 1e-15 relative, where e^η per row cost a third of a fit) and the run's factor-column sums are
   * added once. Returns the deviance.
   */
  private passTrend(nextMu: Float64Array): number {
    const { y, prior, ylogy, time, col, beta, levW, levWT, levWZ, runStart } = this;
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
    const growth = Math.exp(b1);
    for (let r = 0; r < this.runs; r++) {
      const from = runStart[r];
      const to = runStart[r + 1];
      const c = col[from];
      const t0 = time[from];
      const e0 = b0 + t0 * b1 + (c > 0 ? beta[c] : 0);
      let m = 0;
      let runW = 0;
      let runWT = 0;
      let runWZ = 0;
      for (let i = from; i < to; i++) {
        const k = i - from;
        const t = t0 + k;
        const e = e0 + k * b1;
        m = k > 0 && m > DBL_EPSILON ? Math.max(m * growth, DBL_EPSILON) : Math.max(Math.exp(e), DBL_EPSILON);
        nextMu[i] = m;
        // Prior weights are ≥ 0; a row of weight 0 is out of the fit.
        const pi = prior[i];
        if (!(pi > 0)) continue;
        // Poisson deviance / 2 (McCullagh & Nelder 1989, Table 2.1): y log y − y log μ − (y − μ), log μ = η
        // unless μ is clamped at ε (y log y = y log μ = 0 when y = 0).
        const logMu = m === DBL_EPSILON ? LOG_DBL_EPSILON : e;
        const yi = y[i];
        dev += pi * (ylogy[i] - yi * logMu - (yi - m));
        const w = pi * m;
        const wz = pi * (m * e + (yi - m));
        const wt = w * t;
        a00 += w;
        a01 += wt;
        a11 += wt * t;
        r0 += wz;
        r1 += t * wz;
        runW += w;
        runWT += wt;
        runWZ += wz;
      }
      if (c > 0) {
        levW[c] += runW;
        levWT[c] += runWT;
        levWZ[c] += runWZ;
      }
    }
    this.a00 = a00;
    this.a01 = a01;
    this.a11 = a11;
    this.r0 = r0;
    this.r1 = r1;
    return 2 * dev;
  }

  /** Per level of the current fit: Σ prior, Σ prior·y and Σ prior·y log y over its rows of positive weight. */
  private sumLevels(): void {
    const { n, y, prior, ylogy, level, levP, levPY, levPYlogy } = this;
    levP.fill(0);
    levPY.fill(0);
    levPYlogy.fill(0);
    for (let i = 0; i < n; i++) {
      const pi = prior[i];
      if (!(pi > 0)) continue;
      const l = level[i];
      levP[l] += pi;
      levPY[l] += pi * y[i];
      levPYlogy[l] += pi * ylogy[i];
    }
  }

  /**
   * {@link passTrend} for the model without trend, whose η and μ depend on the level only (levelEta,
   * levelMu): over the level totals of {@link sumLevels}, as Σᵢ prior·(y log y − y log μ − (y − μ)),
   * Σ prior·μ and Σ prior·(μη + y − μ) are linear in them. Returns the deviance.
   */
  private passLevels(): number {
    const { levelEta, levelMu, levW, levWZ, levP, levPY, levPYlogy } = this;
    let dev = 0;
    let a00 = 0;
    let r0 = 0;
    levW.fill(0);
    levWZ.fill(0);
    for (let l = 0; l < this.levels; l++) {
      if (levP[l] === 0) continue;
      const e = levelEta[l];
      const m = levelMu[l];
      const logMu = m === DBL_EPSILON ? LOG_DBL_EPSILON : e;
      dev += levPYlogy[l] - levPY[l] * logMu - (levPY[l] - m * levP[l]);
      const w = m * levP[l];
      const wz = m * e * levP[l] + (levPY[l] - m * levP[l]);
      r0 += wz;
      a00 += w;
      // Level l > 0 is column l of the model without trend.
      if (l > 0) {
        levW[l] += w;
        levWZ[l] += wz;
      }
    }
    this.a00 = a00;
    this.r0 = r0;
    return 2 * dev;
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
  protected leverage(i: number): number {
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

  /**
   * pearsonDispersion of glm.ts, Σ (working weight)(yᵢ − μ̂ᵢ)²/μ̂ᵢ² / (n − p) with working weight
   * prior·μ, and in the same pass the scale R's farringtonFlexible uses after reweighting,
   * Σ prior·(yᵢ − μ̂ᵢ)²/μ̂ᵢ² / (n − p), left in {@link workingScale}.
   */
  protected pearsonDispersion(): number {
    const { n, prior, nextMu, mu, y } = this;
    let pearson = 0;
    let working = 0;
    for (let i = 0; i < n; i++) {
      const pi = prior[i];
      const m = mu[i];
      const r2 = (pi * (y[i] - m) ** 2) / (m * m);
      working += r2;
      if (pi > 0 && nextMu[i] > 0) pearson += r2 * nextMu[i];
    }
    this.workingScale = working / this.dfResidual;
    return pearson / this.dfResidual;
  }

  /** Σ prior·(yᵢ − μ̂ᵢ)²/μ̂ᵢ² / (n − p) of the last {@link pearsonDispersion}. */
  protected workingScale = 0;
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
