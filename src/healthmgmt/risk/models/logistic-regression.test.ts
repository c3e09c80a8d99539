import { describe, expect, it } from 'vitest';
import {
  linearPredictor,
  originalScaleCoefficients,
  predictProbability,
  sigmoid,
  solveSpd,
  topContributions,
  trainLogisticRegression,
} from './logistic-regression.js';
import { createPrng } from '../../../foundation/random.js';

// Data simulated from a known model: logit P(y=1) = 1.5 + 0.8·x1 − 1.5·x2 + 0·x3, with x1 ~ N(0,1),
// x2 ~ N(2, 0.5²) and x3 ~ N(0,1) (pure noise).
function simulate(seed: number, n: number) {
  const prng = createPrng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = [prng.normal(), 2 + 0.5 * prng.normal(), prng.normal()];
    const p = sigmoid(1.5 + 0.8 * row[0] - 1.5 * row[1]);
    x.push(row);
    y.push(prng.next() < p ? 1 : 0);
  }
  return { x, y };
}

describe('logistic regression trainer', () => {
  const { x, y } = simulate(7, 30000);
  const model = trainLogisticRegression(x, y, ['x1', 'x2', 'x3'], { l2: 1e-6 });

  it('recovers the simulating coefficients (1.5, 0.8, −1.5, 0)', () => {
    const { intercept, coefficients } = originalScaleCoefficients(model);
    expect(model.converged).toBe(true);
    expect(intercept).toBeGreaterThan(1.5 - 0.25);
    expect(intercept).toBeLessThan(1.5 + 0.25);
    expect(Math.abs(coefficients[0] - 0.8)).toBeLessThan(0.06);
    expect(Math.abs(coefficients[1] + 1.5)).toBeLessThan(0.12);
    expect(Math.abs(coefficients[2])).toBeLessThan(0.06);
  });

  it('is deterministic: the same data give the same model', () => {
    const again = trainLogisticRegression(x, y, ['x1', 'x2', 'x3'], { l2: 1e-6 });
    expect(again.coefficients).toEqual(model.coefficients);
    expect(again.intercept).toBe(model.intercept);
  });

  it('a strong L2 penalty shrinks the standardised coefficients towards 0', () => {
    const ridge = trainLogisticRegression(x, y, ['x1', 'x2', 'x3'], { l2: 1e5 });
    for (let j = 0; j < 3; j++) expect(Math.abs(ridge.coefficients[j])).toBeLessThan(Math.abs(model.coefficients[j]) + 1e-12);
    expect(Math.abs(ridge.coefficients[0])).toBeLessThan(0.5 * Math.abs(model.coefficients[0]));
  });

  it('predicts σ(linear predictor) and ranks contributions by |β·z|', () => {
    const row = [2, 1, 0];
    expect(predictProbability(model, row)).toBeCloseTo(sigmoid(linearPredictor(model, row)), 15);
    const top = topContributions(model, row, 2);
    // x2 = 1 is 2 SD below its mean with β ≈ −1.5·0.5 per SD → about +1.5; x1 = 2 SD × 0.8 → about +1.6.
    expect(top.map((t) => t.feature).sort()).toEqual(['x1', 'x2']);
    expect(top[0].contribution).toBeGreaterThan(0);
  });

  it('fits a hand-checkable case: one binary feature, no penalty → log odds ratio', () => {
    // Group A (x=0): 1 event of 4 → odds 1/3; group B (x=1): 3 of 4 → odds 3. log OR = ln 9.
    const xs = [[0], [0], [0], [0], [1], [1], [1], [1]];
    const ys = [1, 0, 0, 0, 1, 1, 1, 0];
    const m = trainLogisticRegression(xs, ys, ['b'], { l2: 0, standardize: false });
    expect(m.coefficients[0]).toBeCloseTo(Math.log(9), 8);
    expect(m.intercept).toBeCloseTo(Math.log(1 / 3), 8);
  });

  it('rejects bad input by saying what is wrong', () => {
    expect(() => trainLogisticRegression([[1]], [2], ['a'])).toThrow(/0 or 1/);
    expect(() => trainLogisticRegression([[1, 2]], [1], ['a'])).toThrow(/1 features/);
  });
});

describe('Cholesky solver', () => {
  it('solves a 2×2 system by hand: [[4,2],[2,3]]·x = [2,1] → x = [0.5, 0]', () => {
    const x = solveSpd([[4, 2], [2, 3]], [2, 1]);
    expect(x[0]).toBeCloseTo(0.5, 12);
    expect(x[1]).toBeCloseTo(0, 12);
  });
});

describe('seeded PRNG', () => {
  it('repeats for the same seed and gives standard normals', () => {
    const a = createPrng(42);
    const b = createPrng(42);
    expect([a.next(), a.next(), a.next()]).toEqual([b.next(), b.next(), b.next()]);
    const g = createPrng(1);
    const draws = Array.from({ length: 50000 }, () => g.normal());
    const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
    const variance = draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(Math.abs(variance - 1)).toBeLessThan(0.03);
  });
});
