/**
 * The fast solver of the IRLS in glm.ts: weighted least squares by the normal equations X'WX β = X'Wz,
 * formed over the non-zero entries of each row (the Farrington designs are an intercept, a trend and
 * a one-hot seasonal factor, so a row has at most three), and solved by a Cholesky factorisation of
 * the equilibrated p × p matrix (Golub & Van Loan 2013, §4.2 and §3.5.2; Björck 1996, §2.2).
 *
 * The normal equations square the condition number of the weighted design, so the factorisation
 * refuses (returns null) when a pivot of the equilibrated matrix falls below a tolerance; the caller
 * then uses the Householder QR with R's pivoting (glm-qr.ts), which also decides aliasing exactly as
 * R does. A QR aliasing decision (residual column norm < 1e-11 of the column's norm) corresponds to an
 * equilibrated pivot < 1e-22, far below the tolerance, so every design R would call rank-deficient
 * takes the QR path.
 */

/** Rows of X as lists of (column, value) of their non-zero entries (compressed sparse rows). */
export interface SparseRows {
  readonly start: Int32Array;
  readonly col: Int32Array;
  readonly val: Float64Array;
}

/** Compressed rows of the n × p matrix x (zeros dropped; columns ascending within a row), in typed arrays sized by a first counting pass. */
export function sparseRows(x: readonly (readonly number[])[], p: number): SparseRows {
  const n = x.length;
  let nnz = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) if (x[i][j] !== 0) nnz++;
  const start = new Int32Array(n + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    start[i] = k;
    const row = x[i];
    for (let j = 0; j < p; j++)
      if (row[j] !== 0) {
        col[k] = j;
        val[k++] = row[j];
      }
  }
  start[n] = k;
  return { start, col, val };
}

/**
 * Cholesky factorisation of an equilibrated symmetric p × p matrix, in preallocated typed arrays:
 * D A D = U'U with D = diag(1/√aₖₖ) (Golub & Van Loan 2013, §4.2 and §3.5.2), then solves and the
 * inverse A⁻¹ = D U⁻¹U⁻ᵀ D. The caller fills the upper triangle of `a` (row-major, a[i·p + j], i ≤ j).
 * Shared by {@link CholeskyWls} and the Farrington baseline fits (farrington-fit.ts).
 */
export class DenseCholesky {
  /** The matrix to factor: upper triangle, row-major. */
  readonly a: Float64Array;
  private readonly u: Float64Array;
  private readonly d: Float64Array;
  private readonly v: Float64Array;
  private readonly ui: Float64Array;

  constructor(readonly p: number) {
    this.a = new Float64Array(p * p);
    this.u = new Float64Array(p * p);
    this.d = new Float64Array(p);
    this.v = new Float64Array(p);
    this.ui = new Float64Array(p * p);
  }

  /** D A D = U'U; false when a diagonal entry is not positive and finite or a pivot is below tol (or NaN). */
  factor(tol: number): boolean {
    const { a, u, d, p } = this;
    for (let k = 0; k < p; k++) {
      const akk = a[k * p + k];
      if (!(akk > 0) || !Number.isFinite(akk)) return false;
      d[k] = 1 / Math.sqrt(akk);
    }
    for (let j = 0; j < p; j++) {
      for (let i = 0; i <= j; i++) {
        let s = a[i * p + j] * d[i] * d[j];
        for (let k = 0; k < i; k++) s -= u[k * p + i] * u[k * p + j];
        if (i < j) u[i * p + j] = s / u[i * p + i];
        else if (s >= tol) u[j * p + j] = Math.sqrt(s);
        else return false;
      }
    }
    return true;
  }

