/**
 * Poisson / quasi-Poisson generalised linear model with log link, fitted by iteratively
 * reweighted least squares (McCullagh & Nelder 1989, §2.5), with prior weights and offsets.
 * This is the numerical core of the Farrington family (Farrington et al. 1996; Noufaily et al. 2013).
 *
 * Conventions follow R's `glm()` as documented in `?glm` / `?glm.control`: start at μ = y + 0.1,
 * stop when |dev − dev_old| / (|dev| + 0.1) < 1e-8 or after 25 iterations, rank-deficient columns
 * are detected by a QR decomposition with tolerance 1e-11 and reported as aliased (the QR is the
 * fallback; well-conditioned designs are solved by the normal equations, see fitPoissonGlm).
 */

import { CholeskyWls, sparseRows, type SparseRows } from './glm-cholesky.js';
import { applyQt, backSolve, householderQr, unscaledCovariance, type Qr } from './glm-qr.js';

export { qnorm, qnbinom, qpois, pnbinom, ppois, ptTwoSided } from './glm-distributions.js';

/** Data of one fit: design matrix rows, response, optional prior weights and offset. */
export interface GlmData {
  /** n rows of p covariates each (include a column of ones for the intercept). */
  readonly x: readonly (readonly number[])[];
  readonly y: readonly number[];
  /** Prior weights (default 1); observations with weight 0 take no part in the fit. */
  readonly weights?: readonly number[];
  /** Offset on the linear-predictor scale (default 0). */
  readonly offset?: readonly number[];
}

/** Iteration control, R `glm.control` defaults. */
export interface GlmControl {
  readonly epsilon: number;
  readonly maxit: number;
}

/** The result of {@link fitPoissonGlm}. */
export interface PoissonGlmFit {
  /** Coefficients; NaN where the column is aliased (R's NA). */
  readonly coefficients: number[];
  readonly aliased: boolean[];
  /** Fitted means μ̂ᵢ. */
  readonly fitted: number[];
  /** Linear predictor η̂ᵢ = xᵢ'β̂ + offsetᵢ. */
  readonly linearPredictor: number[];
  /** (X'WX)⁻¹ (p × p, zero rows/columns for aliased coefficients): multiply by φ for the covariance. */
  readonly covUnscaled: number[][];
  /**
   * Working weights of the last IRLS iteration, prior·μ at that iteration's start (as R's `glm`
   * reports them); the covariance, leverages and dispersion are based on these.
   */
  readonly workingWeights: number[];
  /** Leverages hᵢᵢ of the weighted fit (0 where the prior weight is 0). */
  readonly hat: number[];
  readonly deviance: number;
  /** Residual degrees of freedom: observations with positive weight minus rank. */
  readonly dfResidual: number;
  readonly rank: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const DEFAULT_CONTROL: GlmControl = { epsilon: 1e-8, maxit: 25 };
const DBL_EPSILON = 2.220446049250313e-16;
const LOG_DBL_EPSILON = Math.log(DBL_EPSILON);
/** Smallest pivot of the equilibrated X'WX accepted by the Cholesky path (condition number ≲ 1e10). */
const CHOLESKY_PIVOT_TOLERANCE = 1e-10;

/** Poisson deviance 2 Σ wᵢ [yᵢ log(yᵢ/μᵢ) − (yᵢ − μᵢ)] (McCullagh & Nelder 1989, Table 2.1). */
export function poissonDeviance(y: ArrayLike<number>, mu: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    dev += 2 * w * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
  }
  return dev;
}

/** Weighted least squares for one IRLS step; `rank`, `aliased` and `covUnscaled` refer to the last solve. */
interface WlsSolver {
  /** β (0 where aliased) for rows `good` (w, z indexed like `good`); null: this solver cannot, use another. */
  solve(good: ArrayLike<number>, w: ArrayLike<number>, z: ArrayLike<number>): number[] | null;
  readonly rank: number;
  readonly aliased: boolean[];
  /** (X'WX)⁻¹, p × p, zero rows and columns for aliased coefficients. */
  covUnscaled(): number[][];
}

// Householder QR of √W X with R's pivoting and tolerance 1e-11 (as glm.fit), aliased columns dropped.
class QrWls implements WlsSolver {
  rank = 0;
  aliased: boolean[] = [];
  private qr: Qr | undefined;

  constructor(
    private readonly x: readonly (readonly number[])[],
    private readonly p: number,
  ) {}

  solve(good: ArrayLike<number>, w: ArrayLike<number>, z: ArrayLike<number>): number[] {
    const { x, p } = this;
    const ng = good.length;
    const cols: number[][] = [];
    for (let j = 0; j < p; j++) cols.push(new Array<number>(ng).fill(0));
    const zq = new Array<number>(ng).fill(0);
    for (let r = 0; r < ng; r++) {
      const sw = Math.sqrt(w[r]);
      const row = x[good[r]];
      for (let j = 0; j < p; j++) cols[j][r] = row[j] * sw;
      zq[r] = z[r] * sw;
    }
    const qr = householderQr(cols, ng, 1e-11);
    applyQt(qr, zq, ng);
    const coef = backSolve(qr, zq);
    const beta = new Array<number>(p).fill(0);
    this.aliased = new Array<boolean>(p).fill(true);
    for (let k = 0; k < qr.rank; k++) {
      beta[qr.pivot[k]] = coef[k];
      this.aliased[qr.pivot[k]] = false;
    }
    this.qr = qr;
    this.rank = qr.rank;
    return beta;
  }

