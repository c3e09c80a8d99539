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
export class DenseCholesky implements NormalEquationsSolver {
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
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) u[i * p + j] = a[i * p + j] * d[i] * d[j];
    return choleskyInPlace(u, p, tol);
  }

  /** x = A⁻¹ rhs after {@link factor}: U'Uv = D·rhs, x = D v. */
  solve(rhs: Float64Array, x: Float64Array): void {
    const { u, d, v, p } = this;
    for (let i = 0; i < p; i++) v[i] = rhs[i] * d[i];
    choleskySolveInPlace(u, p, v);
    for (let i = 0; i < p; i++) x[i] = v[i] * d[i];
  }

  /** A⁻¹ = D U⁻¹U⁻ᵀ D after {@link factor}, written to `inv` (p × p, row-major, both triangles). */
  inverse(inv: Float64Array): void {
    const { u, d, ui, p } = this;
    choleskyInverse(u, p, ui, inv);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) inv[i * p + j] *= d[i] * d[j];
  }
}

/**
 * Cholesky factorisation in place: the upper triangle of the n × n row-major `m` (a symmetric matrix)
 * becomes U with UᵀU = m; false when a pivot (before its square root) is below tol or NaN.
 */
function choleskyInPlace(m: Float64Array, n: number, tol: number): boolean {
  for (let j = 0; j < n; j++)
    for (let i = 0; i <= j; i++) {
      let s = m[i * n + j];
      for (let k = 0; k < i; k++) s -= m[k * n + i] * m[k * n + j];
      if (i < j) m[i * n + j] = s / m[i * n + i];
      else if (s >= tol) m[j * n + j] = Math.sqrt(s);
      else return false;
    }
  return true;
}

/** v ← (UᵀU)⁻¹v for the factor U of {@link choleskyInPlace}: forward with Uᵀ, back with U. */
function choleskySolveInPlace(u: Float64Array, n: number, v: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = v[i];
    for (let k = 0; k < i; k++) s -= u[k * n + i] * v[k];
    v[i] = s / u[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = v[i];
    for (let k = i + 1; k < n; k++) s -= u[i * n + k] * v[k];
    v[i] = s / u[i * n + i];
  }
}

/**
 * (UᵀU)⁻¹ = U⁻¹U⁻ᵀ from the upper-triangular Cholesky factor U (n × n, row-major), into `out` (both
 * triangles); `ui` is scratch for U⁻¹ (back substitution column by column).
 */
function choleskyInverse(u: Float64Array, n: number, ui: Float64Array, out: Float64Array): void {
  ui.fill(0);
  for (let j = 0; j < n; j++) {
    ui[j * n + j] = 1 / u[j * n + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += u[i * n + k] * ui[k * n + j];
      ui[i * n + j] = -s / u[i * n + i];
    }
  }
  for (let i = 0; i < n; i++)
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = j; k < n; k++) s += ui[i * n + k] * ui[j * n + k];
      out[i * n + j] = out[j * n + i] = s;
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

/** What the IRLS needs of a factorisation of its p × p normal equations (upper triangle in `a`). */
export interface NormalEquationsSolver {
  readonly a: Float64Array;
  factor(tol: number): boolean;
  solve(rhs: Float64Array, x: Float64Array): void;
  inverse(inv: Float64Array): void;
}

/**
 * {@link DenseCholesky} for an arrowhead matrix: the first q columns dense (intercept, trend), the
 * other p − q coupled only to those (the one-hot seasonal factor of the Noufaily fits: its columns
 * never share a row, so their block Λ of X'WX is diagonal). Λ is eliminated first and the q × q
 * Schur complement S = A_DD − A_DL Λ⁻¹ A_LD is factored (block elimination, Golub & Van Loan 2013,
 * §3.2.10 and §4.2): O(p·q²) instead of O(p³), one division per level. S is factored equilibrated by
 * the dense columns' diagonal, D S D with D = diag(1/√a_jj) — the Schur complement of the whole
 * equilibrated matrix, whose level pivots are 1 — so only S's pivots can fall below tol and refuse: an
 * exactly singular design (an empty level, whose zero diagonal is refused first, or an empty reference
 * level, where the intercept is the sum of the level columns) is refused as by DenseCholesky, a nearly
 * singular one at a slightly different point (the general path takes over either way), and results
 * agree to rounding.
 */
