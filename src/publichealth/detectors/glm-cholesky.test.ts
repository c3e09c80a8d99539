import { describe, expect, it } from 'vitest';
import { CholeskyWls, sparseRows } from './glm-cholesky.js';
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