  covUnscaled(): number[][] {
    const qr = this.qr as Qr;
    const covRank = unscaledCovariance(qr);
    const cov: number[][] = Array.from({ length: this.p }, () => new Array<number>(this.p).fill(0));
    for (let a = 0; a < qr.rank; a++) for (let b = 0; b < qr.rank; b++) cov[qr.pivot[a]][qr.pivot[b]] = covRank[a][b];
    return cov;
  }
}

/**
 * Fit a Poisson GLM with log link by IRLS. The quasi-Poisson fit has the same estimates; its
 * dispersion comes from {@link pearsonDispersion}. Each step solves the weighted least squares by
 * the normal equations (Cholesky, glm-cholesky.ts) when they are well conditioned, else the whole
 * fit is done with the Householder QR and R's pivoting (glm-qr.ts): the two agree to rounding
 * (≈ 1e-13 relative on the R fixtures) where both apply.
 */
export function fitPoissonGlm(data: GlmData, control: Partial<GlmControl> = {}): PoissonGlmFit {
  const ctl = { ...DEFAULT_CONTROL, ...control };
  const p = data.y.length > 0 ? data.x[0].length : 0;
  const rows = sparseRows(data.x, p);
  return irls(data, ctl, rows, new CholeskyWls(rows, p, CHOLESKY_PIVOT_TOLERANCE)) ?? (irls(data, ctl, rows, new QrWls(data.x, p)) as PoissonGlmFit);
}

// The IRLS loop (McCullagh & Nelder 1989, §2.5), as R's glm.fit; null when the solver gives up.
function irls(data: GlmData, control: GlmControl, xs: SparseRows, solver: WlsSolver): PoissonGlmFit | null {
  const { epsilon, maxit } = control;
  const { y } = data;
  const n = y.length;
  const prior = data.weights ?? new Array<number>(n).fill(1);
  const offset = data.offset;
  let ng = 0;
  for (let i = 0; i < n; i++) if (prior[i] > 0) ng++;
  const good = new Int32Array(ng);
  for (let i = 0, r = 0; i < n; i++) if (prior[i] > 0) good[r++] = i;
  const { start, col, val } = xs;

  // R's poisson()$initialize: μ = y + 0.1; linkinv is max(exp(η), ε).
  let mu = new Float64Array(n);
  let eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    mu[i] = y[i] + 0.1;
    eta[i] = Math.log(mu[i]);
  }
  // Two buffers each for μ and η, swapped every iteration (the fit allocates nothing per iteration
  // but β): the weights of the last iteration are the μ it started from.
  let nextMu = new Float64Array(n);
  let nextEta = new Float64Array(n);
  // y log y once per fit: the deviance of each iteration then needs no logarithm, as log μ = η
  // wherever μ = exp(η) is not clamped at ε (same value to rounding as poissonDeviance).
  const ylogy = new Float64Array(n);
  for (let i = 0; i < n; i++) ylogy[i] = y[i] > 0 ? y[i] * Math.log(y[i]) : 0;
  let devOld = poissonDeviance(y, mu, prior);
  let beta: number[] | undefined;
  let weightMu = mu;
  let converged = false;
  let iter = 0;
  const w = new Float64Array(ng);
  const z = new Float64Array(ng);
  for (iter = 1; iter <= maxit; iter++) {
    weightMu = mu;
    // Working response z = η − offset + (y − μ)/μ and weight w = prior·μ (log link, V(μ) = μ).
    for (let r = 0; r < ng; r++) {
      const i = good[r];
      w[r] = prior[i] * mu[i];
      z[r] = eta[i] - (offset ? offset[i] : 0) + (y[i] - mu[i]) / mu[i];
    }
    beta = solver.solve(good, w, z) ?? undefined;
    if (!beta) return null;
    for (let i = 0; i < n; i++) {
      let e = offset ? offset[i] : 0;
      for (let k = start[i]; k < start[i + 1]; k++) e += val[k] * beta[col[k]];
      nextEta[i] = e;
      nextMu[i] = Math.max(Math.exp(e), DBL_EPSILON);
    }
    [eta, nextEta] = [nextEta, eta];
    [mu, nextMu] = [nextMu, mu];
    // Poisson deviance 2 Σ wᵢ [yᵢ log yᵢ − yᵢ log μᵢ − (yᵢ − μᵢ)] (McCullagh & Nelder 1989, Table 2.1).
    let dev = 0;
    for (let i = 0; i < n; i++) {
      if (prior[i] === 0) continue;
      const logMu = mu[i] === DBL_EPSILON ? LOG_DBL_EPSILON : eta[i];
      dev += 2 * prior[i] * (y[i] > 0 ? ylogy[i] - y[i] * logMu : 0) - 2 * prior[i] * (y[i] - mu[i]);
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      devOld = dev;
      break;
    }
    devOld = dev;
  }
  if (!beta) throw new Error('fitPoissonGlm: no iterations');
  const { aliased, rank } = solver;

  const coefficients = beta.map((b, j) => (aliased[j] ? NaN : b));
  const covUnscaled = solver.covUnscaled();
  // Leverages from the weights of the last iteration, as R's influence() reads them from the QR.
  // Computed on first use: the Farrington fits need them only for the Anscombe residuals before
  // reweighting, not for the reweighted fit.
  const finalMu = weightMu;
  const leverages = lazy((): number[] => {
    const hat = new Array<number>(n).fill(0);
    for (let r = 0; r < ng; r++) {
      const i = good[r];
      // hᵢᵢ = wᵢ xᵢ'(X'WX)⁻¹xᵢ over the non-zero entries of xᵢ.
      let h = 0;
      for (let a = start[i]; a < start[i + 1]; a++) {
        const ca = covUnscaled[col[a]];
        let s = 0;
        for (let b = start[i]; b < start[i + 1]; b++) s += ca[col[b]] * val[b];
        h += val[a] * s;
      }
      hat[i] = prior[i] * finalMu[i] * h;
    }
    return hat;
  });
  // The per-observation arrays are made on first use too (glrnb reads only the coefficients).
  const fitted = lazy(() => toArray(mu));
  const linearPredictor = lazy(() => toArray(eta));
  const workingWeights = lazy(() => {
    const ww = new Array<number>(n);
    for (let i = 0; i < n; i++) ww[i] = prior[i] > 0 ? prior[i] * finalMu[i] : 0;
    return ww;
  });
  return {
    coefficients,
    aliased,
    get fitted() {
      return fitted();
    },
    get linearPredictor() {
      return linearPredictor();
    },
    covUnscaled,
    get workingWeights() {
      return workingWeights();
    },
    get hat() {
      return leverages();
    },
    deviance: devOld,
    dfResidual: ng - rank,
    rank,
    iterations: Math.min(iter, maxit),
    converged,
  };
}

