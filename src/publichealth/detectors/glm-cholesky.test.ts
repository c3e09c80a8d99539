import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../foundation/random.js';
import { ArrowheadCholesky, CholeskyWls, DenseCholesky, sparseRows } from './glm-cholesky.js';
import { fitPoissonGlm } from './glm.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('CholeskyWls (normal equations for the IRLS steps)', () => {
  it('solves a weighted least-squares problem with a one-hot factor exactly (β known)', () => {
    // y = 2 + 0.5 t + (level 1: +3, level 2: −1), no noise: any correct solver returns β exactly.
    const x: number[][] = [];
    const z: number[] = [];
    for (let t = 0; t < 30; t++) {
      const level = t % 3;
      x.push([1, t, level === 1 ? 1 : 0, level === 2 ? 1 : 0]);
      z.push(2 + 0.5 * t + (level === 1 ? 3 : level === 2 ? -1 : 0));
    }
    const rows = x.map((_, i) => i);
    const w = x.map((_, i) => 1 + (i % 5));
    const beta = new CholeskyWls(sparseRows(x, 4), 4, 1e-10).solve(rows, w, z);
    expect(beta).not.toBeNull();
    [2, 0.5, 3, -1].forEach((b, j) => expect(rel((beta as number[])[j], b)).toBeLessThan(1e-12));
  });

  it('refuses a rank-deficient design (then the QR path decides aliasing as R does)', () => {
    const x = Array.from({ length: 10 }, (_, t) => [1, t, 2 * t]);
    const z = x.map((_, t) => t);
    expect(new CholeskyWls(sparseRows(x, 3), 3, 1e-10).solve(x.map((_, i) => i), x.map(() => 1), z)).toBeNull();
  });

  it('an empty factor level (all-zero column) makes fitPoissonGlm fall back to QR and report it aliased', () => {
    const y = [3, 5, 4, 6, 2, 7, 5, 4];
    const x = y.map((_, i) => [1, i, i % 2, 0]);
    const fit = fitPoissonGlm({ x, y });
    expect(fit.aliased).toEqual([false, false, false, true]);
    expect(fit.rank).toBe(3);
    const ref = fitPoissonGlm({ x: x.map((r) => r.slice(0, 3)), y });
    ref.coefficients.forEach((c, j) => expect(rel(fit.coefficients[j], c)).toBeLessThan(1e-10));
  });
});

/** X'WX (upper triangle) of rows (1, t?, e_level) with random weights: `levels` − 1 one-hot columns, level 0 the reference. */
function normalMatrix(q: number, levels: number, levelOf: (i: number) => number, rows = 130, seed = 2): Float64Array {
  const rand = mulberry32(seed);
  const p = q + levels - 1;
  const a = new Float64Array(p * p);
  for (let i = 0; i < rows; i++) {
    const x = new Float64Array(p);
    x[0] = 1;
    if (q === 2) x[1] = 100 + i;
    const lev = levelOf(i);
    if (lev > 0) x[q + lev - 1] = 1;
    const w = 0.5 + 3 * rand();
    for (let j = 0; j < p; j++) for (let k = j; k < p; k++) a[j * p + k] += w * x[j] * x[k];
  }
  return a;
}

const maxRel = (x: Float64Array, y: Float64Array): number =>
  x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]) / Math.max(Math.abs(v), Math.abs(y[i]), 1e-300)), 0);

describe('ArrowheadCholesky (normal equations of intercept, trend and a one-hot factor)', () => {
  for (const q of [1, 2]) {
    it(`solves and inverts as DenseCholesky (q = ${q}), also after the matrix is overwritten`, () => {
      const p = q + 9;
      const a = normalMatrix(q, 10, (i) => Math.floor(i / 5) % 10);
      const dense = new DenseCholesky(p);
      const arrow = new ArrowheadCholesky(p, q);
      dense.a.set(a);
      arrow.a.set(a);
      expect(dense.factor(1e-10)).toBe(true);
      expect(arrow.factor(1e-10)).toBe(true);
      const rhs = Float64Array.from({ length: p }, (_, j) => Math.sin(j + 1));
      const [x1, x2] = [new Float64Array(p), new Float64Array(p)];
      dense.solve(rhs, x1);
      arrow.solve(rhs, x2);
      expect(maxRel(x1, x2)).toBeLessThan(1e-12);
      // The IRLS writes its next step's matrix into `a` before it asks for the last step's inverse.
      dense.a.fill(7);
      arrow.a.fill(7);
      const [i1, i2] = [new Float64Array(p * p), new Float64Array(p * p)];
      dense.inverse(i1);
      arrow.inverse(i2);
      expect(maxRel(i1, i2)).toBeLessThan(1e-11);
      // A·A⁻¹ = I on the original matrix (both triangles from the upper one).
      const full = (j: number, k: number): number => (j <= k ? a[j * p + k] : a[k * p + j]);
      for (let j = 0; j < p; j++)
        for (let k = 0; k < p; k++) {
          let s = 0;
          for (let m = 0; m < p; m++) s += full(j, m) * i2[m * p + k];
          expect(s).toBeCloseTo(j === k ? 1 : 0, 9);
        }
    });
  }

  it('refuses singular designs as DenseCholesky does: an empty level, and an empty reference level', () => {
    for (const levelOf of [(i: number) => i % 3, (i: number) => 1 + (i % 3)]) {
      const a = normalMatrix(2, 4, levelOf);
      const dense = new DenseCholesky(5);
      const arrow = new ArrowheadCholesky(5, 2);
      dense.a.set(a);
      arrow.a.set(a);
      expect(arrow.factor(1e-10)).toBe(false);
      expect(dense.factor(1e-10)).toBe(false);
    }
  });
});
