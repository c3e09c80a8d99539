/**
 * Poisson / quasi-Poisson generalised linear model with log link, fitted by iteratively
 * reweighted least squares (McCullagh & Nelder 1989, §2.5), with prior weights and offsets.
 * This is the numerical core of the Farrington family (Farrington et al. 1996; Noufaily et al. 2013).
 *
 * Conventions follow R's `glm()` as documented in `?glm` / `?glm.control`: start at μ = y + 0.1,
 * stop when |dev − dev_old| / (|dev| + 0.1) < 1e-8 or after 25 iterations, rank-deficient columns
 * are detected by a QR decomposition with tolerance 1e-11 and reported as aliased.
 */

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

/** Householder QR of the n × p matrix `a` (column-major copy), with R's limited pivoting (`dqrdc2`). */
interface Qr {
  qr: number[][]; // columns, overwritten by R (upper part) and Householder vectors (lower part)
  qraux: number[];
  /** First component of each Householder vector (the diagonal slot holds R's diagonal). */
  v1: number[];
  pivot: number[];
  rank: number;
}

function householderQr(cols: number[][], n: number, tol: number): Qr {
  const p = cols.length;
  const pivot = cols.map((_, j) => j);
  const orig = cols.map((c) => {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += c[i] * c[i];
    return Math.sqrt(ss);
  });
  const qraux = new Array<number>(p).fill(0);
  const v1s = new Array<number>(p).fill(0);
  let rank = p;
  let k = 0;
  while (k < Math.min(rank, n)) {
    const c = cols[k];
    let norm = 0;
    for (let i = k; i < n; i++) norm += c[i] * c[i];
    norm = Math.sqrt(norm);
    // A column whose remaining norm is negligible relative to its original norm is moved to the end.
    if (norm < tol * (orig[pivot[k]] || 1) || norm === 0) {
      cols.push(cols.splice(k, 1)[0]);
      pivot.push(pivot.splice(k, 1)[0]);
      rank--;
      continue;
    }
    const alpha = c[k] > 0 ? -norm : norm;
    // v = x − αe₁, stored in place; H = I − 2vv'/v'v.
    c[k] -= alpha;
    let vtv = 0;
    for (let i = k; i < n; i++) vtv += c[i] * c[i];
    for (let j = k + 1; j < p; j++) {
      const cj = cols[j];
      let s = 0;
      for (let i = k; i < n; i++) s += c[i] * cj[i];
      const f = (2 * s) / vtv;
      for (let i = k; i < n; i++) cj[i] -= f * c[i];
    }
    qraux[k] = vtv;
    // Keep v below the diagonal; the diagonal of R is α, v's first component goes to v1.
    v1s[k] = c[k];
    c[k] = alpha;
    k++;
  }
  return { qr: cols, qraux, v1: v1s, pivot, rank: Math.min(rank, n) };
}

// Apply Q' (the Householder reflections in order) to vector z.
function applyQt(qr: Qr, z: number[], n: number): void {
  for (let k = 0; k < qr.rank; k++) {
    const c = qr.qr[k];
    const v1 = qr.v1[k];
    let s = v1 * z[k];
    for (let i = k + 1; i < n; i++) s += c[i] * z[i];
    const f = (2 * s) / qr.qraux[k];
    z[k] -= f * v1;
    for (let i = k + 1; i < n; i++) z[i] -= f * c[i];
  }
}

// Solve R b = rhs (upper-triangular, first `rank` columns).
function backSolve(qr: Qr, rhs: number[]): number[] {
  const r = qr.rank;
  const b = new Array<number>(r).fill(0);
  for (let i = r - 1; i >= 0; i--) {
    let s = rhs[i];
    for (let j = i + 1; j < r; j++) s -= qr.qr[j][i] * b[j];
    b[i] = s / qr.qr[i][i];
  }
  return b;
}

// (R'R)⁻¹ = R⁻¹R⁻ᵀ for the leading rank × rank block.
function unscaledCovariance(qr: Qr): number[][] {
  const r = qr.rank;
  const rinv: number[][] = Array.from({ length: r }, () => new Array<number>(r).fill(0));
  for (let j = 0; j < r; j++) {
    const e = new Array<number>(r).fill(0);
    e[j] = 1;
    const col = backSolve(qr, e);
    for (let i = 0; i < r; i++) rinv[i][j] = col[i];
  }
  const cov: number[][] = Array.from({ length: r }, () => new Array<number>(r).fill(0));
  for (let i = 0; i < r; i++)
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let k = Math.max(i, j); k < r; k++) s += rinv[i][k] * rinv[j][k];
      cov[i][j] = s;
    }
  return cov;
}

/** Poisson deviance 2 Σ wᵢ [yᵢ log(yᵢ/μᵢ) − (yᵢ − μᵢ)] (McCullagh & Nelder 1989, Table 2.1). */
export function poissonDeviance(y: readonly number[], mu: readonly number[], weights?: readonly number[]): number {
  let dev = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i] : 1;
    if (w === 0) continue;
    dev += 2 * w * ((y[i] > 0 ? y[i] * Math.log(y[i] / mu[i]) : 0) - (y[i] - mu[i]));
  }
  return dev;
}

