/**
 * Householder QR with R's limited column pivoting (LINPACK `dqrdc2`, as R's `glm.fit` uses it):
 * the fallback solver of the IRLS in glm.ts for rank-deficient or ill-conditioned weighted designs.
 */

/** Householder QR of the n × p matrix `a` (column-major copy), with R's limited pivoting (`dqrdc2`). */
export interface Qr {
  qr: number[][]; // columns, overwritten by R (upper part) and Householder vectors (lower part)
  qraux: number[];
  /** First component of each Householder vector (the diagonal slot holds R's diagonal). */
  v1: number[];
  pivot: number[];
  rank: number;
}

export function householderQr(cols: number[][], n: number, tol: number): Qr {
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
export function applyQt(qr: Qr, z: number[], n: number): void {
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
export function backSolve(qr: Qr, rhs: number[]): number[] {
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
export function unscaledCovariance(qr: Qr): number[][] {
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