export class ArrowheadCholesky implements NormalEquationsSolver {
  readonly a: Float64Array;
  /** 1/√a_jj of the dense columns. */
  private readonly d: Float64Array;
  /** 1/a_cc of the level columns (entries 0…q−1 unused). */
  private readonly lambdaInv: Float64Array;
  /** Cholesky factor of D S D (q × q, upper, row-major) and scratch. */
  private readonly s: Float64Array;
  private readonly sInv: Float64Array;
  private readonly ui: Float64Array;
  /** G = S⁻¹ A_DL Λ⁻¹ (q rows of p; columns q…p−1 used). */
  private readonly g: Float64Array;
  /** A_DL as factored (q rows of p; columns q…p−1 used): the IRLS rebuilds `a` for its next step before it asks for the inverse of the last one. */
  private readonly l: Float64Array;
  private readonly v: Float64Array;

  constructor(
    readonly p: number,
    private readonly q: number,
  ) {
    this.a = new Float64Array(p * p);
    this.d = new Float64Array(q);
    this.lambdaInv = new Float64Array(p);
    this.s = new Float64Array(q * q);
    this.sInv = new Float64Array(q * q);
    this.ui = new Float64Array(q * q);
    this.g = new Float64Array(q * p);
    this.l = new Float64Array(q * p);
    this.v = new Float64Array(q);
  }

  factor(tol: number): boolean {
    const { a, d, p, q, s, l, lambdaInv } = this;
    for (let j = 0; j < q; j++) {
      const ajj = a[j * p + j];
      if (!(ajj > 0) || !Number.isFinite(ajj)) return false;
      d[j] = 1 / Math.sqrt(ajj);
    }
    for (let c = q; c < p; c++) {
      const acc = a[c * p + c];
      if (!(acc > 0) || !Number.isFinite(acc)) return false;
      lambdaInv[c] = 1 / acc;
      for (let j = 0; j < q; j++) l[j * p + c] = a[j * p + c];
    }
    // D S D with S = A_DD − Σ_c A_Dc A_cD / a_cc, then its Cholesky factor in place (upper triangle).
    for (let j = 0; j < q; j++)
      for (let k = j; k < q; k++) {
        let sum = a[j * p + k];
        for (let c = q; c < p; c++) sum -= l[j * p + c] * l[k * p + c] * lambdaInv[c];
        s[j * q + k] = sum * d[j] * d[k];
      }
    return choleskyInPlace(s, q, tol);
  }

  solve(rhs: Float64Array, x: Float64Array): void {
    const { d, p, q, s, l, v, lambdaInv } = this;
    // The reduced right-hand side b_D − A_DL Λ⁻¹ b_L, scaled by D.
    for (let j = 0; j < q; j++) {
      let sum = rhs[j];
      for (let c = q; c < p; c++) sum -= l[j * p + c] * lambdaInv[c] * rhs[c];
      v[j] = sum * d[j];
    }
    // (D S D) y = v with its factor; x_D = D y.
    choleskySolveInPlace(s, q, v);
    for (let j = 0; j < q; j++) x[j] = v[j] * d[j];
    // x_L = Λ⁻¹ (b_L − A_LD x_D).
    for (let c = q; c < p; c++) {
      let sum = rhs[c];
      for (let j = 0; j < q; j++) sum -= l[j * p + c] * x[j];
      x[c] = sum * lambdaInv[c];
    }
  }

  /**
   * A⁻¹ = [[S⁻¹, −G], [−Gᵀ, Λ⁻¹ + Λ⁻¹A_LD G]] with G = S⁻¹ A_DL Λ⁻¹ and S⁻¹ = D (D S D)⁻¹ D, both triangles.
   */
  inverse(inv: Float64Array): void {
    const { d, p, q, s, sInv, ui, g, l, lambdaInv } = this;
    choleskyInverse(s, q, ui, sInv);
    for (let j = 0; j < q; j++) for (let k = 0; k < q; k++) sInv[j * q + k] *= d[j] * d[k];
    for (let j = 0; j < q; j++) {
      for (let k = j; k < q; k++) inv[j * p + k] = inv[k * p + j] = sInv[j * q + k];
      for (let c = q; c < p; c++) {
        let sum = 0;
        for (let k = 0; k < q; k++) sum += sInv[j * q + k] * l[k * p + c];
        g[j * p + c] = sum * lambdaInv[c];
        inv[j * p + c] = inv[c * p + j] = -g[j * p + c];
      }
    }
    for (let c = q; c < p; c++)
      for (let e = c; e < p; e++) {
        let sum = c === e ? lambdaInv[c] : 0;
        for (let j = 0; j < q; j++) sum += l[j * p + c] * lambdaInv[c] * g[j * p + e];
        inv[c * p + e] = inv[e * p + c] = sum;
      }
  }
}