/**
 * Fit a Poisson GLM with log link by IRLS. The quasi-Poisson fit has the same estimates; its
 * dispersion comes from {@link pearsonDispersion}.
 */
export function fitPoissonGlm(data: GlmData, control: Partial<GlmControl> = {}): PoissonGlmFit {
  const { epsilon, maxit } = { ...DEFAULT_CONTROL, ...control };
  const { x, y } = data;
  const n = y.length;
  const p = n > 0 ? x[0].length : 0;
  const prior = data.weights ?? new Array<number>(n).fill(1);
  const offset = data.offset ?? new Array<number>(n).fill(0);
  const good: number[] = [];
  for (let i = 0; i < n; i++) if (prior[i] > 0) good.push(i);
  const ng = good.length;

  // R's poisson()$initialize: μ = y + 0.1; linkinv is max(exp(η), ε).
  let mu = y.map((v) => v + 0.1);
  let eta = mu.map(Math.log);
  let devOld = poissonDeviance(y, mu, prior);
  let qr: Qr | undefined;
  let weightMu = mu;
  let coef: number[] = [];
  let converged = false;
  let iter = 0;
  for (iter = 1; iter <= maxit; iter++) {
    weightMu = mu;
    // Working response z = η − offset + (y − μ)/μ and weight w = prior·μ (log link, V(μ) = μ).
    // Plain loops over plain arrays: typed-array allocation and `from` with a map are slow in V8.
    const cols: number[][] = [];
    for (let j = 0; j < p; j++) cols.push(new Array<number>(ng).fill(0));
    const z = new Array<number>(ng).fill(0);
    for (let r = 0; r < ng; r++) {
      const i = good[r];
      const sw = Math.sqrt(prior[i] * mu[i]);
      const row = x[i];
      for (let j = 0; j < p; j++) cols[j][r] = row[j] * sw;
      z[r] = (eta[i] - offset[i] + (y[i] - mu[i]) / mu[i]) * sw;
    }
    qr = householderQr(cols, ng, 1e-11);
    applyQt(qr, z, ng);
    coef = backSolve(qr, z);
    const beta = new Array<number>(p).fill(0);
    for (let k = 0; k < qr.rank; k++) beta[qr.pivot[k]] = coef[k];
    const nextEta = new Array<number>(n).fill(0);
    const nextMu = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const row = x[i];
      let e = offset[i];
      for (let j = 0; j < p; j++) e += row[j] * beta[j];
      nextEta[i] = e;
      nextMu[i] = Math.max(Math.exp(e), DBL_EPSILON);
    }
    eta = nextEta;
    mu = nextMu;
    const dev = poissonDeviance(y, mu, prior);
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      converged = true;
      devOld = dev;
      break;
    }
    devOld = dev;
  }
  if (!qr) throw new Error('fitPoissonGlm: no iterations');

  const coefficients = new Array<number>(p).fill(NaN);
  const aliased = new Array<boolean>(p).fill(true);
  for (let k = 0; k < qr.rank; k++) {
    coefficients[qr.pivot[k]] = coef[k];
    aliased[qr.pivot[k]] = false;
  }
  const covRank = unscaledCovariance(qr);
  const covUnscaled: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let a = 0; a < qr.rank; a++)
    for (let b = 0; b < qr.rank; b++) covUnscaled[qr.pivot[a]][qr.pivot[b]] = covRank[a][b];

  // Leverages from the weights of the last iteration, as R's influence() reads them from the QR.
  // Computed on first use (O(n·rank²), as much as the QR itself): the Farrington fits need them
  // only for the Anscombe residuals before reweighting, not for the reweighted fit.
  const rank = qr.rank;
  const finalMu = weightMu;
  let hatCache: number[] | undefined;
  const leverages = (): number[] => {
    if (hatCache) return hatCache;
    const hat = new Array<number>(n).fill(0);
    const r = new Array<number>(rank).fill(0);
    for (const i of good) {
      for (let a = 0; a < rank; a++) r[a] = x[i][(qr as Qr).pivot[a]];
      let h = 0;
      for (let a = 0; a < rank; a++) {
        const ca = covRank[a];
        let s = 0;
        for (let b = 0; b < rank; b++) s += ca[b] * r[b];
        h += r[a] * s;
      }
      // hᵢᵢ = wᵢ xᵢ'(X'WX)⁻¹xᵢ
      hat[i] = prior[i] * finalMu[i] * h;
    }
    return (hatCache = hat);
  };
  return {
    coefficients,
    aliased,
    fitted: mu,
    linearPredictor: eta,
    covUnscaled,
    workingWeights: y.map((_, i) => (prior[i] > 0 ? prior[i] * weightMu[i] : 0)),
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