/** A plain array copy of a typed array (Array.from iterates, allocating a result object per element). */
function toArray(a: Float64Array): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i];
  return out;
}

/** The value of `make`, computed on the first call and kept. */
function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/**
 * Pearson dispersion estimate φ̂ = Σ wᵢ (yᵢ − μ̂ᵢ)² / μ̂ᵢ / (n − p) of the quasi-Poisson model
 * (McCullagh & Nelder 1989, eq. 4.23; Farrington et al. 1996, §3.3 with prior weights).
 * As in R's `summary.glm`, it is evaluated as Σ (working weight)·(working residual)², with the
 * working weights wᵢμᵢ of the last iteration: identical at convergence, and it reproduces R to
 * rounding rather than to the IRLS tolerance.
 */
export function pearsonDispersion(fit: PoissonGlmFit, data: GlmData): number {
  let s = 0;
  for (let i = 0; i < data.y.length; i++) {
    const ww = fit.workingWeights[i];
    if (ww > 0) s += (ww * (data.y[i] - fit.fitted[i]) ** 2) / (fit.fitted[i] * fit.fitted[i]);
  }
  return s / fit.dfResidual;
}

/**
 * Linear predictor at a new covariate row x₀ and its unscaled variance x₀'(X'WX)⁻¹x₀
 * (multiply by φ for Var(η̂₀); delta method gives Var(μ̂₀) = μ̂₀² φ x₀'(X'WX)⁻¹x₀).
 */
export function predictLink(fit: PoissonGlmFit, x0: readonly number[], offset0 = 0): { eta: number; varUnscaled: number } {
  let eta = offset0;
  let v = 0;
  for (let a = 0; a < x0.length; a++) {
    if (fit.aliased[a]) continue;
    eta += x0[a] * fit.coefficients[a];
    for (let b = 0; b < x0.length; b++) if (!fit.aliased[b]) v += x0[a] * fit.covUnscaled[a][b] * x0[b];
  }
  return { eta, varUnscaled: v };
}

/**
 * Standardised Anscombe residuals of a quasi-Poisson fit,
 * sᵢ = 3/2 (yᵢ^{2/3} − μ̂ᵢ^{2/3}) / (μ̂ᵢ^{1/6} √(φ(1 − hᵢᵢ))) (Farrington et al. 1996, §3.4).
 */
export function anscombeResiduals(fit: PoissonGlmFit, y: readonly number[], phi: number): number[] {
  return y.map((yi, i) => {
    const mu = fit.fitted[i];
    return (1.5 * (Math.cbrt(yi * yi) - Math.cbrt(mu * mu))) / (Math.pow(mu, 1 / 6) * Math.sqrt(phi * (1 - fit.hat[i])));
  });
}