  /** x = A⁻¹ rhs after {@link factor}: U'v = D·rhs (forward), U x = v (backward), x = D x. */
  solve(rhs: Float64Array, x: Float64Array): void {
    const { u, d, v, p } = this;
    for (let i = 0; i < p; i++) {
      let s = rhs[i] * d[i];
      for (let k = 0; k < i; k++) s -= u[k * p + i] * v[k];
      v[i] = s / u[i * p + i];
    }
    for (let i = p - 1; i >= 0; i--) {
      let s = v[i];
      for (let k = i + 1; k < p; k++) s -= u[i * p + k] * v[k];
      v[i] = s / u[i * p + i];
    }
    for (let i = 0; i < p; i++) x[i] = v[i] * d[i];
  }

  /** A⁻¹ = D U⁻¹U⁻ᵀ D after {@link factor}, written to `inv` (p × p, row-major, both triangles). */
  inverse(inv: Float64Array): void {
    const { u, d, ui, p } = this;
    ui.fill(0);
    for (let j = 0; j < p; j++) {
      ui[j * p + j] = 1 / u[j * p + j];
      for (let i = j - 1; i >= 0; i--) {
        let s = 0;
        for (let k = i + 1; k <= j; k++) s += u[i * p + k] * ui[k * p + j];
        ui[i * p + j] = -s / u[i * p + i];
      }
    }
    for (let i = 0; i < p; i++)
      for (let j = i; j < p; j++) {
        let s = 0;
        for (let k = j; k < p; k++) s += ui[i * p + k] * ui[j * p + k];
        inv[i * p + j] = inv[j * p + i] = s * d[i] * d[j];
      }
  }
}

/**
 * Weighted least squares min Σᵣ wᵣ(zᵣ − xᵣ'β)² over a subset of the rows of X by the normal equations:
 * X'WX (upper triangle) accumulated over the non-zero entries of each row, scaled to unit diagonal
 * D X'WX D = U'U (Cholesky, {@link DenseCholesky}), β = D U⁻¹U⁻ᵀ D X'Wz. Buffers are allocated once per fit.
 */
export class CholeskyWls {
  readonly aliased: boolean[];
  readonly rank: number;
  private readonly chol: DenseCholesky;
  private readonly rhs: Float64Array;

  /** `tol`: smallest accepted pivot of the equilibrated matrix (its condition number is ≲ 1/tol). */
  constructor(
    private readonly x: SparseRows,
    private readonly p: number,
    private readonly tol: number,
  ) {
    this.aliased = new Array<boolean>(p).fill(false);
    this.rank = p;
    this.chol = new DenseCholesky(p);
    this.rhs = new Float64Array(p);
  }

  /** β for rows `good` with weights w and working responses z (indexed like `good`); null if ill-conditioned. */
  solve(good: ArrayLike<number>, w: ArrayLike<number>, z: ArrayLike<number>): number[] | null {
    this.normalEquations(good, w, z);
    if (!this.chol.factor(this.tol)) return null;
    const beta = new Float64Array(this.p);
    this.chol.solve(this.rhs, beta);
    return Array.from(beta);
  }

  private normalEquations(good: ArrayLike<number>, w: ArrayLike<number>, z: ArrayLike<number>): void {
    const { rhs, p } = this;
    const { a } = this.chol;
    const { start, col, val } = this.x;
    a.fill(0);
    rhs.fill(0);
    for (let r = 0; r < good.length; r++) {
      const i = good[r];
      const wr = w[r];
      const zr = z[r];
      const end = start[i + 1];
      for (let k = start[i]; k < end; k++) {
        const ca = col[k];
        const va = val[k] * wr;
        rhs[ca] += va * zr;
        const base = ca * p;
        for (let m = k; m < end; m++) a[base + col[m]] += va * val[m];
      }
    }
  }

  /** (X'WX)⁻¹ = D U⁻¹U⁻ᵀ D of the last successful solve, as p rows. */
  covUnscaled(): number[][] {
    const { p } = this;
    const flat = new Float64Array(p * p);
    this.chol.inverse(flat);
    const inv: number[][] = [];
    for (let i = 0; i < p; i++) inv.push(Array.from(flat.subarray(i * p, (i + 1) * p)));
    return inv;
  }
}
