/**
 * Poisson GLM (log link) for a design whose row depends only on the period's phase t mod p: the
 * harmonic in-control model of glrnb (intercept and S cosine/sine pairs, Höhle & Paul 2008, §2). All
 * rows of one phase share x, so from the second IRLS step on, when μ is a function of x, the normal
 * equations X'WX = Σ_t μ_t x_t x_t' and X'Wz = Σ_t (μ_t η_t + y_t − μ_t) x_t are sums over the p phases
 * of phase totals (n_r μ_r, Σ y), and the deviance needs Σ y log y once. The first step starts from
 * R's μ = y + 0.1 (glm.fit, poisson()$initialize), which differs row by row, so it sums phase totals of
 * μ and μη + y − μ over the rows. Same iterations, criterion and floor as glm.ts (R's glm.fit): the
 * coefficients agree with fitPoissonGlm to rounding (summation order), in O(n + iterations · p)
 * instead of O(iterations · n).
 */
import { DenseCholesky } from './glm-cholesky.js';

const EPSILON = 1e-8;
const MAXIT = 25;
const DBL_EPSILON = 2.220446049250313e-16;
const LOG_DBL_EPSILON = Math.log(DBL_EPSILON);
const CHOLESKY_PIVOT_TOLERANCE = 1e-10;

/**
 * β̂ of the Poisson GLM of y[0..n) on rows x(t mod p) (t = 1…n, `phaseRow(r)` gives the row of phase r),
 * or null where the Cholesky factorisation refuses (too few phases observed, ill-conditioned): the
 * caller then fits the general way (glm.ts, R's pivoted QR and aliasing).
 */
export function fitPeriodicPoisson(y: readonly number[], n: number, p: number, phaseRow: (r: number) => readonly number[]): Float64Array | null {
  const q = phaseRow(0).length;
  const rows = Array.from({ length: p }, (_, r) => phaseRow(r));
  const count = new Float64Array(p);
  const ySum = new Float64Array(p);
  const m = new Float64Array(p); // Σ weight of the phase in the current step
  const mz = new Float64Array(p); // Σ weight·working response of the phase
  let ylogySum = 0;
  let dev = 0;
  for (let i = 0; i < n; i++) {
    const r = (i + 1) % p;
    const yi = y[i];
    const mu = yi + 0.1;
    const eta = Math.log(mu);
    count[r]++;
    ySum[r] += yi;
    if (yi > 0) ylogySum += yi * Math.log(yi);
    // Deviance at the start, and the first step's weight μ and μ·z = μη + y − μ.
    dev += 2 * ((yi > 0 ? yi * Math.log(yi / mu) : 0) - (yi - mu));
    m[r] += mu;
    mz[r] += mu * eta + (yi - mu);
  }
  const chol = new DenseCholesky(q);
  const rhs = new Float64Array(q);
  const beta = new Float64Array(q);
  let devOld = dev;
  for (let iter = 1; iter <= MAXIT; iter++) {
    const a = chol.a;
    a.fill(0);
    rhs.fill(0);
    for (let r = 0; r < p; r++) {
      if (count[r] === 0) continue;
      const x = rows[r];
      for (let j = 0; j < q; j++) {
        rhs[j] += mz[r] * x[j];
        const mx = m[r] * x[j];
        for (let k = j; k < q; k++) a[j * q + k] += mx * x[k];
      }
    }
    if (!chol.factor(CHOLESKY_PIVOT_TOLERANCE)) return null;
    chol.solve(rhs, beta);
    // μ and η per phase; the deviance 2 Σ [y log y − y log μ − (y − μ)] from phase totals.
    dev = 2 * ylogySum;
    for (let r = 0; r < p; r++) {
      if (count[r] === 0) continue;
      const x = rows[r];
      let eta = 0;
      for (let j = 0; j < q; j++) eta += x[j] * beta[j];
      const mu = Math.max(Math.exp(eta), DBL_EPSILON);
      const logMu = mu === DBL_EPSILON ? LOG_DBL_EPSILON : eta;
      dev -= 2 * (ySum[r] * logMu + (ySum[r] - count[r] * mu));
      m[r] = count[r] * mu;
      mz[r] = count[r] * mu * eta + (ySum[r] - count[r] * mu);
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) return beta;
    devOld = dev;
  }
  return beta;
}
